#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Whether output goes to a person's terminal, how wide it is, and whether colour is welcome.
public struct TerminalInfo: Sendable {
    public let width: Int
    public let colour: Bool
    public let isTerminal: Bool

    public init(width: Int, colour: Bool, isTerminal: Bool = false) {
        self.width = width
        self.colour = colour
        self.isTerminal = isTerminal
    }

    /// stdout as it is now: a terminal's width (else COLUMNS, else 100); colour only on a
    /// terminal with NO_COLOR unset.
    public static var standardOutput: TerminalInfo { describe(STDOUT_FILENO) }

    /// stderr, where progress goes.
    public static var standardError: TerminalInfo { describe(STDERR_FILENO) }

    static func describe(_ descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalInfo {
        let isTerminal = isatty(descriptor) == 1
        let width = (isTerminal ? columns(of: descriptor) : nil) ?? Int(environment["COLUMNS"] ?? "") ?? 100
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalInfo(width: width, colour: isTerminal && !noColour, isTerminal: isTerminal)
    }

    /// The terminal's column count, if `descriptor` is one.
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
