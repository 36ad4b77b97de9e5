import Foundation
import Terminal

#if canImport(Glibc)
    import Glibc
#endif

/// The REPL's cold start: from launching the program to its prompt on the screen.
public struct ReplColdStart: Sendable, Codable {
    public var launches: Int
    @Milliseconds public var p50: Duration
    @Milliseconds public var p95: Duration

    enum CodingKeys: String, CodingKey {
        case launches, p50 = "p50_ms", p95 = "p95_ms"
    }
}

public enum ReplStartBenchmark {
    /// Launches the REPL `launches` times on a pseudo-terminal (it shows a prompt only to a
    /// terminal), times each launch until `prompt` appears, then ends it with Ctrl-D.
    ///
    /// - Returns: the times and the largest peak memory of the launches.
    /// - Throws: `BenchmarkError.replNoPrompt` when a launch shows no prompt or does not end.
    public static func measure(
        executable: String, arguments: [String], environment: [String: String], launches: Int, prompt: String = "indaga› "
    ) throws -> (ReplColdStart, peakResidentBytes: Int64) {
        let clock = ContinuousClock()
        var times: [Duration] = []
        var peak: Int64 = 0
        for _ in 0..<max(1, launches) {
            let started = clock.now
            let terminal = try PseudoTerminal(executable: executable, arguments: arguments, environment: environment)
            guard terminal.waitFor(prompt, timeout: 60) else { throw BenchmarkError.replNoPrompt(lastLine(terminal.output)) }
            times.append(clock.now - started)
            terminal.type("\u{04}")
            guard terminal.waitForExit(timeout: 20) == 0 else { throw BenchmarkError.replNoPrompt(lastLine(terminal.output)) }
            peak = max(peak, terminal.peakResidentBytes ?? 0)
        }
        return (ReplColdStart(launches: times.count, p50: percentile(times, 0.5), p95: percentile(times, 0.95)), peak)
    }

    /// A loopback URL where nothing listens, so the REPL's model check fails at once (connection
    /// refused) instead of depending on a model server.
    public static func unusedLoopbackURL() -> String {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        // A port the kernel has just handed out and taken back is unlikely to be taken again during the run.
        let port = bound ? UInt16(bigEndian: address.sin_port) : 9
        return "http://127.0.0.1:\(port)"
    }

    private static func lastLine(_ screen: String) -> String {
        let lines = screen.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return String((lines.last ?? "").prefix(200))
    }
}
