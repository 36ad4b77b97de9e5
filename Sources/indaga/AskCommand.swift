import ArgumentParser
import Assistant
import Catalog
import Foundation
import LLM
import MiniLM
import Render
import Retrieval
import Session
import Terminal
import Workspace

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Responde uma pergunta em português com uma consulta conferida ao banco; sem pergunta, abre a conversa.",
        discussion: "Sem pergunta, lê perguntas e comandos (:ajuda) do teclado, com histórico e edição, ou linha a linha de um arquivo ou pipe."
    )

    @Argument(help: ArgumentHelp("A pergunta (sem ela, abre a conversa).", valueName: "pergunta"))
    var question: String?

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var answering: AssistantOptions

    @Option(help: ArgumentHelp("Formato da saída: texto (ou text), json, csv ou md.", valueName: "formato"))
    var format: AnswerFormat = .texto

    @Flag(name: .customLong("show-sql"), help: "Mostra o SQL usado.")
    var showSQL = false

    @Option(help: ArgumentHelp("Linhas mostradas por resposta no formato texto.", valueName: "n"))
    var limit = 50

    func validate() throws {
        try OptionRange.check(limit, 1...100_000, option: "--limit")
    }

    func run() throws {
        let (parts, connection) = try AssistantParts.load(workspaceOptions, llm, answering)
        let (workspace, encoder) = (parts.workspace, parts.encoder)
        let endpoint = parts.client.endpoint
        let refresh = {
            let open = WorkspaceOptions.opener(workspace)
            let job = RefreshJob(database: workspace.databaseLabel, catalogName: workspace.catalogName,
                                 metadataFolder: workspace.metadataFolder, embeddingsFolder: workspace.embeddingsFolder, open: open)
            let summary = try job.run(check: false) { encoder }
            let fresh = try Retriever.load(database: workspace.databaseLabel, catalogName: workspace.catalogName,
                                           metadataFolder: workspace.metadataFolder, embeddingsFolder: workspace.embeddingsFolder, open: open)
            return (summary, parts.assistant(on: connection, catalog: fresh))
        }
        let services = ReplSession.Services(
            connection: connection, database: workspace.databaseLabel, examples: ExampleStore(metadataFolder: workspace.metadataFolder),
            refresh: refresh, auditLog: parts.auditLog)
        let session = ReplSession(
            assistant: parts.assistant(on: connection), services: services,
            options: AnswerText.Options(showSQL: showSQL, rowLimit: max(1, limit), terminal: .standardOutput))
        session.format = format

        guard let question else {
            let warmUp = session.assistant.warmUpRequest.map { warm in
                // Nothing to report: a failed warm-up only leaves the first question to read the schema itself.
                { @Sendable in _ = try? warm.client.chat(warm.request, cancellation: nil, onDelta: nil) }
            }
            ReplLoop(session: session, greeting: Self.greeting(workspace: workspace, retriever: parts.retriever, endpoint: endpoint, modelNote: parts.modelNote),
                     startupCheck: { Self.modelWarning(endpoint) }, warmUp: warmUp).run()
            return
        }
        if let note = parts.modelNote { standardError.write("aviso: \(note)\n") }
        let interrupt = InterruptCancellation()
        guard let reply = session.handle(question, cancellation: interrupt.flag, progress: { standardError.write("\($0)\n") }) else {
            throw CommandFailure(message: "a pergunta está vazia")
        }
        // Ctrl-C: 130, as batch and any shell command.
        if interrupt.flag.isCancelled {
            standardError.write(reply.text + "\n")
            throw ExitCode(130)
        }
        let answer = session.lastAnswer
        // stdout is for results: a question not answered is said on stderr (JSON is a record either way).
        if answer?.status == .ok || format == .json {
            print(reply.text)
        } else {
            standardError.write(reply.text + "\n")
        }
        if format != .texto, answer?.status == .ok, let result = answer?.result, result.truncated {
            standardError.write("aviso: a saída traz só as primeiras \(BrazilianFormat.integer(result.rows.count)) de "
                + "\(BrazilianFormat.integer(result.totalRows)) linhas (o limite de uma resposta)\n")
        }
        if answer?.status != .ok { throw ExitCode(1) }
    }

    static func greeting(workspace: Workspace, retriever: Retriever, endpoint: LLMEndpoint, modelNote: String? = nil) -> String {
        let tables = retriever.catalog.schema.tables.count
        return "indaga · \(workspace.database.lastPathComponent) (\(tables) \(tables == 1 ? "tabela" : "tabelas")) · "
            + "modelo \(endpoint.model) em \(endpoint.baseURL)\n"
            + (modelNote.map { "(\($0))\n" } ?? "")
            + "Pergunte em português. :ajuda mostra os comandos; Ctrl-C cancela uma pergunta; Ctrl-D ou :sair encerra."
    }
}

extension AskCommand {
    /// A line for the person at the REPL when the model cannot answer yet: server down or model
    /// not pulled. Quick (one second to connect), and nil when all is well.
    static func modelWarning(_ endpoint: LLMEndpoint) -> String? {
        modelProblem(endpoint).map { "aviso: \($0) Até lá, só perguntas iguais aos exemplos verificados são respondidas." }
    }

    /// Why the model cannot answer yet (server down, model not pulled), in one pt-BR sentence; nil when it can.
    static func modelProblem(_ endpoint: LLMEndpoint) -> String? {
        let probe = endpoint.client(retry: .none, timeouts: .probe)
        do {
            let models = try probe.models(cancellation: nil)
            guard endpoint.api == .ollama, !models.contains(where: { LLMEndpoint.sameModel($0, endpoint.model) }) else { return nil }
            return "o modelo \(endpoint.model) não está baixado no Ollama (ollama pull \(endpoint.model));"
        } catch {
            return error.localizedDescription
        }
    }
}

extension AnswerFormat: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "texto", "text": self = .texto
        default: self.init(rawValue: argument.lowercased())
        }
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
