import Foundation
import TestSupport
import Testing

/// `indaga llm start|stop|status`, and the engine started on demand when no server answers, with
/// a stand-in that plays llama-server (Tests/EngineTests/Fixtures).
@Suite("indaga llm: the local engine", .serialized)
struct LocalEngineCommandTests {
    static let standIn = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EngineTests/Fixtures/stand-in-llama-server")

    /// The engine's files and a dead Ollama address: this machine has no model server.
    static func environment(_ folder: TemporaryFolder) throws -> [String: String] {
        try Data().write(to: URL(fileURLWithPath: folder.path("qwen-pequeno.gguf")))
        return ["INDAGA_ENGINE": standIn.path, "INDAGA_ENGINE_MODEL": folder.path("qwen-pequeno.gguf"), "XDG_STATE_HOME": folder.path("estado"),
                "OLLAMA_HOST": "127.0.0.1:\(FakeHTTPServer.unusedPort())", "STAND_IN_REPLY": "SELECT count(*) AS escolas FROM escolas"]
    }

    @Test("start, status, a second start that finds it, stop, and status again")
    func startStatusStop() throws {
        let folder = try TemporaryFolder()
        let environment = try Self.environment(folder)
        let port = FakeHTTPServer.unusedPort()
        let start = try Indaga.run(["llm", "start", "--port", String(port)], environment: environment)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.hasPrefix("Motor local pronto em http://127.0.0.1:\(port) (pid "), "\(start.stdout)")
        let status = try Indaga.run(["llm", "status"], environment: environment)
        #expect(status.stdout.hasPrefix("Motor local: rodando em http://127.0.0.1:\(port) (pid ") && status.stdout.contains("modelo qwen-pequeno"))
        #expect(status.stdout.contains("  registro: \(folder.path("estado"))/indaga/motor/motor.log"))
        let again = try Indaga.run(["llm", "start"], environment: environment)
        #expect(again.stdout.hasPrefix("O motor local já estava rodando em http://127.0.0.1:\(port)"), "\(again.stdout)")
        let stop = try Indaga.run(["llm", "stop"], environment: environment)
        #expect(stop.status == 0 && stop.stdout.hasPrefix("Motor local parado (pid "))
        #expect(try Indaga.run(["llm", "status"], environment: environment).stdout.hasPrefix("Motor local: parado\n"))
        #expect(try Indaga.run(["llm", "stop"], environment: environment).stdout == "O motor local não estava rodando.\n")
    }

    @Test("no server answers: a question starts the engine, says so, and is answered by it; --llm-url keeps the one named")
    func onDemand() throws {
        #expect(try SharedDemo.result.get().status == 0)
        let folder = try TemporaryFolder()
        let environment = try Self.environment(folder)
        defer { _ = try? Indaga.run(["llm", "stop"], environment: environment) }
        let ask = try Indaga.run(["ask", "Quantas escolas há?", "--db", SharedDemo.path, "--log", folder.path("a.jsonl"), "--format", "csv"],
                                 environment: environment)
        #expect(ask.status == 0, "\(ask.stderr)")
        #expect(ask.stderr.contains("iniciando o motor local com qwen-pequeno…"), "\(ask.stderr)")
        #expect(ask.stderr.contains("aviso: o motor local (llama.cpp) com qwen-pequeno em 127.0.0.1:"), "\(ask.stderr)")
        #expect(ask.stdout.hasPrefix("escolas\r\n"), "\(ask.stdout)")
        #expect(try Indaga.run(["llm", "status"], environment: environment).stdout.hasPrefix("Motor local: rodando"))

        let named = try Indaga.run(["llm", "--llm-url", "http://127.0.0.1:\(FakeHTTPServer.unusedPort())"], environment: environment)
        #expect(named.status == 1 && named.stderr.contains("Não consegui falar com o Ollama"), "\(named.stderr)")
    }

    @Test("an engine that fails to start is said in one line, and what needs no model still answers")
    func failingEngine() throws {
        #expect(try SharedDemo.result.get().status == 0)
        let folder = try TemporaryFolder()
        var environment = try Self.environment(folder)
        environment["STAND_IN_FAIL"] = "error: failed to load model"
        let verified = try Indaga.run(["ask", "Quais alunos da turma 5B abandonaram a escola em 2024?", "--db", SharedDemo.path,
                                       "--log", folder.path("a.jsonl"), "--format", "csv"], environment: environment)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stderr.contains("aviso: o motor local parou ao iniciar; o fim do registro diz: error: failed to load model"), "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ra,nome,escola,data_saida"), "\(verified.stdout)")
    }
}
