#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Render

/// Reads one line from a person at a terminal, with arrow keys, word moves and history;
/// or, when stdin is not a terminal, plain lines with no prompt.
public final class LineEditor {
    public enum Outcome: Equatable, Sendable {
        case line(String)
        /// Ctrl-C at the prompt: the line is dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the end of piped input.
        case endOfInput
    }

    public let history: LineHistory
    /// Whether stdin and stdout are a terminal (otherwise: plain lines, no prompt).
    public let interactive: Bool
    private var decoder = KeyDecoder()

    public init(history: LineHistory, interactive: Bool = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) {
        self.history = history
        self.interactive = interactive
    }

    public func read(prompt: String) -> Outcome {
        guard interactive else {
            guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
            return .line(line)
        }
        guard let saved = RawMode.enter() else {
            // Not a real terminal after all (some CI runners): plain reading still works.
            guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
            return .line(line)
        }
        defer { saved.restore() }
        return edit(prompt: prompt)
    }

    private func edit(prompt: String) -> Outcome {
        var buffer = EditBuffer()
        // Browsing history: the index shown, and the line being typed before the browsing began.
        var position = history.entries.count
        var draft = ""
        redraw(prompt, buffer)
        while true {
            guard let key = nextKey() else {
                output("\r\n")
                return .endOfInput
            }
            switch key {
            case .text(let text): buffer.insert(text)
            case .tab: buffer.insert(" ")
            case .enter:
                output("\r\n")
                history.add(buffer.text)
                return .line(buffer.text)
            case .interrupt:
                output("^C\r\n")
                return .interrupted
            case .endOfInput:
                if buffer.characters.isEmpty {
                    output("\r\n")
                    return .endOfInput
                }
                buffer.deleteForward()
            case .backspace: buffer.deleteBackward()
            case .delete: buffer.deleteForward()
            case .left: buffer.moveLeft()
            case .right: buffer.moveRight()
            case .home: buffer.moveToStart()
            case .end: buffer.moveToEnd()
            case .wordLeft: buffer.moveWordLeft()
            case .wordRight: buffer.moveWordRight()
            case .deleteToEnd: buffer.deleteToEnd()
            case .deleteToStart: buffer.deleteToStart()
            case .deleteWord: buffer.deleteWordBackward()
            case .clearScreen: output("\u{1B}[H\u{1B}[2J")
            case .up:
                guard position > 0 else { break }
                if position == history.entries.count { draft = buffer.text }
                position -= 1
                buffer.replace(with: history.entries[position])
            case .down:
                guard position < history.entries.count else { break }
                position += 1
                buffer.replace(with: position == history.entries.count ? draft : history.entries[position])
            case .ignored: break
            }
            redraw(prompt, buffer)
        }
    }

    /// The next key, reading the terminal as needed; nil when stdin closes.
    private func nextKey() -> Key? {
        while true {
            if let key = decoder.next() { return key }
            var bytes = [UInt8](repeating: 0, count: 256)
            let count = bytes.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            decoder.feed(bytes[..<count])
        }
    }

    /// Draws the prompt and the part of the line that fits, cursor in place.
    ///
    /// A line wider than the terminal scrolls sideways instead of wrapping, so
    /// one carriage return always gets back to its start.
    private func redraw(_ prompt: String, _ buffer: EditBuffer) {
        let columns = TerminalInfo.columns(of: STDOUT_FILENO) ?? 80
        let room = max(10, columns - displayWidth(prompt) - 1)
        let characters = buffer.characters
        var start = 0
        while start < buffer.cursor, characters[start..<buffer.cursor].reduce(0, { $0 + displayWidth(of: $1) }) >= room {
            start += 1
        }
        var end = start
        var used = 0
        while end < characters.count, used + displayWidth(of: characters[end]) <= room {
            used += displayWidth(of: characters[end])
            end += 1
        }
        let afterCursor = characters[buffer.cursor..<end].reduce(0) { $0 + displayWidth(of: $1) }
        var line = "\r" + prompt + String(characters[start..<end]) + "\u{1B}[K"
        if afterCursor > 0 { line += "\u{1B}[\(afterCursor)D" }
        output(line)
    }

    private func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// The terminal in raw mode for the length of one line; `restore()` puts it back.
struct RawMode {
    private let original: termios

    static func enter() -> RawMode? {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        var raw = original
        // No echo, no line buffering, Ctrl-C and Ctrl-D arrive as bytes; output processing stays on.
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { controls in
            controls[Int(VMIN)] = 1
            controls[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        return RawMode(original: original)
    }

    func restore() {
        var original = original
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
    }
}

/// No echo while a question is answered: keys typed ahead wait for the next prompt instead
/// of landing in the middle of the spinner. Ctrl-C still interrupts.
public struct EchoOff {
    private let original: termios

    /// Turns echo off, if stdin is a terminal.
    public static func begin() -> EchoOff? {
        var original = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0 else { return nil }
        return EchoOff(original: original)
    }

    public func end() {
        var original = original
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
    }
}
