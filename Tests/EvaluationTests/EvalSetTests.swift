import Evaluation
import Foundation
import TestSupport
import Testing

@Suite("arquivo de avaliação")
struct EvalSetTests {
    @Test("lista ou chave questions; alt_sql texto ou lista; outras chaves ignoradas")
    func shapes() throws {
        let list = """
            - id: 1
              question: Quantas escolas?
              gold_sql: SELECT count(*) FROM escolas
              difficulty: Easy
              notas: ignorado
            """
        let parsed = try EvalSet.parse(list, path: "a.yaml")
        #expect(parsed == [EvalQuestion(id: "1", question: "Quantas escolas?", goldSQL: "SELECT count(*) FROM escolas", difficulty: "easy")])

        let mapping = """
            versao: 2
            questions:
              - id: q
                question: Quais escolas, da maior para a menor?
                gold_sql: SELECT nome FROM escolas ORDER BY 1
                order_matters: true
                alt_sql: SELECT nome, id FROM escolas ORDER BY 1
              - id: r
                question: E as cidades?
                gold_sql: SELECT cidade FROM escolas
                alt_sql:
                  - SELECT DISTINCT cidade FROM escolas
                  - SELECT cidade, nome FROM escolas
            """
        let questions = try EvalSet.parse(mapping, path: "b.yaml")
        #expect(questions.map(\.id) == ["q", "r"])
        #expect(questions[0].orderMatters && !questions[1].orderMatters)
        #expect(questions[0].alternativeSQL == ["SELECT nome, id FROM escolas ORDER BY 1"])
        #expect(questions[1].acceptedSQL.count == 3)
        #expect(questions[1].difficulty == EvalQuestion.noDifficulty)
    }

    @Test("erros dizem o arquivo, o item e o que falta")
    func errors() {
        #expect(throws: EvalSetError.malformed(path: "c.yaml", place: "item 2 (linha 4)", problem: "falta o campo gold_sql")) {
            try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1}\n\n\n- {id: 2, question: b}\n", path: "c.yaml")
        }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1}\n- {id: 1, question: b, gold_sql: SELECT 2}\n", path: "d.yaml") }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1, order_matters: talvez}\n", path: "e.yaml") }
        #expect(throws: EvalSetError.empty(path: "f.yaml")) { try EvalSet.parse("questions: []\n", path: "f.yaml") }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("questions: [\n", path: "g.yaml") }
        #expect(throws: EvalSetError.missing(path: "/nao/existe.yaml")) { try EvalSet.load(path: "/nao/existe.yaml") }
    }
}

@Suite("suíte de avaliação: vários arquivos, cada um no seu banco")
struct EvalSuiteTests {
    static let questions = """
        database: bancos/loja.sqlite
        questions:
          - {id: l1, difficulty: easy, question: "Quantos clientes?", gold_sql: "SELECT count(*) FROM Customer"}
          - {id: l2, difficulty: hard, question: "Quanto vendeu?", gold_sql: "SELECT sum(Total) FROM Invoice"}
        """

    @Test("a suite lists question files relative to itself; each file's database is relative to the file; a file named twice is read once")
    func suite() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("sets"), withIntermediateDirectories: true)
        try Self.questions.write(toFile: folder.path("sets/loja.yaml"), atomically: true, encoding: .utf8)
        try "- {id: e1, question: \"Quantas escolas?\", gold_sql: \"SELECT count(*) FROM escolas\"}\n"
            .write(toFile: folder.path("sets/escola.yaml"), atomically: true, encoding: .utf8)
        try "sets:\n  - sets/escola.yaml\n  - sets/loja.yaml\n".write(toFile: folder.path("suite.yaml"), atomically: true, encoding: .utf8)

        let files = try EvalSet.loadFiles(paths: [folder.path("suite.yaml"), folder.path("sets/loja.yaml")])
        #expect(files.map(\.name) == ["escola", "loja"])
        #expect(files[0].database == nil, "a file without database: is about the database the command was given")
        #expect(files[1].database == URL(fileURLWithPath: folder.path("sets/bancos/loja.sqlite")).standardizedFileURL.path)
        #expect(files[1].questions.map(\.id) == ["l1", "l2"])
    }

    @Test("a suite whose sets is not a list, or names a file that does not exist: the file and the problem")
    func badSuites() throws {
        let folder = try TemporaryFolder()
        try "sets: dev.yaml\n".write(toFile: folder.path("a.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: EvalSetError.self) { try EvalSet.loadFiles(paths: [folder.path("a.yaml")]) }
        try "sets:\n  - nada.yaml\n".write(toFile: folder.path("b.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try EvalSet.loadFiles(paths: [folder.path("b.yaml")])
            Issue.record("a missing set file was accepted")
        } catch {
            #expect(error.localizedDescription.contains("nada.yaml' não existe"))
        }
        try "database: ''\nquestions:\n  - {id: x, question: q, gold_sql: SELECT 1}\n".write(toFile: folder.path("c.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: EvalSetError.self) { try EvalSet.loadFile(path: folder.path("c.yaml")) }
    }

    @Test("a sample keeps each difficulty's share, at least one of each, the file order, and is the same every time")
    func sample() {
        let questions = (1...30).map { number in
            EvalQuestion(id: "q\(number)", question: "pergunta \(number)", goldSQL: "SELECT \(number)",
                         difficulty: number <= 15 ? "easy" : number <= 27 ? "medium" : "hard")
        }
        let sample = EvalSet.sample(questions, count: 10)
        #expect(sample.count == 10)
        #expect(sample == EvalSet.sample(questions, count: 10))
        let counts = Dictionary(grouping: sample, by: \.difficulty).mapValues(\.count)
        #expect(counts["easy"] == 5 && counts["medium"] == 4 && counts["hard"] == 1, "\(counts)")
        let positions = sample.map { item in questions.firstIndex { $0.id == item.id }! }
        #expect(positions == positions.sorted())
        // Asking for more than there is keeps everything; a different count is a different draw, not a shuffle of the same.
        #expect(EvalSet.sample(questions, count: 50) == questions)
        #expect(Set(EvalSet.sample(questions, count: 5).map(\.id)).isSubset(of: Set(EvalSet.sample(questions, count: 20).map(\.id))))
    }
}
