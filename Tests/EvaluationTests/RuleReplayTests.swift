import Assistant
import Database
import DemoDatabase
@testable import Evaluation
import Foundation
import MiniLM
import Retrieval
import TestSupport
import Testing

/// `indaga eval --replay`: the rules measured again on the queries a run recorded, on the demo
/// database with the repository's catalog and the real encoder, without a model.
@Suite("regras medidas de novo sem o modelo", .serialized)
struct RuleReplayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = try! TemporaryFolder()
    static let demo: Result<String, Error> = Result { try DemoDatabase.write(to: folder.path("escola.sqlite")).path }

    static let rate = EvalQuestion(id: "taxa", question: "Qual a taxa de presença de cada aluno?",
                                   goldSQL: "SELECT aluno_id, 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal GROUP BY aluno_id")
    static let nobody = EvalQuestion(id: "ninguem", question: "Quantas escolas estaduais existem?",
                                     goldSQL: "SELECT count(*) FROM escolas WHERE rede = 'estadual'")

    static let empty = EvalQuestion(id: "marte", question: "Quais escolas ficam em Marte?", goldSQL: "SELECT nome FROM escolas WHERE cidade = 'Marte'")

    /// One run as the report records it: the query the model wrote, and the one that ran.
    static func recorded(_ question: EvalQuestion, written: String, ran: String, outcome: EvalOutcome) -> EvalCase {
        EvalCase(id: question.id, question: question.question, difficulty: question.difficulty, outcome: outcome, source: "llm", tries: 1,
                 predictedSQL: ran, goldSQL: question.goldSQL, detail: nil, goldTables: [], missingTables: [], shownTables: [],
                 latencyMilliseconds: 0, stageMilliseconds: [:], promptTokens: 0, completionTokens: 0,
                 attempts: [EvalCase.Try(sql: ran, written: written == ran ? nil : written, problem: nil, repairs: [])])
    }

    @Test("a regra que deixou a resposta certa conta como ajuda; a olhada que viu algo numa resposta errada, também; a mesma consulta só conta uma vez")
    func measuresEachRule() throws {
        let database = try Self.demo.get()
        let connection = try Connection(path: database, mode: .readOnly)
        let retriever = try Retriever.load(database: database, catalogName: "escola", metadataFolder: Self.repository.appendingPathComponent("metadata/escola"),
                                           embeddingsFolder: Self.repository.appendingPathComponent("embeddings/escola"))
        let encoder = try MiniLMEncoder(folder: Self.repository.appendingPathComponent("models/all-MiniLM-L6-v2"))
        var options = Assistant.Options()
        options.maxRows = EvalRunner.maxRows
        let assistant = Assistant(connection: connection, retriever: retriever, encoder: encoder, client: nil,
                                  prompts: try PromptTemplates.load(from: Self.repository.appendingPathComponent("prompts")), options: options)
        let runner = EvalRunner(connection: connection, tableNames: Set(retriever.catalog.schema.tables.map(\.name)))

        // Integer division: every rate 0 without the rule that writes 1.0 *.
        let written = "SELECT aluno_id, sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal GROUP BY aluno_id"
        let cases = [
            Self.recorded(Self.rate, written: written, ran: Self.rate.goldSQL, outcome: .rightFirstTry),
            // A filter on a value no row has: no rows, which two checks see.
            Self.recorded(Self.nobody, written: "SELECT nome FROM escolas WHERE rede = 'federal'", ran: "SELECT nome FROM escolas WHERE rede = 'federal'", outcome: .wrong),
        ]
        let run = EvalRun(configuration: EvalConfiguration(label: "pipeline completo", model: "fake", maxTries: 3, retrieval: true), cases: cases, elapsed: .seconds(1))
        let set = EvalReport.QuestionSet(file: "dev.yaml", database: database, catalog: "escola", runs: [run])
        let replay = RuleReplay(runner: runner, assistant: assistant, questions: [Self.rate, Self.nobody])
        var report = ReplayReport(source: "teste.json")
        replay.replay(set, into: &report)
        // The same report again adds nothing: each query counts once.
        replay.replay(set, into: &report)

        #expect(report.databases == [ReplayReport.Database(catalog: "escola", queries: 2, reproduced: 2, right: 1)])
        #expect(report.rules["fix.integer-division"]?["escola"] == ReplayTally(acted: 1, helped: 1, hurt: 0))
        // Every check that sees something counts, not only the first the model would hear.
        let checks = report.rules.filter { $0.key.hasPrefix("check.") }
        #expect(checks["check.no-rows"] != nil && checks["check.value-not-stored"] != nil, "\(checks.keys.sorted())")
        #expect(checks.values.allSatisfy { $0 == ["escola": ReplayTally(acted: 1, helped: 1, hurt: 0)] })
        #expect(report.rules.count == checks.count + 1, "\(report.rules.keys.sorted())")
        #expect(report.hurts.isEmpty)

        // A right answer with no rows: the look at it counts against the check, and says where.
        let emptyRun = EvalRun(configuration: run.configuration, cases: [
            Self.recorded(Self.empty, written: Self.empty.goldSQL, ran: Self.empty.goldSQL, outcome: .rightFirstTry),
        ], elapsed: .seconds(1))
        RuleReplay(runner: runner, assistant: assistant, questions: [Self.empty])
            .replay(EvalReport.QuestionSet(file: "dev.yaml", database: database, catalog: "escola", runs: [emptyRun]), into: &report)
        #expect(report.rules["check.no-rows"]?["escola"] == ReplayTally(acted: 2, helped: 1, hurt: 1))
        #expect(report.hurts.map(\.rule).contains("check.no-rows") && report.hurts.allSatisfy { $0.question == Self.empty.question })
        #expect(assistant.options.rules == .allOn && assistant.options.retrieval, "o assistente volta como estava")

        let text = ReplayReportText.render(report)
        #expect(text.contains("fix.integer-division"))
        #expect(text.contains("1 +1 −0"))
        #expect(text.contains("Não agiram em nenhuma consulta"))
        #expect(text.contains("Onde uma regra atrapalhou") && text.contains("Quais escolas ficam em Marte?"))
        let decoded = try JSONDecoder().decode(ReplayReport.self, from: Data(report.json().utf8))
        #expect(decoded.rules == report.rules)
    }
}
