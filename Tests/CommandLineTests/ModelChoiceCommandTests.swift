import Foundation
import Terminal
import TestSupport
import Testing

/// A machine with only a small coder model pulled: the default (7B) is not there, and indaga
/// answers with what is, saying so; a model asked for by name stays strict.
@Suite("the model chosen from what the server has")
struct ModelChoiceCommandTests {
    static func smallCoder() throws -> FakeOllama {
        try FakeOllama(model: "qwen2.5-coder:1.5b", listed: ["llama3:8b", "qwen2.5-coder:1.5b"]) { _ in "SELECT count(*) AS escolas FROM escolas" }
    }

    @Test("no --model: the first of the preference the server has answers, and indaga llm and ask say which")
    func chosen() throws {
        #expect(try SharedDemo.result.get().status == 0)
        let model = try Self.smallCoder()
        let note = "o modelo padrão, qwen2.5-coder:7b, não está no servidor; usando qwen2.5-coder:1.5b"
        let check = try Indaga.run(["llm", "--llm-url", model.baseURL])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Modelo: qwen2.5-coder:1.5b\n  ! \(note)"), "\(check.stdout)")

        let folder = try TemporaryFolder()
        let ask = try Indaga.run(["ask", "Quantas escolas há?", "--db", SharedDemo.path, "--llm-url", model.baseURL, "--log", folder.path("a.jsonl")])
        #expect(ask.status == 0, "\(ask.stderr)")
        #expect(ask.stderr.contains("aviso: \(note)"))
        let sent = model.server.requests.compactMap { $0.path == "/api/chat" ? $0.json?["model"] as? String : nil }
        #expect(!sent.isEmpty && sent.allSatisfy { $0 == "qwen2.5-coder:1.5b" }, "\(sent)")
    }

    @Test("the conversation's banner names the model chosen and why")
    func banner() throws {
        #expect(try SharedDemo.result.get().status == 0)
        let model = try Self.smallCoder()
        let state = try TemporaryFolder()
        let terminal = try PseudoTerminal(
            executable: Indaga.binary.path, arguments: ["--db", SharedDemo.path, "--llm-url", model.baseURL],
            environment: ["PATH": "/usr/bin:/bin", "HOME": state.url.path, "XDG_STATE_HOME": state.url.path, "TERM": "xterm", "NO_COLOR": "1"])
        #expect(terminal.waitFor("indaga› "), "\(terminal.output)")
        #expect(terminal.output.contains("modelo qwen2.5-coder:1.5b em \(model.baseURL)\r\n(o modelo padrão, qwen2.5-coder:7b, não está no servidor; usando qwen2.5-coder:1.5b"),
                "\(terminal.output)")
        terminal.type(":sair\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test("a model asked for by --model or INDAGA_MODEL is used as asked, or fails saying how to pull it")
    func askedStaysStrict() throws {
        let model = try Self.smallCoder()
        let flag = try Indaga.run(["llm", "--llm-url", model.baseURL, "--model", "qwen2.5-coder:7b"])
        #expect(flag.status == 1 && flag.stderr.contains("qwen2.5-coder:7b") && flag.stderr.contains("não está no Ollama; baixe-o com: ollama pull qwen2.5-coder:7b"), "\(flag.stderr)")
        let variable = try Indaga.run(["llm", "--llm-url", model.baseURL], environment: ["INDAGA_MODEL": "qwen2.5-coder:7b"])
        #expect(variable.status == 1 && variable.stderr.contains("não está no Ollama"), "\(variable.stderr)")
    }

    @Test("config/modelos.yaml sets the order; a file that is no list is said in one line")
    func configuredOrder() throws {
        let model = try Self.smallCoder()
        let home = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: home.path("config"), withIntermediateDirectories: true)
        try "preferencia:\n  - llama3:8b\n  - qwen2.5-coder:1.5b\n".write(toFile: home.path("config/modelos.yaml"), atomically: true, encoding: .utf8)
        let ordered = try Indaga.run(["llm", "--llm-url", model.baseURL, "--home", home.url.path])
        #expect(ordered.stdout.contains("Modelo: llama3:8b\n"), "\(ordered.stdout)")

        try "preferencia: qwen2.5-coder:1.5b\n".write(toFile: home.path("config/modelos.yaml"), atomically: true, encoding: .utf8)
        let broken = try Indaga.run(["llm", "--llm-url", model.baseURL, "--home", home.url.path])
        #expect(broken.status == 1 && broken.stderrLines.count == 1, "\(broken.stderr)")
        #expect(broken.stderr.contains("config/modelos.yaml não é uma lista de modelos"))
    }
}
