import Assistant
import Catalog
import Database
import Foundation
import LLM
import Render
import SQLCheck
import Scores
import Terminal

/// The conversation behind the REPL: questions with their history, and the `:` commands.
///
/// It knows nothing of the keyboard or the spinner: the caller reads lines and shows progress,
/// so the same session runs under a person's terminal and under a script.
public final class ReplSession {
    /// What a line produced: text for stdout (or stderr, for a mistake), or the end.
    public struct Reply: Sendable, Equatable {
        public var text: String
        public var isError = false
        public var quit = false

        public init(text: String, isError: Bool = false, quit: Bool = false) {
            self.text = text
            self.isError = isError
            self.quit = quit
        }
    }

    /// What the session needs from the outside world.
    public struct Services {
        public var connection: any SQLDatabase
        /// The database path, for the audit log.
        public var database: String
        public var examples: ExampleStore
        /// Re-embeds the catalog after a new example and builds a fresh assistant over it.
        public var refresh: () throws -> (RefreshSummary, Assistant)
        public var auditLog: AuditLog?

        public init(connection: any SQLDatabase, database: String, examples: ExampleStore,
                    refresh: @escaping () throws -> (RefreshSummary, Assistant), auditLog: AuditLog?) {
            self.connection = connection
            self.database = database
            self.examples = examples
            self.refresh = refresh
            self.auditLog = auditLog
        }
    }

    public private(set) var assistant: Assistant
    public private(set) var lastAnswer: Answer?
    public private(set) var history: [Turn] = []
    public var format: AnswerFormat = .texto
    public var options: AnswerText.Options
    /// Turns of conversation the model sees for a follow-up.
    public var historyTurns = 3
    private let services: Services

    public init(assistant: Assistant, services: Services, options: AnswerText.Options) {
        self.assistant = assistant
        self.services = services
        self.options = options
        self.options.badges = ScoreBadges.load(from: services.connection)
    }

    /// A question or a `:command`, whichever the line is; blank lines give nothing.
    public func handle(_ line: String, cancellation: CancellationFlag = CancellationFlag(), progress: (String) -> Void = { _ in }) -> Reply? {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if text.hasPrefix(":") { return command(text) }
        return ask(text, cancellation: cancellation, progress: progress)
    }

    public func ask(_ question: String, cancellation: CancellationFlag, progress: (String) -> Void) -> Reply {
        let answer = assistant.ask(question, history: Array(history.suffix(historyTurns)), cancellation: cancellation, progress: progress)
        if cancellation.isCancelled {
            return Reply(text: "Pergunta cancelada.", isError: true)
        }
        lastAnswer = answer
        if answer.status == .ok, let sql = answer.sql { history.append(Turn(question: question, sql: sql)) }
        do {
            try services.auditLog?.append(answer, database: services.database)
        } catch {
            progress("aviso: " + AuditLog.failureWarning(ErrorText.portuguese(error)))
        }
        return Reply(text: AnswerText.render(answer, format: format, options: options), isError: answer.status != .ok && format != .texto)
    }

    // MARK: - Commands

    static let help = """
        Pergunte em português, por exemplo: Quais alunos da turma 5B evadiram em 2024?
        Perguntas seguintes podem continuar a anterior: e em 2023?

        Comandos:
          :sql               o SQL da última resposta, formatado
          :explicar          por que estas tabelas: o que a busca escolheu e os motivos
          :tabelas           as tabelas do banco, com linhas e descrição
          :aluno RA          a ficha de um aluno: turma, indicadores por ano, engajamento, risco e fatores
          :salvar            guarda a última pergunta e seu SQL como exemplo verificado
          :formato F         texto, json, csv ou md (agora: %FORMAT%)
          :limite N          linhas mostradas por resposta (agora: %LIMIT%)
          :nova              esquece a conversa (a próxima pergunta não é continuação)
          :ajuda             esta ajuda
          :sair              sai (Ctrl-D também)
        Ctrl-C cancela a pergunta em andamento.
        """

