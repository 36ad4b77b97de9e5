import Database
import Foundation
import Terminal
import TestSupport
import Testing

/// The REPL as a person uses it: the real binary on a pseudo-terminal, a fake Ollama behind it.
@Suite("the REPL", .serialized)
struct ReplTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The fake model: SQL by question; the "lenta" question takes 60 s, unless cancelled.
    static func model() throws -> FakeOllama {
        try FakeOllama { prompt in
            let question = FakeOllama.question(in: prompt) ?? ""
            if question.contains("lenta") {
                Thread.sleep(forTimeInterval: 60)
                return "SELECT 1"
            }
            if question.hasPrefix("e em 2023") { return "```sql\nSELECT count(*) AS turmas FROM turmas WHERE ano_letivo = 2023\n```" }
            return "```sql\nSELECT count(*) AS turmas FROM turmas WHERE ano_letivo = 2024\n```"
        }
    }

    static func classes(_ year: Int) throws -> Int64 {
        let demo = try SharedDemo.result.get()
        #expect(demo.status == 0)
        return try Connection(path: SharedDemo.path, mode: .readOnly).scalar("SELECT count(*) FROM turmas WHERE ano_letivo = ?", [.integer(Int64(year))])?.integer ?? -1
    }

    static func start(model: FakeOllama, state: TemporaryFolder, colour: Bool = false, options: [String] = []) throws -> PseudoTerminal {
        try PseudoTerminal(
            executable: Indaga.binary.path,
            arguments: ["--home", repository.path, "--db", SharedDemo.path, "--llm-url", model.baseURL, "--model", "fake",
                        "--log", state.path("auditoria.jsonl")] + options,
            environment: ["PATH": "/usr/bin:/bin", "HOME": state.url.path, "XDG_STATE_HOME": state.url.path, "TERM": "xterm"]
                .merging(colour ? [:] : ["NO_COLOR": "1"]) { $1 })
    }

    @Test("ask, follow up, :sql, Ctrl-C during a slow answer, history with the up arrow, :sair")
    func conversation() throws {
        let (in2024, in2023) = (try Self.classes(2024), try Self.classes(2023))
        let model = try Self.model()
        let state = try TemporaryFolder()
        let terminal = try Self.start(model: model, state: state)
        #expect(terminal.waitFor("indaga› "), "\(terminal.output)")
        #expect(terminal.output.contains("Pergunte em português"))
        #expect(!terminal.output.contains("\u{1B}[1m"), "NO_COLOR: no styles")

        terminal.type("Quantas turmas há em 2024?\r")
        #expect(terminal.waitFor("1 tentativa · modelo fake"), "\(terminal.output)")
        #expect(terminal.output.contains(" \(in2024) │"), "\(terminal.output)")

        var mark = terminal.output.count
        terminal.type("e em 2023?\r")
        #expect(terminal.waitFor("1 tentativa · modelo fake", after: mark), "\(terminal.output)")
        #expect(String(terminal.output.dropFirst(mark)).contains(" \(in2023) │"))
        // The follow-up's prompt carried the conversation so far.
        let followUp = model.prompts.last ?? ""
        #expect(followUp.contains("Conversa até aqui:\nPergunta: Quantas turmas há em 2024?\nSQL: SELECT count(*) AS turmas FROM turmas WHERE ano_letivo = 2024"))

        mark = terminal.output.count
        terminal.type(":sql\r")
        #expect(terminal.waitFor("WHERE ano_letivo = 2023", after: mark), "\(terminal.output)")
        #expect(String(terminal.output.dropFirst(mark)).contains("SELECT count(*) AS turmas\r\nFROM turmas\r\nWHERE ano_letivo = 2023"))

        mark = terminal.output.count
        terminal.type("uma pergunta lenta sobre escolas\r")
        #expect(terminal.waitFor("pensando…", after: mark), "the spinner shows while the model works")
        let cancelled = Date()
        terminal.type("\u{03}")
        #expect(terminal.waitFor("Pergunta cancelada.", after: mark, timeout: 10), "\(terminal.output)")
        #expect(Date().timeIntervalSince(cancelled) < 5, "Ctrl-C must not wait for the model")
        #expect(terminal.waitFor("indaga› ", after: mark))

        // The up arrow brings back the last line typed; Ctrl-C at the prompt drops it.
        mark = terminal.output.count
        terminal.type("\u{1B}[A")
        #expect(terminal.waitFor("indaga› uma pergunta lenta sobre escolas", after: mark))
        terminal.type("\u{03}")
        #expect(terminal.waitFor("^C", after: mark))

        terminal.type(":sair\r")
        #expect(terminal.waitForExit() == 0, "\(terminal.output)")
        #expect(terminal.output.contains("Até logo."))

        // History survives the session; the audit log has the two answers.
        let history = try String(contentsOfFile: state.path("indaga/historico"), encoding: .utf8)
        #expect(history == "Quantas turmas há em 2024?\ne em 2023?\n:sql\numa pergunta lenta sobre escolas\n:sair\n")
        let audit = try String(contentsOfFile: state.path("auditoria.jsonl"), encoding: .utf8)
        #expect(audit.split(separator: "\n").count == 2)
    }

    @Test("on a terminal without NO_COLOR the prompt is bold; Ctrl-D on an empty line ends the session")
    func endOfInput() throws {
        let model = try Self.model()
        let state = try TemporaryFolder()
        let terminal = try Self.start(model: model, state: state, colour: true)
        #expect(terminal.waitFor("\u{1B}[1mindaga›\u{1B}[0m "))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.output.contains("Até logo."))
        // Without --shared-schema no question shares a start, and nothing is sent ahead.
        #expect(model.prompts.isEmpty)
    }

    @Test("piped input: no prompt noise, answers and commands line by line, exit at the end")
    func piped() throws {
        let demo = try SharedDemo.result.get()
        #expect(demo.status == 0)
        let model = try Self.model()
        let state = try TemporaryFolder()
        let run = try Indaga.run(
            ["--home", Self.repository.path, "--db", SharedDemo.path, "--llm-url", model.baseURL, "--model", "fake",
             "--log", state.path("auditoria.jsonl")],
            environment: ["XDG_STATE_HOME": state.url.path],
            input: "Quantas turmas há em 2024?\n:formato csv\ne em 2023?\n:comando\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("indaga›"))
        #expect(run.stdout.contains("turmas\r\n\(try Self.classes(2023))\r\n"), "\(run.stdout)")
        #expect(run.stderr.contains("Comando desconhecido: :comando. Digite :ajuda para ver os comandos."))
        // Piped questions come at once: nothing is sent ahead of them.
        #expect(model.prompts.count == 2 && model.prompts.allSatisfy { $0.contains("Pergunta: ") })
    }

    @Test("with --shared-schema, on a terminal, the schema every question shares goes to the model while the person types, one token asked")
    func warmUp() throws {
        let model = try Self.model()
        let state = try TemporaryFolder()
        let terminal = try Self.start(model: model, state: state, options: ["--shared-schema", "2500"])
        #expect(terminal.waitFor("indaga› "), "\(terminal.output)")
        let deadline = Date().addingTimeInterval(10)
        while model.prompts.isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let ahead = try #require(model.prompts.first)
        #expect(ahead.hasPrefix("Você escreve consultas SQLite") && ahead.contains("CREATE TABLE turmas (") && !ahead.contains("Pergunta:"))
        let options = model.server.requests.first { $0.path == "/api/chat" }?.json?["options"] as? [String: Any]
        #expect(options?["num_predict"] as? Int == 1)

        terminal.type("Quantas turmas há em 2024?\r")
        #expect(terminal.waitFor("1 tentativa · modelo fake"), "\(terminal.output)")
        #expect(model.prompts.count == 2 && model.prompts[1].hasPrefix(ahead))
        terminal.type(":sair\r")
        #expect(terminal.waitForExit() == 0, "\(terminal.output)")
    }
}
