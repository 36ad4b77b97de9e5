import ArgumentParser
import Foundation

@main
struct Indaga: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indaga",
        abstract: "Perguntas em português sobre os dados da rede escolar, respondidas com SQL conferido.",
        discussion: """
            Sem argumentos, abre a conversa (indaga ask) no banco de demonstração, criado na primeira vez.
            Pastas e banco: --home / INDAGA_HOME e --db / INDAGA_DB; a opção vale mais que a variável de ambiente.
            """,
        subcommands: [AskCommand.self, BatchCommand.self, EvalCommand.self, ScoresCommand.self, SchemaCommand.self, DemoCommand.self, CopyCommand.self, RefreshCommand.self, RetrieveCommand.self, EmbedCommand.self, LLMCommand.self, BenchCommand.self],
        defaultSubcommand: AskCommand.self
    )

    /// Parses, runs, and turns any failure into one pt-BR line on stderr and a non-zero exit.
    static func main() {
        guard let failure = runReportingFailure() else { return }
        if !failure.text.isEmpty { standardError.write("indaga: \(failure.text)\n") }
        Foundation.exit(failure.exitCode)
    }

    /// Runs the command; the error is gone by the time the process exits.
    private static func runReportingFailure() -> UserMessage? {
        do {
            var command = try parseAsRoot()
            try command.run()
            return nil
        } catch {
            // Help and version requests are ArgumentParser's to print.
            if exitCode(for: error) == .success {
                exit(withError: error)
            }
            return UserMessage(for: error, usageExitCode: usageExitCode(for: Array(CommandLine.arguments.dropFirst())))
        }
    }

    /// 64 (EX_USAGE) for a usage error, as the README says; `batch` promised its callers 2.
    /// Subcommands come first on the command line (the root takes no options of its own).
    static func usageExitCode(for arguments: [String]) -> Int32 {
        arguments.first == BatchCommand.configuration.commandName ? BatchCommand.usageExitCode : ExitCode.validationFailure.rawValue
    }
}