    func command(_ line: String) -> Reply {
        let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first?.lowercased() ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "ajuda", "help", "?":
            return Reply(text: Self.help.replacingOccurrences(of: "%FORMAT%", with: format.rawValue)
                .replacingOccurrences(of: "%LIMIT%", with: String(options.rowLimit)))
        case "sair", "quit", "exit", "q":
            return Reply(text: "", quit: true)
        case "sql":
            guard let sql = lastAnswer?.sql else { return Reply(text: "Ainda não há SQL: faça uma pergunta primeiro.", isError: true) }
            return Reply(text: SQLFormatter.format(sql))
        case "explicar":
            guard let answer = lastAnswer, let context = answer.context else {
                return Reply(text: "Nada a explicar ainda: faça uma pergunta primeiro.", isError: true)
            }
            var text = ContextText.render(context, question: answer.question, wholeSchemaTokens: assistant.retriever.wholeSchemaTokens())
            if answer.source == .verifiedExample { text += "\n\nRespondida por um exemplo verificado, sem o modelo." }
            return Reply(text: text)
        case "tabelas":
            return Reply(text: SchemaSummary.render(assistant.retriever.catalog, width: options.terminal.width))
        case "aluno":
            guard !argument.isEmpty else { return Reply(text: "Uso: :aluno RA (por exemplo, :aluno 20220042)", isError: true) }
            do {
                let card = try StudentCard.load(ra: argument, from: services.connection)
                return Reply(text: StudentCardText.render(card, width: options.terminal.width))
            } catch {
                return Reply(text: error.localizedDescription.prefix(1).uppercased() + error.localizedDescription.dropFirst() + ".", isError: true)
            }
        case "salvar":
            return save()
        case "formato":
            guard let chosen = AnswerFormat(rawValue: argument.lowercased()) ?? (argument == "text" ? .texto : nil) else {
                return Reply(text: "Formatos: texto, json, csv ou md (por exemplo, :formato csv).", isError: true)
            }
            format = chosen
            return Reply(text: "Formato das respostas: \(chosen.rawValue).")
        case "limite":
            guard let limit = Int(argument), (1...10_000).contains(limit) else {
                return Reply(text: "Uso: :limite N, com N entre 1 e 10.000 (agora: \(options.rowLimit)).", isError: true)
            }
            options.rowLimit = limit
            return Reply(text: "Mostrando até \(BrazilianFormat.integer(limit)) \(limit == 1 ? "linha" : "linhas") por resposta.")
        case "nova":
            history.removeAll()
            return Reply(text: "Conversa reiniciada: a próxima pergunta começa do zero.")
        default:
            return Reply(text: "Comando desconhecido: :\(name). Digite :ajuda para ver os comandos.", isError: true)
        }
    }

    /// `:salvar`: the last answered question and its SQL become a verified example, embedded at once.
    private func save() -> Reply {
        guard let answer = lastAnswer, answer.status == .ok, let sql = answer.sql else {
            return Reply(text: "Nada a salvar: a última pergunta não teve resposta.", isError: true)
        }
        guard answer.source == .llm else {
            return Reply(text: "Esta pergunta já é um exemplo verificado.", isError: true)
        }
        do {
            try services.examples.append(question: answer.question, sql: sql)
            let (summary, fresh) = try services.refresh()
            assistant = fresh
            return Reply(text: "Exemplo salvo em \(services.examples.file.path) e catálogo atualizado "
                + "(\(BrazilianFormat.integer(summary.embedded)) embedding(s) em \(BrazilianFormat.duration(summary.duration))). "
                + "Da próxima vez, esta pergunta é respondida sem o modelo. Confira o SQL: ele vale como resposta certa.")
        } catch {
            return Reply(text: "Não salvei: \(ErrorText.portuguese(error)).", isError: true)
        }
    }
}
