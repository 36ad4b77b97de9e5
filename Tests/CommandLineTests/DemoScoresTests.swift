import Database
import Foundation
import TestSupport
import Testing

/// What a new user gets from the first command: a demo whose students already have scores.
@Suite("indaga demo: the scores from the start")
struct DemoScoresTests {
    @Test("demo trains and stores the scores, stamped with the simulation's own date; the same seed gives the same bytes")
    func scoredAndDeterministic() throws {
        let first = try SharedDemo.result.get()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Modelo de risco risco-20241129-180000-000: promovido: é o primeiro modelo de risco"), "\(first.stdout)")
        #expect(first.stderr.contains("treinando as notas de risco e de engajamento…"))

        let folder = try TemporaryFolder()
        let again = try Indaga.run(["demo", "--out", folder.path("de-novo.sqlite"), "--seed", "42"])
        #expect(again.status == 0, "\(again.stderr)")
        let (a, b) = (try Data(contentsOf: URL(fileURLWithPath: SharedDemo.path)), try Data(contentsOf: URL(fileURLWithPath: folder.path("de-novo.sqlite"))))
        #expect(a == b, "the same seed, the same bytes, scores included")

        let database = try Connection(path: SharedDemo.path, mode: .readOnly)
        #expect(try database.scalar("SELECT count(*) FROM scores_risco")?.integer ?? 0 > 900)
        #expect(try database.scalar("SELECT count(*) FROM scores_engajamento")?.integer ?? 0 > 30_000)
        let stamps = try database.query("SELECT DISTINCT treinado_em FROM modelos UNION SELECT DISTINCT calculado_em FROM scores_risco").compactMap { $0[0].text }
        #expect(stamps == ["2024-11-29T18:00:00Z"])
    }

    @Test("the first question about a class's students, with no scores command run, shows each one's risk and engagement")
    func firstAnswerShowsScores() throws {
        #expect(try SharedDemo.result.get().status == 0)
        let model = try FakeOllama { _ in
            "SELECT a.ra, a.nome FROM alunos a JOIN matriculas m ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id "
                + "WHERE t.codigo = '5B' AND t.escola_id = 1 AND m.ano_letivo = 2024 ORDER BY a.nome"
        }
        let folder = try TemporaryFolder()
        let run = try Indaga.run(["ask", "Quais alunos da turma 5B correm mais risco de evasão?", "--db", SharedDemo.path,
                                  "--llm-url", model.baseURL, "--model", "fake", "--log", folder.path("auditoria.jsonl"), "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.first == "ra,nome,risco,engajamento", "\(run.stdout)")
        // Every student of the class has both, as "alto 72% · frequência caiu 30%" and "baixo 31".
        let levels = ["alto", "médio", "baixo", "inativo"]
        #expect(lines.count > 10 && lines.dropFirst().allSatisfy { line in levels.contains { line.contains(",\($0) ") } }, "\(run.stdout)")
    }
}
