import Foundation
import LLM
import Workspace

#if canImport(Glibc)
    import Glibc
#endif

/// A llama.cpp server this machine runs for indaga when no model server is there: started on
/// demand in a session of its own (Ctrl-C in the conversation does not reach it), found again
/// through its pid and port files, stopped cleanly. It speaks the OpenAI API indaga already speaks.
public struct LocalEngine: Sendable {
    /// The `llama-server` executable.
    public let server: URL
    /// The model's `.gguf` file.
    public let model: URL
    /// Where the pid, the port and the log live (`~/.local/state/indaga/motor`).
    public let folder: URL

    public init(server: URL, model: URL, folder: URL) {
        self.server = server
        self.model = model
        self.folder = folder
    }

    public var pidFile: URL { folder.appendingPathComponent("motor.pid") }
    public var portFile: URL { folder.appendingPathComponent("motor.porta") }
    public var logFile: URL { folder.appendingPathComponent("motor.log") }
    /// The model's name as the engine answers to it: its file's name without `.gguf`.
    public var modelName: String { model.deletingPathExtension().lastPathComponent }

    public enum State: Equatable, Sendable {
        case stopped
        case running(pid: Int32, port: Int)
        /// A pid file whose process is gone (or is another program now): left by a crash or a reboot.
        case stale(pid: Int32)
    }

    /// What the pid file says, checked against the process table.
    public func state() -> State {
        guard let pid = Self.readNumber(pidFile).map(Int32.init) else { return .stopped }
        guard let port = Self.readNumber(portFile), kill(pid, 0) == 0, runs(pid) else { return .stale(pid: pid) }
        return .running(pid: pid, port: port)
    }

    /// The endpoint of the engine listening on `port`.
    public func endpoint(port: Int) -> LLMEndpoint {
        LLMEndpoint(baseURL: "http://127.0.0.1:\(port)", api: .openai, model: modelName)
    }

    /// Starts the engine, or finds it running; returns once it answers.
    ///
    /// - Parameters:
    ///   - preferredPort: used when free; otherwise the kernel picks one, so as not to clash.
    ///   - progress: a line every few seconds while the model loads.
    public func start(preferredPort: Int = 8080, threads: Int = ProcessInfo.processInfo.activeProcessorCount, timeout: Duration = .seconds(300),
                      progress: (String) -> Void = { _ in }) throws -> (port: Int, pid: Int32, reused: Bool) {
        switch state() {
        case .running(let pid, let port):
            try waitUntilAnswering(pid: pid, port: port, timeout: timeout, progress: progress)
            return (port, pid, true)
        case .stale:
            forget()
        case .stopped:
            break
        }
        guard FileManager.default.isExecutableFile(atPath: server.path) else { throw EngineError.notInstalled(server.path) }
        guard FileManager.default.fileExists(atPath: model.path) else { throw EngineError.notInstalled(model.path) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = Self.isFree(preferredPort) ? preferredPort : try Self.freePort()
        let pid = try spawn(arguments: ["-m", model.path, "--host", "127.0.0.1", "--port", String(port), "-c", "8192", "-t", String(max(1, threads))])
        try String(pid).write(to: pidFile, atomically: true, encoding: .utf8)
        try String(port).write(to: portFile, atomically: true, encoding: .utf8)
        do {
            try waitUntilAnswering(pid: pid, port: port, timeout: timeout, progress: progress)
        } catch {
            _ = stop()
            throw error
        }
        return (port, pid, false)
    }

    /// Stops the engine: SIGTERM, then SIGKILL after `timeout`. Returns the pid it stopped, nil
    /// when none ran; a stale pid file is removed either way.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10)) -> Int32? {
        guard case .running(let pid, _) = state() else {
            forget()
            return nil
        }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while Self.alive(pid), ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if Self.alive(pid) { kill(pid, SIGKILL) }
        while Self.alive(pid) { Thread.sleep(forTimeInterval: 0.02) }
        forget()
        return pid
    }

    /// The last lines of the log, for a message when the engine fails.
    public func logTail(lines: Int = 3) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    // MARK: - Private

    private func forget() {
        try? FileManager.default.removeItem(at: pidFile)
        try? FileManager.default.removeItem(at: portFile)
    }

