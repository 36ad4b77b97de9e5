import Foundation
import TestSupport
import Testing

/// `indaga eval` end to end: the binary, the demo database, a fake Ollama over loopback.
@Suite("indaga eval", .serialized)
struct EvalCommandTests {
    static let repository = EmbedCommandTests.repository

    /// Two questions the fake model (`BatchModel`: "(número N)" gets `SELECT N AS numero, count(*) AS escolas FROM escolas`)
    /// answers right, two it answers wrong, one gold written as text numbers.
    static let file = """
        questions:
          - {id: a, difficulty: easy, question: "Quantas escolas há na rede? (número 1)", gold_sql: "SELECT 1, count(*) FROM escolas"}
          - {id: b, difficulty: easy, question: "Quantas escolas há na rede? (número 2)", gold_sql: "SELECT count(*), '2' FROM escolas"}
          - {id: c, difficulty: hard, question: "Quantos alunos há na rede? (número 3)", gold_sql: "SELECT 3, count(*) FROM alunos"}
          - {id: d, difficulty: hard, question: "Quantas turmas há na rede? (número 4)", gold_sql: "SELECT 4, count(*) FROM turmas"}
        """

    @Test("metade certa: 50% no JSON, o relatório gravado em --out, saída 0")
    func halfRight() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let model = try BatchModel()
        let run = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                  "--llm-url", model.url, "--model", "fake", "--format", "json", "--out", folder.path("relatorio.txt")])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runs = try #require(report["runs"] as? [[String: Any]])
        let summary = try #require(runs.first?["summary"] as? [String: Any])
        #expect(summary["accuracy"] as? Double == 0.5)
        #expect(summary["right_first_try"] as? Int == 2)
        #expect(summary["wrong"] as? Int == 2)
        #expect(run.stderr.contains("[4/4] d: errada"))
        let text = try String(contentsOfFile: folder.path("relatorio.txt"), encoding: .utf8)
        #expect(text.contains("50,0% (2 de 4)"))
        #expect(text.contains("[c] difícil · errada"))
    }

    @Test("--compare roda as três configurações na mesma execução")
    func compare() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let model = try BatchModel()
        let run = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                  "--llm-url", model.url, "--model", "fake", "--compare"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Comparação (mesmas perguntas, mesmo modelo, nesta execução)"))
        #expect(run.stdout.contains("sem recuperação: esquema inteiro, uma tentativa"))
        // The whole-schema prompt holds every table; the retrieved ones do not.
        #expect(model.fake.prompts.contains { $0.contains("CREATE TABLE cubo_engajamento") && $0.contains("CREATE TABLE modelos") })
    }

    @Test("sem modelo, um arquivo que não existe ou um modelo fora do ar: mensagens claras")
    func errors() throws {
        _ = try SharedDemo.result.get()
        let missing = try Indaga.run(["eval", "/nao/existe.yaml", "--home", Self.repository.path, "--db", SharedDemo.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("o arquivo de avaliação '/nao/existe.yaml' não existe"))

        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let nowhere = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path, "--no-llm",
                                      "--out", "/nao/existe/relatorio.json"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("a pasta /nao/existe não existe ou não aceita escrita"))
        #expect(!nowhere.stderr.contains("[1/4]"), "the questions are not asked when the report cannot be written")

        let down = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                   "--llm-url", "http://127.0.0.1:\(FakeHTTPServer.unusedPort())"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("--no-llm"))

        let retrievalOnly = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                            "--no-llm", "--format", "json"])
        #expect(retrievalOnly.status == 0, "\(retrievalOnly.stderr)")
        #expect(retrievalOnly.stdout.contains("\"not_answered\" : 4"))
        // As text, a run without a model lists retrieval misses, not four "no model" failures.
        let text = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path, "--no-llm"])
        #expect(text.stdout.contains("== sem modelo: recuperação e exemplos verificados =="))
        #expect(!text.stdout.contains("nenhum modelo configurado"))
    }
}
