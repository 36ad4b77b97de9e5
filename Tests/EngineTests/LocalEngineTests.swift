import Engine
import Foundation
import LLM
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The launcher against a stand-in process that plays llama-server (Fixtures/stand-in-llama-server).
@Suite("The local engine's launcher", .serialized)
struct LocalEngineTests {
    static let standIn = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/stand-in-llama-server")

    static func engine(_ folder: TemporaryFolder) throws -> LocalEngine {
        try Data().write(to: URL(fileURLWithPath: folder.path("modelo-teste.gguf")))
        return LocalEngine(server: standIn, model: URL(fileURLWithPath: folder.path("modelo-teste.gguf")),
                           folder: folder.url.appendingPathComponent("estado"))
    }

    @Test("start waits for the model to load, a second start finds it running, stop ends it and its files")
    func startReuseStop() throws {
        let folder = try TemporaryFolder()
        let engine = try Self.engine(folder)
        #expect(engine.state() == .stopped)
        setenv("STAND_IN_LOAD_SECONDS", "1", 1)
        defer { unsetenv("STAND_IN_LOAD_SECONDS") }
        let started = try engine.start(preferredPort: TemporaryPort.free())
        #expect(!started.reused && engine.state() == .running(pid: started.pid, port: started.port))
        let models = try engine.endpoint(port: started.port).client(retry: .none).models(cancellation: nil)
        #expect(models == ["stand-in"] && engine.endpoint(port: started.port).model == "modelo-teste")
        #expect(try String(contentsOf: engine.logFile, encoding: .utf8).contains("stand-in listening on \(started.port)"))

        let again = try engine.start()
        #expect(again.reused && again.pid == started.pid && again.port == started.port)

        #expect(engine.stop() == started.pid)
        #expect(kill(started.pid, 0) != 0 || LocalEngineTests.isZombie(started.pid))
        #expect(engine.state() == .stopped && !FileManager.default.fileExists(atPath: engine.pidFile.path))
        #expect(engine.stop() == nil)
    }

    @Test("a pid file left by a crash is stale: start cleans it and starts afresh")
    func stalePid() throws {
        let folder = try TemporaryFolder()
        let engine = try Self.engine(folder)
        try FileManager.default.createDirectory(at: engine.folder, withIntermediateDirectories: true)
        // Our own pid: alive, but not the engine (its command line names no model).
        try String(getpid()).write(to: engine.pidFile, atomically: true, encoding: .utf8)
        try "8080".write(to: engine.portFile, atomically: true, encoding: .utf8)
        #expect(engine.state() == .stale(pid: getpid()))
        let started = try engine.start(preferredPort: TemporaryPort.free())
        #expect(started.pid != getpid() && !started.reused)
        engine.stop()
    }

    @Test("a port in use is left alone: the engine gets another")
    func portInUse() throws {
        let folder = try TemporaryFolder()
        let engine = try Self.engine(folder)
        let other = try FakeHTTPServer { _, connection in connection.respond(status: 200, body: "outro programa") }
        let busy = try #require(URL(string: other.baseURL)?.port)
        let started = try engine.start(preferredPort: busy)
        #expect(started.port != busy)
        #expect(try engine.endpoint(port: started.port).client(retry: .none).models(cancellation: nil) == ["stand-in"])
        engine.stop()
    }

    @Test("a server that stops while starting, or no server at all: a pt-BR line that says what to do, and no files left")
    func failures() throws {
        let folder = try TemporaryFolder()
        let engine = try Self.engine(folder)
        setenv("STAND_IN_FAIL", "error: failed to load model 'modelo-teste.gguf'", 1)
        defer { unsetenv("STAND_IN_FAIL") }
        #expect(throws: EngineError.exited("error: failed to load model 'modelo-teste.gguf'")) { try engine.start(preferredPort: TemporaryPort.free()) }
        #expect(engine.state() == .stopped)

        let missing = LocalEngine(server: folder.url.appendingPathComponent("nada/llama-server"), model: engine.model, folder: engine.folder)
        #expect(!missing.isInstalled)
        let error = #expect(throws: EngineError.self) { try missing.start() }
        #expect(error?.localizedDescription.hasPrefix("o motor local não está instalado (falta ") == true)
    }

    @Test("where the engine is: INDAGA_ENGINE and INDAGA_ENGINE_MODEL, else the user's data folder; its state in the state folder")
    func configured() {
        let fromHome = LocalEngine.configured(environment: ["HOME": "/home/ana"])
        #expect(fromHome.server.path == "/home/ana/.local/share/indaga/motor/llama-server")
        #expect(fromHome.model.path == "/home/ana/.local/share/indaga/motor/modelo.gguf")
        #expect(fromHome.folder.path == "/home/ana/.local/state/indaga/motor")
        let pointed = LocalEngine.configured(environment: ["HOME": "/home/ana", "INDAGA_ENGINE": "/opt/llama/llama-server",
                                                           "INDAGA_ENGINE_MODEL": "/dados/qwen.gguf", "XDG_STATE_HOME": "/var/estado"])
        #expect(pointed.server.path == "/opt/llama/llama-server" && pointed.modelName == "qwen")
        #expect(pointed.folder.path == "/var/estado/indaga/motor")
    }

    @Test("installed by scripts/engine.sh: the model is the .gguf in the engine's folder, under its own name")
    func installedModel() throws {
        let data = try TemporaryFolder()
        let motor = data.url.appendingPathComponent("indaga/motor")
        try FileManager.default.createDirectory(at: motor, withIntermediateDirectories: true)
        try Data().write(to: motor.appendingPathComponent("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"))
        let engine = LocalEngine.configured(environment: ["HOME": "/home/ana", "XDG_DATA_HOME": data.url.path])
        #expect(engine.model.lastPathComponent == "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
        #expect(engine.modelName == "qwen2.5-coder-1.5b-instruct-q4_k_m" && !engine.isInstalled)
    }

    static func isZombie(_ pid: Int32) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "").contains(") Z")
    }
}

/// A loopback port nothing listens on now.
enum TemporaryPort {
    static func free() -> Int { FakeHTTPServer.unusedPort() }
}