    /// Whether `pid` is this engine (its command line names this model) and not another program
    /// that got the number after a reboot.
    private func runs(_ pid: Int32) -> Bool {
        guard let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
        return line.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == model.path }
    }

    private func waitUntilAnswering(pid: Int32, port: Int, timeout: Duration, progress: (String) -> Void) throws {
        let probe = endpoint(port: port).client(retry: .none, timeouts: .probe)
        let clock = ContinuousClock()
        let started = clock.now
        var said = started
        while true {
            // llama-server answers 503 while it loads the model: not yet.
            if (try? probe.models(cancellation: nil)) != nil { return }
            guard Self.alive(pid) else { throw EngineError.exited(logTail()) }
            let now = clock.now
            if now - started > timeout { throw EngineError.timedOut(timeout) }
            if now - said >= .seconds(5) {
                said = now
                progress("carregando o modelo \(modelName)… \(Int((now - started).components.seconds)) s")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Starts the server in a session of its own, stdin from /dev/null, its output to the log.
    private func spawn(arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process: a pipe it inherited (a caller reading our output until
        // the end) must not stay open for as long as the engine lives.
        for descriptor in Self.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A clean slate of signals: the caller may block or ignore some (a test runner, the REPL's
        // Ctrl-C handling), and the engine must end on SIGTERM.
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Self.spawnNewSession | Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let commandLine = ([server.path] + arguments).map { strdup($0) } + [nil]
        defer { commandLine.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, server.path, &actions, &attributes, commandLine, environ)
        guard result == 0 else { throw EngineError.cannotStart(server.path, String(cString: strerror(result))) }
        // Reaped by a thread of its own: this process may run on (the conversation) while the
        // engine lives, and an engine that exits must not linger as a zombie that still "runs".
        let child = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0, errno == EINTR {}
        }
        return child
    }

    /// glibc's POSIX_SPAWN_SETSID (spawn.h), which Swift does not import: it hides behind __USE_GNU.
    private static let spawnNewSession: Int16 = 0x80

    /// This process's open file descriptors, read before the spawn.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    static func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie (exited, not yet reaped) is not running.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
    }

    static func readNumber(_ file: URL) -> Int? {
        (try? String(contentsOf: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Whether nothing listens on `port` at loopback (binding it succeeds).
    static func isFree(_ port: Int) -> Bool {
        (try? bound(port: port)) != nil
    }

    /// A port nothing listens on, as the kernel picks it.
    static func freePort() throws -> Int {
        try bound(port: 0)
    }

    /// Binds a socket to 127.0.0.1:`port`, reads the port it got, and closes it.
    private static func bound(port: Int) throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw EngineError.noPort }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let done = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard done else { throw EngineError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public enum EngineError: Error, Equatable, LocalizedError {
    case notInstalled(String)
    case cannotStart(String, String)
    case exited(String)
    case timedOut(Duration)
    case noPort

    public var errorDescription: String? {
        switch self {
        case .notInstalled(let path):
            return "o motor local não está instalado (falta \(path)); instale o Ollama (veja o README) ou aponte INDAGA_ENGINE para um llama-server e INDAGA_ENGINE_MODEL para um arquivo .gguf"
        case .cannotStart(let path, let reason): return "não consegui iniciar o motor local \(path): \(reason)"
        case .exited(let tail): return "o motor local parou ao iniciar" + (tail.isEmpty ? "" : "; o fim do registro diz: \(tail.replacingOccurrences(of: "\n", with: " | "))")
        case .timedOut(let limit): return "o motor local não respondeu em \(limit.components.seconds) s; veja o registro com indaga llm status"
        case .noPort: return "não encontrei uma porta livre para o motor local"
        }
    }
}

extension LocalEngine {
    /// The engine this user has: `INDAGA_ENGINE` (a `llama-server`) and `INDAGA_ENGINE_MODEL`
    /// (a `.gguf`), else `llama-server` and a `.gguf` in `~/.local/share/indaga/motor`
    /// (`XDG_DATA_HOME`); its pid, port and log in `~/.local/state/indaga/motor` (`XDG_STATE_HOME`).
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) -> LocalEngine {
        let installed = UserFolders.data(environment: environment).appendingPathComponent("motor")
        func file(_ variable: String, _ name: String) -> URL {
            environment[variable].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) } ?? installed.appendingPathComponent(name)
        }
        // scripts/engine.sh installs one model, under its own name; the first one found serves.
        let gguf = ((try? FileManager.default.contentsOfDirectory(atPath: installed.path)) ?? []).filter { $0.hasSuffix(".gguf") }.sorted().first
        return LocalEngine(server: file("INDAGA_ENGINE", "llama-server"), model: file("INDAGA_ENGINE_MODEL", gguf ?? "modelo.gguf"),
                           folder: UserFolders.state(environment: environment).appendingPathComponent("motor"))
    }

    /// Whether both files are there.
    public var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: server.path) && FileManager.default.fileExists(atPath: model.path)
    }
}
