import ArgumentParser
import Assistant
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck
import Workspace

/// `--max-tries`, `--timeout`, `--samples` and `--without`: how the pipeline answers (`ask`, `batch`, `eval`).
struct PipelineOptions: ParsableArguments {
    @Option(name: .customLong("max-tries"), help: ArgumentHelp("Tentativas do modelo (com correção).", valueName: "n"))
    var maxTries = 3

    @Option(help: ArgumentHelp("Tempo limite da consulta, em segundos.", valueName: "s"))
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Candidatos a gerar; vence o resultado em que mais concordam.", valueName: "n"))
    var samples = 1

    @Option(help: ArgumentHelp("Desliga estas regras (ids separados por vírgula, check.* para uma etapa inteira, all-rules para todas; veja indaga eval --list-rules).", valueName: "ids"))
    var without: String?

    @Option(name: .customLong("shared-schema"), help: ArgumentHelp("Até este tamanho em tokens estimados, o prompt abre com o esquema inteiro, igual para todas as perguntas, e o servidor do modelo o processa uma vez só; 0 manda só as tabelas escolhidas.", valueName: "tokens"))
    var sharedSchema = Assistant.Options().sharedSchemaBudget

    static let triesRange = 1...10
    static let timeoutRange = 0.1...3_600.0
    static let samplesRange = 1...16
    static let sharedSchemaRange = 0...1_000_000

    func validate() throws {
        try OptionRange.check(maxTries, Self.triesRange, option: "--max-tries")
        try OptionRange.check(timeout, Self.timeoutRange, option: "--timeout")
        try OptionRange.check(samples, Self.samplesRange, option: "--samples")
        try OptionRange.check(sharedSchema, Self.sharedSchemaRange, option: "--shared-schema")
    }

    /// The rules `--without` switches off; an id that is no rule fails the command (exit 1) with its name.
    func rulesOff() throws -> Set<String> {
        do {
            return try without.map { try RuleRegistry.select($0) } ?? []
        } catch {
            throw CommandFailure(message: error.localizedDescription)
        }
    }

    func pipeline() throws -> Assistant.Options {
        var options = Assistant.Options()
        options.rules = RuleSwitches(disabled: try rulesOff())
        // validate() keeps these in range; the clamps only guard a caller that skips it.
        options.maxTries = OptionRange.clamped(maxTries, Self.triesRange)
        options.timeout = .milliseconds(Int(OptionRange.clamped(timeout, Self.timeoutRange) * 1000))
        options.samples = OptionRange.clamped(samples, Self.samplesRange)
        options.sharedSchemaBudget = OptionRange.clamped(sharedSchema, Self.sharedSchemaRange)
        return options
    }
}

/// The pipeline's options and `--log`: how `ask` and `batch` run and record questions.
struct AssistantOptions: ParsableArguments {
    @OptionGroup var pipelineOptions: PipelineOptions

    @Option(help: ArgumentHelp("Arquivo do registro de auditoria (padrão: ~/.local/share/indaga/auditoria.jsonl).", valueName: "arquivo"))
    var log: String?

    func pipeline() throws -> Assistant.Options { try pipelineOptions.pipeline() }

    var auditLog: AuditLog {
        AuditLog(file: log.map { URL(fileURLWithPath: $0) } ?? AuditLog.defaultFile())
    }
}

/// Everything an assistant needs but its database connection, loaded once; shareable across
/// threads (the retriever is immutable, the encoder serves concurrent callers, the client
/// opens a connection per request), so each of `batch`'s threads makes its own assistant.
struct AssistantParts: Sendable {
    let workspace: Workspace
    let retriever: Retriever
    let encoder: MiniLMEncoder
    let client: ChatClient
    let prompts: PromptTemplates
    let options: Assistant.Options
    let auditLog: AuditLog
    /// Why the model is not the default one, when it was chosen from what the server has.
    let modelNote: String?

    /// Loads the catalog, encoder, prompts and model client; also returns the connection the
    /// database was checked with (opened read-only, the demo database created on first use).
    static func load(_ workspaceOptions: WorkspaceOptions, _ llm: LLMOptions, _ assistant: AssistantOptions) throws -> (AssistantParts, any SQLDatabase) {
        // A rule id that does not exist is said before anything loads.
        let options = try assistant.pipeline()
        let workspace = workspaceOptions.resolve()
        let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
        let (endpoint, modelNote) = try llm.resolve(choosingIn: workspace.home)
        let parts = AssistantParts(
            workspace: workspace, retriever: retriever, encoder: encoder, client: llm.client(for: endpoint),
            prompts: try PromptTemplates.load(from: workspace.promptsFolder), options: options, auditLog: assistant.auditLog,
            modelNote: modelNote)
        return (parts, connection)
    }

    /// An assistant on `connection`; `catalog` replaces the loaded retriever (after `:salvar` refreshed it).
    func assistant(on connection: any SQLDatabase, catalog: Retriever? = nil) -> Assistant {
        Assistant(connection: connection, retriever: catalog ?? retriever, encoder: encoder, client: client, prompts: prompts, options: options)
    }

    /// A new read-only connection to the same database, for another thread.
    func openConnection() throws -> any SQLDatabase {
        try WorkspaceOptions.opener(workspace)()
    }

    /// Writes the answer to the audit log (which a batch's threads call one at a time).
    func audit(_ answer: Answer) throws {
        try auditLog.append(answer, database: workspace.databaseLabel)
    }
}
