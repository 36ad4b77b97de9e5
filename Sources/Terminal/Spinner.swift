#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Render

/// "⠹ pensando… 3,2 s" on stderr while a question is worked on, with progress lines above it.
///
/// On a terminal it redraws ten times a second from its own thread; elsewhere it stays
/// silent and only the progress lines are written, one per line, for logs.
public final class Spinner: @unchecked Sendable {
    private let lock = NSLock()
    private let animated: Bool
    private let label: String
    private var running = false
    private var thread: Thread?
    private var started = ContinuousClock.now

    public init(label: String = "pensando…", animated: Bool = TerminalInfo.standardError.isTerminal) {
        self.label = label
        self.animated = animated
    }

    public func start() {
        lock.withLock {
            started = .now
            running = true
        }
        guard animated else { return }
        let thread = Thread { [weak self] in
            let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
            var frame = 0
            while let self, self.draw(frames[frame % frames.count]) {
                frame += 1
                usleep(100_000)
            }
        }
        self.thread = thread
        thread.start()
    }

    /// A line that stays (a correction attempt), written above the spinner.
    public func log(_ line: String) {
        lock.withLock {
            write((animated ? "\r\u{1B}[K" : "") + line + "\n")
        }
    }

    /// Stops and erases the spinner line.
    public func stop() {
        lock.withLock {
            guard running else { return }
            running = false
            if animated { write("\r\u{1B}[K") }
        }
    }

    /// One frame; false once stopped.
    private func draw(_ frame: Character) -> Bool {
        lock.withLock {
            guard running else { return false }
            let elapsed = ContinuousClock.now - started
            write("\r\(frame) \(label) \(BrazilianFormat.duration(elapsed))\u{1B}[K")
            return true
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
