import ArgumentParser
import Assistant
import Batch
import Database
import Foundation
import LLM
import Render
import Workspace

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Responde uma pergunta em português com uma consulta conferida ao banco."
    )

    @Argument(help: ArgumentHelp("A pergunta.", valueName: "pergunta"))
    var question: String

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var llm: LLMOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: ArgumentHelp("Formato da saída: text ou json.", valueName: "formato"))
    var format: Format = .text

    @Flag(name: .customLong("show-sql"), help: "Mostra o SQL usado.")
    var showSQL = false

    @OptionGroup var assistantOptions: AssistantOptions

    func run() throws {
        let (parts, connection) = try AssistantParts.load(workspaceOptions, llm, assistantOptions)
        let interrupt = InterruptCancellation()
        let answer = parts.assistant(on: connection).ask(question, cancellation: interrupt.flag) { standardError.write("\($0)\n") }
        do {
            try parts.audit(answer)
        } catch {
            standardError.write("aviso: \(AuditLog.failureWarning(error.localizedDescription))\n")
        }
        switch format {
        case .json:
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try json.encode(AnswerRecord(answer: answer, includeRows: true)), as: UTF8.self))
        case .text:
            print(AnswerText.render(answer, showSQL: showSQL))
        }
        if answer.status != .ok { throw ExitCode(1) }
    }
}

/// The answer as a manager reads it: the rendered result, a warning or the reason there is none, the summary.
enum AnswerText {
    static func render(_ answer: Answer, showSQL: Bool, terminal: TerminalInfo = .current) -> String {
        var lines: [String] = []
        if let result = answer.result, answer.status == .ok {
            let table = ResultTable(columns: result.columns, rows: result.rows.map { $0.map(Cell.init) }, totalRows: result.totalRows)
            lines.append(ResultRenderer(width: terminal.width, colour: terminal.colour).render(table))
        }
        if let message = answer.message { lines.append(answer.status == .ok ? message : "Não consegui responder: \(message)") }
        if showSQL, let sql = answer.sql { lines.append("SQL:\n\(sql)") }
        let total = answer.timings.reduce(Duration.zero) { $0 + $1.duration }
        let source = answer.source == .verifiedExample ? "consulta verificada" : "modelo \(answer.model ?? "")"
        let rows = answer.result?.totalRows ?? 0
        lines.append("\(BrazilianFormat.integer(rows)) \(rows == 1 ? "linha" : "linhas") · \(BrazilianFormat.duration(total)) · "
            + "\(answer.attempts.count) \(answer.attempts.count == 1 ? "tentativa" : "tentativas") · \(source)")
        return lines.joined(separator: "\n")
    }

}

/// Whether stdout is a person's terminal, and how wide it is.
struct TerminalInfo {
    let width: Int
    let colour: Bool

    static var current: TerminalInfo {
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let columns = isTerminal && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
            ? Int(size.ws_col) : Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
        let noColour = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalInfo(width: columns, colour: isTerminal && !noColour)
    }
}
