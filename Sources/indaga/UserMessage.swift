import ArgumentParser
import Batch
import Database
import DemoDatabase
import Foundation
import LLM
import Render

/// A failure a command wants to report in its own words.
struct CommandFailure: Error, LocalizedError {
    let message: String
    var errorDescription: String? { message }
}

/// One pt-BR line that says what went wrong and what to do, and the exit code.
struct UserMessage {
    let text: String
    let exitCode: Int32

    /// - Parameter usageExitCode: the exit code of a usage error for the command being run.
    init(for error: Error, usageExitCode: Int32 = ExitCode.validationFailure.rawValue) {
        switch error {
        case let code as ExitCode:
            // The command has said what it had to (ask's answer, batch's summary) and chose its code.
            exitCode = code.rawValue
            text = ""
        case let failure as BatchError:
            exitCode = failure.isUsage ? usageExitCode : 1
            text = failure.errorDescription ?? "\(failure)"
        case let failure as DemoDatabase.Failure:
            exitCode = 1
            switch failure {
            case .outputExists(let path):
                text = "o arquivo '\(path)' já existe; use --force para recriá-lo ou --out para gravar em outro lugar"
            case .cannotWrite(let path, let reason):
                text = "não foi possível gravar '\(path)' (\(reason)); escolha com --out uma pasta onde você possa escrever"
            }
        case LLMError.cancelled:
            // The shell's convention for a command stopped by Ctrl-C.
            exitCode = 130
            text = "pedido cancelado"
        case let failure as DatabaseError:
            exitCode = 1
            text = Self.describe(failure)
        case let failure as NSError where [NSCocoaErrorDomain, NSPOSIXErrorDomain].contains(failure.domain):
            // Foundation's own text is English.
            exitCode = 1
            text = ErrorText.portuguese(failure)
        case let failure as LocalizedError where failure.errorDescription != nil:
            exitCode = 1
            text = failure.errorDescription!
        default:
            // Everything else comes from ArgumentParser: a usage error.
            let code = Indaga.exitCode(for: error).rawValue
            exitCode = code == ExitCode.validationFailure.rawValue ? usageExitCode : code
            text = Self.translateUsage(Indaga.message(for: error)) + " (veja `indaga --help`)"
        }
    }

    private static func describe(_ error: DatabaseError) -> String {
        let file = error.path.map { "'\($0)'" } ?? "o banco"
        switch error.kind {
        case .notADatabase:
            return "\(file) não é um banco de dados SQLite; confira o caminho em --db ou INDAGA_DB"
        case .cannotOpen:
            return "não foi possível abrir \(file) (\(error.message)); confira o caminho e a permissão de leitura"
        default:
            return error.errorDescription ?? error.message
        }
    }

    /// ArgumentParser writes its usage errors in English; these are the ones a user meets.
    static func translateUsage(_ message: String) -> String {
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
        let patterns: [(String, (Regex<AnyRegexOutput>.Match) -> String)] = [
            (#"^Unknown option '([^']*)'"#, { "opção desconhecida '\($0[1].substring ?? "")'" }),
            (#"^Unexpected argument '([^']*)'"#, { "argumento inesperado '\($0[1].substring ?? "")'" }),
            (#"^\d+ unexpected arguments: (.*)$"#, { "argumentos inesperados: \($0[1].substring ?? "")" }),
            (#"^Missing value for '([^']*)'"#, { "falta o valor de '\($0[1].substring ?? "")'" }),
            (#"^Missing expected argument '([^']*)'"#, { "falta o argumento '\($0[1].substring ?? "")'" }),
            (#"^The value '([^']*)' is invalid for '([^' <]*)[^']*'\. Please provide one of (.*)\.$"#, {
                "o valor '\($0[1].substring ?? "")' não vale para \($0[2].substring ?? ""); use um destes: "
                    + ($0[3].substring.map {
                        // ArgumentParser lists "'a' and 'b'" or "'a', 'b' or 'c'"
                        $0.replacingOccurrences(of: " and ", with: ", ").replacingOccurrences(of: " or ", with: " ou ")
                    } ?? "")
            }),
            (#"^The value '([^']*)' is invalid for '([^' <]*)[^']*'"#, {
                "o valor '\($0[1].substring ?? "")' não vale para \($0[2].substring ?? "")"
            }),
        ]
        for (pattern, build) in patterns {
            if let regex = try? Regex(pattern), let match = firstLine.firstMatch(of: regex) {
                return build(match)
            }
        }
        return "argumentos inválidos: \(firstLine)"
    }
}
