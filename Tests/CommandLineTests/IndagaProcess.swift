import Foundation
import TestSupport

/// Runs the built `indaga` binary and captures what a user would see.
struct IndagaRun {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The stderr lines, without the empty last one.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

enum Indaga {
    /// The binary SwiftPM built beside this test bundle.
    static let binary: URL = {
        let products = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
        return products.appendingPathComponent("indaga")
    }()

    /// Starts `indaga arguments…` without waiting, so the test can signal it.
    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs `indaga arguments…` in `directory`, with only `environment` set (plus PATH), and `input` as stdin (none by default).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], input: String? = nil) throws -> IndagaRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        base.merge(environment) { $1 }
        process.environment = base
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return IndagaRun(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

extension TemporaryFolder {
    /// Makes this folder an indaga home (metadata/ and prompts/), with no database yet.
    func makeHome() throws {
        for folder in ["metadata", "prompts"] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }
}

/// One demo database built through the CLI, shared by the tests that only read it.
enum SharedDemo {
    static let folder = try! TemporaryFolder()
    static let result: Result<IndagaRun, Error> = Result {
        try Indaga.run(["demo", "--out", folder.path("escola.sqlite"), "--seed", "42"])
    }
    static var path: String { folder.path("escola.sqlite") }
}

extension Indaga {
    /// Runs `indaga arguments…` (no stdin) and returns what it printed and the peak resident
    /// memory of that one process, in MB: the memory goals are asserted per process.
    ///
    /// The peak is the kernel's high-water mark (VmHWM) of the process's own memory, read
    /// every few milliseconds while it runs; wait4's ru_maxrss would not do, since a child
    /// spawned with vfork starts it from this (large) test process.
    static func runMeasuringMemory(_ arguments: [String]) throws -> (run: IndagaRun, peakMegabytes: Int) {
        let folder = try TemporaryFolder()
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder.path("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, folder.path("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        let environment = ["PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "HOME=\(FileManager.default.temporaryDirectory.path)"]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var peakKilobytes = 0
        while true {
            // Before exec the process is still this one's image: only count the binary's own.
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                text.contains("Name:\tindaga"), let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
            {
                peakKilobytes = max(peakKilobytes, Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0)
            }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            usleep(5_000)
        }
        let read = { (name: String) in (try? String(contentsOfFile: folder.path(name), encoding: .utf8)) ?? "" }
        // WEXITSTATUS, spelled out: the macro does not reach Swift.
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (IndagaRun(status: exit, stdout: read("stdout"), stderr: read("stderr")), peakKilobytes / 1024)
    }
}
