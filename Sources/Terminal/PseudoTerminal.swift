import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program run on a pseudo-terminal, as a person at a terminal runs it: keys go in (Ctrl-C
/// included, which the terminal turns into SIGINT), and the screen's bytes come out.
///
/// The end-to-end tests drive the REPL with it, and `indaga bench` times the REPL's start.
/// Not thread-safe: one caller drives it.
public final class PseudoTerminal {
    public let pid: pid_t
    private let master: Int32
    private var received = Data()
    /// Whether the terminal's other side is closed: the program has ended (not yet reaped, perhaps).
    private var hungUp = false
    /// Set once the program has ended and been reaped (by `waitForExit`).
    private var exitStatus: Int32?
    /// The most memory the program held at once, in bytes, once it has ended (wait4's ru_maxrss).
    public private(set) var peakResidentBytes: Int64?

    /// Starts `executable` in a new session whose controlling terminal is the pty.
    public init(executable: String, arguments: [String], environment: [String: String],
                columns: UInt16 = 100, rows: UInt16 = 40) throws {
        // posix_openpt, unlockpt and ptsname are hidden from Swift's Glibc module; these are
        // what they do on Linux: open the multiplexer, unlock the pair, ask its number.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0 else {
            throw POSIXError(.ENXIO)
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // setsid first, then opening the pty makes it the controlling terminal.
        posix_spawnattr_setflags(&attributes, Int16(Self.spawnSetSID | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)))
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL)
        }
        pid = child
    }

    /// TIOCSPTLCK, TIOCGPTN and POSIX_SPAWN_SETSID from the Linux and glibc headers (macros Swift cannot import).
    static let setLock = UInt(0x4004_5431)
    static let getNumber = UInt(0x8004_5430)
    static let spawnSetSID: Int32 = 0x80

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types text (use "\r" for Enter, "\u{03}" for Ctrl-C, "\u{04}" for Ctrl-D).
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything the program has written so far, escape sequences included.
    public var output: String {
        drain(wait: 0)
        return String(decoding: received, as: UTF8.self)
    }

    /// Waits until the output, from `offset` characters on, contains `text`; false on timeout, or
    /// at once when the program has closed the terminal (ended) without writing it.
    @discardableResult
    public func waitFor(_ text: String, after offset: Int = 0, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            drain(wait: 50)
            let screen = String(decoding: received, as: UTF8.self)
            if screen.count > offset, screen.dropFirst(offset).contains(text) { return true }
            if hungUp { return false }
        }
        return false
    }

    /// Waits for the program to end; its exit status, or nil on timeout.
    public func waitForExit(timeout: Double = 20) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            drain(wait: 20)
            var status: Int32 = 0
            var usage = rusage()
            if wait4(pid, &status, WNOHANG, &usage) == pid {
                drain(wait: 0)
                peakResidentBytes = Int64(usage.ru_maxrss) * 1024
                let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus = code
                return code
            }
        }
        return nil
    }

    /// Reads what is there, waiting up to `milliseconds` for the first bytes.
    private func drain(wait milliseconds: Int32) {
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        var timeout = milliseconds
        while poll(&poller, 1, timeout) > 0 {
            // Once every program on the terminal has closed it, the master side reports a hang-up
            // (and reading it fails with EIO) instead of blocking.
            guard poller.revents & Int16(POLLIN) != 0 else {
                hungUp = poller.revents & Int16(POLLHUP) != 0
                return
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else {
                hungUp = true
                return
            }
            received.append(contentsOf: buffer[0..<count])
            timeout = 0
        }
    }
}
