import Assistant
import Catalog
import Database
import DemoDatabase
import Foundation
import LLM
import MiniLM
import Retrieval
import Scores
import Session
import TestSupport
import Testing

/// A session over its own copy of the demo database, metadata and embeddings (`:salvar` writes
/// to them), with a fake Ollama that answers by question.
final class SessionFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let template = try! TemporaryFolder()
    static let demo: Result<String, Error> = Result { try DemoDatabase.write(to: template.path("escola.sqlite")).path }
    static let encoder: Result<MiniLMEncoder, Error> = Result {
        try MiniLMEncoder(folder: repository.appendingPathComponent("models/all-MiniLM-L6-v2"))
    }

    let folder: TemporaryFolder
    let model: FakeOllama
    let session: ReplSession
    let database: String
    let metadata: URL
    let embeddings: URL

    /// - Parameter prepare: runs on a writable connection to the copy before the session opens it.
    init(replies: @escaping @Sendable (String) -> String, prepare: (Connection) throws -> Void = { _ in }) throws {
        let files = FileManager.default
        let folder = try TemporaryFolder()
        let (database, metadata, embeddings) = (
            folder.path("escola.sqlite"), folder.url.appendingPathComponent("metadata/escola"), folder.url.appendingPathComponent("embeddings/escola"))
        (self.folder, self.database, self.metadata, self.embeddings) = (folder, database, metadata, embeddings)
        try files.copyItem(atPath: try Self.demo.get(), toPath: folder.path("escola.sqlite"))
        try files.createDirectory(at: metadata.deletingLastPathComponent(), withIntermediateDirectories: true)
        try files.createDirectory(at: embeddings.deletingLastPathComponent(), withIntermediateDirectories: true)
        try files.copyItem(at: Self.repository.appendingPathComponent("metadata/escola"), to: metadata)
        try files.copyItem(at: Self.repository.appendingPathComponent("embeddings/escola"), to: embeddings)
        try prepare(try Connection(path: folder.path("escola.sqlite"), mode: .readWrite))

        model = try FakeOllama { prompt in replies(FakeOllama.question(in: prompt) ?? "") }
        let encoder = try Self.encoder.get()
        let connection = try Connection(path: folder.path("escola.sqlite"), mode: .readOnly)
        let prompts = try PromptTemplates.load(from: Self.repository.appendingPathComponent("prompts"))
        let client = OllamaClient(endpoint: LLMEndpoint(baseURL: model.baseURL, api: .ollama, model: "fake"), retry: .none)
        let makeAssistant = { (retriever: Retriever) in
            Assistant(connection: connection, retriever: retriever, encoder: encoder, client: client, prompts: prompts)
        }
        let load = { try Retriever.load(database: database, catalogName: "escola", metadataFolder: metadata, embeddingsFolder: embeddings) }
        let services = ReplSession.Services(
            connection: connection, database: database, examples: ExampleStore(metadataFolder: metadata),
            refresh: {
                let job = RefreshJob(database: database, catalogName: "escola", metadataFolder: metadata, embeddingsFolder: embeddings)
                let summary = try job.run(check: false) { encoder }
                return (summary, makeAssistant(try load()))
            },
            auditLog: nil)
        session = ReplSession(assistant: makeAssistant(try load()), services: services, options: AnswerText.Options())
    }

    func reply(_ line: String) -> ReplSession.Reply {
        session.handle(line) ?? ReplSession.Reply(text: "(nada)")
    }
}

@Suite("the conversation and its commands", .serialized)
struct SessionTests {
    @Test(":salvar keeps the YAML's comments, refreshes the catalog, and the same question then needs no model")
    func saveExample() throws {
        let fixture = try SessionFixture { _ in "SELECT nome FROM disciplinas ORDER BY nome" }
        let before = try String(contentsOf: fixture.metadata.appendingPathComponent("examples.yaml"), encoding: .utf8)
        let first = fixture.reply("Quais são as matérias do currículo?")
        #expect(first.text.contains("modelo fake"), "\(first.text)")
        #expect(fixture.model.prompts.count == 1)

        let saved = fixture.reply(":salvar")
        #expect(!saved.isError, "\(saved.text)")
        #expect(saved.text.contains("Exemplo salvo em"))
        let after = try String(contentsOf: fixture.metadata.appendingPathComponent("examples.yaml"), encoding: .utf8)
        #expect(after.hasPrefix(before), "the old text, comments included, stays as it was")
        #expect(after.hasSuffix("  - pergunta: \"Quais são as matérias do currículo?\"\n    sql: \"SELECT nome FROM disciplinas ORDER BY nome\"\n"))
        let check = try RefreshJob(database: fixture.database, catalogName: "escola", metadataFolder: fixture.metadata,
                                   embeddingsFolder: fixture.embeddings).run(check: true) { try SessionFixture.encoder.get() }
        #expect(!check.stale, "the embeddings match the new metadata")

        let again = fixture.reply("Quais são as matérias do currículo?")
        #expect(again.text.contains("consulta verificada"), "\(again.text)")
        #expect(fixture.model.prompts.count == 1, "no second call to the model")
        #expect(fixture.reply(":salvar").text == "Esta pergunta já é um exemplo verificado.")
    }

