import Dispatch
import Foundation
import LLM
import Session
import Terminal
import Workspace

/// The REPL's loop: read a line, answer it with a spinner, print, again; until Ctrl-D or `:sair`.
struct ReplLoop {
    let session: ReplSession
    let greeting: String
    /// Run once before the first prompt, on a terminal only: a warning to show, if any.
    let startupCheck: () -> String?
    /// Started in the background when that check finds the model ready: the server reads the
    /// prompt's shared start while the person types (`Assistant.warmUpRequest`).
    var warmUp: (@Sendable () -> Void)? = nil

    func run() {
        let editor = LineEditor(history: LineHistory(file: Self.historyFile()))
        let interrupt = QuestionInterrupt(exitWhenIdle: !editor.interactive)
        let colour = TerminalInfo.standardOutput.colour
        let prompt = colour ? "\u{1B}[1mindaga›\u{1B}[0m " : "indaga› "
        if editor.interactive {
            print(greeting)
            if let warning = startupCheck() {
                standardError.write(warning + "\n")
            } else if let warmUp {
                Thread.detachNewThread(warmUp)
            }
        }
        while true {
            fflush(nil)
            switch editor.read(prompt: prompt) {
            case .endOfInput:
                if editor.interactive { print("Até logo.") }
                return
            case .interrupted:
                continue
            case .line(let line):
                let isQuestion = !line.trimmingCharacters(in: .whitespaces).hasPrefix(":")
                let spinner = Spinner()
                let flag = interrupt.begin()
                let quiet = isQuestion && editor.interactive ? EchoOff.begin() : nil
                if isQuestion { spinner.start() }
                let reply = session.handle(line, cancellation: flag, progress: spinner.log)
                spinner.stop()
                quiet?.end()
                interrupt.end()
                guard let reply else { continue }
                if reply.quit {
                    if editor.interactive { print("Até logo.") }
                    return
                }
                if reply.isError {
                    standardError.write(reply.text + "\n")
                } else {
                    print(reply.text)
                }
                if editor.interactive { print() }
            }
        }
    }

    /// `$XDG_STATE_HOME/indaga/historico`, else `~/.local/state/indaga/historico`.
    static func historyFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        UserFolders.state(environment: environment).appendingPathComponent("historico")
    }
}

/// Ctrl-C while a question is answered cancels that question only.
///
/// At the prompt the editor reads Ctrl-C as a key; when the input is a pipe there is no
/// prompt, so Ctrl-C between questions ends the program as usual (exit 130).
final class QuestionInterrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var current: CancellationFlag?
    private let source: DispatchSourceSignal

    init(exitWhenIdle: Bool) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            let flag = self.lock.withLock { self.current }
            if let flag {
                flag.cancel()
            } else if exitWhenIdle {
                exit(130)
            }
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    func begin() -> CancellationFlag {
        let flag = CancellationFlag()
        lock.withLock { current = flag }
        return flag
    }

    func end() {
        lock.withLock { current = nil }
    }
}
