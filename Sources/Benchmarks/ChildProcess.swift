import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program run to its end: its stdout, its exit status and the most memory it held.
public struct ChildRun: Sendable {
    public let status: Int32
    public let output: Data
    /// wait4's ru_maxrss for this child alone, in bytes.
    public let peakResidentBytes: Int64
    public let wall: Duration
}

/// Runs a program and reaps it with `wait4`, so each benchmark's peak memory is its own.
///
/// Foundation's `Process` reaps its children itself and keeps their rusage; and
/// `getrusage(RUSAGE_CHILDREN)` reports the largest child so far, not the last one.
public enum ChildProcess {
    /// Runs `executable arguments…` with this process's environment, stdin from /dev/null,
    /// stdout captured and stderr shared (its progress lines reach the person).
    ///
    /// - Throws: `POSIXError` when the program cannot be started.
    public static func run(_ executable: String, _ arguments: [String]) throws -> ChildRun {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EMFILE) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Close-on-exec (pipe2 is hidden from Swift), so no other program started meanwhile holds
        // the pipe open; dup2 makes the child's stdout a plain descriptor again.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)

        let commandLine = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { commandLine.forEach { free($0) } }
        let clock = ContinuousClock()
        let started = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, commandLine, environ)
        close(writeEnd)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }

        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(status: code, output: output, peakResidentBytes: Int64(usage.ru_maxrss) * 1024, wall: clock.now - started)
    }

    /// This program's own file, to run its subcommands as children.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