    @Test("with scores in the database, students get risk and engagement badges, and :aluno shows the factors")
    func badgesAndCard() throws {
        let fixture = try SessionFixture(replies: { _ in
            "SELECT a.ra, a.nome FROM alunos a WHERE a.ra IN ('20220042', '20220043') ORDER BY a.ra"
        }, prepare: { connection in
            try connection.execute("""
                INSERT INTO modelos VALUES ('risco-teste', 'risco', '2024-11-30', '{}', '{}', 1);
                INSERT INTO scores_risco SELECT id, 2024, 0.72, 'alto',
                    '[{"fator": "frequência caiu 30%", "peso": 0.9}, {"fator": "INDE anterior baixo", "peso": 0.5}]',
                    'risco-teste', '2024-11-30' FROM alunos WHERE ra = '20220042';
                INSERT INTO scores_engajamento SELECT id, '2024-11', 2, 'baixo', 31.4, 'risco-teste', '2024-11-30' FROM alunos WHERE ra = '20220042';
                """)
        })
        let answer = fixture.reply("Quem são os alunos 20220042 e 20220043?")
        let lines = answer.text.components(separatedBy: "\n")
        #expect(lines.contains { $0.contains("risco") && $0.contains("engajamento") }, "\(answer.text)")
        #expect(lines.contains { $0.contains("20220042") && $0.contains("alto 72% · frequência caiu 30%") && $0.contains("baixo 31") })
        #expect(lines.contains { $0.contains("20220043") && $0.contains("—") }, "a student without scores shows a dash")
        #expect(answer.text.contains("apoio à decisão"))

        let card = fixture.reply(":aluno 20220042").text
        #expect(card.contains("RA 20220042"))
        #expect(card.contains("Indicadores por ano"))
        #expect(card.contains("Risco de evadir ou ficar para trás no ano seguinte (dados de 2024): alto (72%) · modelo risco-teste"))
        #expect(card.contains("  1. frequência caiu 30%\n  2. INDE anterior baixo"))
        #expect(card.contains("baixo 31"), "the month scored shows its engagement")
        let unknown = fixture.reply(":aluno 99999999")
        #expect(unknown.isError && unknown.text == "Nenhum aluno com RA 99999999.")
    }

    @Test("without scores there are no badge columns")
    func noBadges() throws {
        let fixture = try SessionFixture { _ in "SELECT ra, nome FROM alunos ORDER BY ra LIMIT 3" }
        let answer = fixture.reply("Liste três alunos pelo RA")
        #expect(!answer.text.contains("risco"), "\(answer.text)")
        #expect(fixture.reply(":aluno 20220042").text.contains("Risco: ainda não calculado"))
    }

    @Test("what the checks changed in the model's query is said under the answer")
    func repairsShown() throws {
        let fixture = try SessionFixture { _ in "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND pedra = 'agata'" }
        let answer = fixture.reply("quantos alunos ágata em 2024?")
        #expect(answer.text.contains("ajustes no SQL do modelo: valor escrito como está no banco: 'agata' → 'Ágata' (avaliacoes_anuais.pedra)"), "\(answer.text)")
        #expect(answer.text.contains("1 linha"))
        // Nothing changed, nothing said.
        let plain = try SessionFixture { _ in "SELECT nome FROM escolas ORDER BY nome" }
        #expect(!plain.reply("me mostra o nome das escolas da rede").text.contains("ajustes"))
    }

    @Test(":explicar, :sql, :formato, :limite and :nova")
    func commands() throws {
        let fixture = try SessionFixture { _ in "SELECT codigo, fase FROM turmas WHERE ano_letivo = 2024 ORDER BY codigo LIMIT 10" }
        #expect(fixture.reply(":sql").isError)
        #expect(fixture.reply(":explicar").isError)
        #expect(fixture.reply(":limite 5").text == "Mostrando até 5 linhas por resposta.")
        let answer = fixture.reply("Liste dez turmas de 2024 com a fase")
        #expect(answer.text.contains("mostrando 5 de 10 linhas"), "\(answer.text)")
        #expect(fixture.reply(":sql").text == "SELECT codigo, fase\nFROM turmas\nWHERE ano_letivo = 2024\nORDER BY codigo\nLIMIT 10")
        let explained = fixture.reply(":explicar").text
        #expect(explained.hasPrefix("Pergunta: Liste dez turmas de 2024 com a fase"))
        #expect(explained.contains("\nTabelas:\n  turmas"))

        #expect(fixture.reply(":formato xml").isError)
        #expect(fixture.reply(":formato md").text == "Formato das respostas: md.")
        let markdown = fixture.reply("Liste dez turmas de 2024 com a fase").text
        #expect(markdown.hasPrefix("| codigo | fase |\n| --- | ---: |\n"), "\(markdown)")
        #expect(markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| ") }.count == 12, "header, separator and all 10 rows, not the display limit")

        #expect(fixture.session.history.count == 2)
        #expect(fixture.reply(":nova").text.hasPrefix("Conversa reiniciada"))
        #expect(fixture.session.history.isEmpty)
        #expect(fixture.reply(":tabelas").text.contains("│ alunos "))
    }
}
