/// A key press as the line editor understands it.
public enum Key: Sendable, Equatable {
    case text(String)
    case enter, backspace, delete, tab
    case left, right, up, down, home, end, wordLeft, wordRight
    case interrupt  // Ctrl-C
    case endOfInput  // Ctrl-D
    case deleteToEnd, deleteToStart, deleteWord, clearScreen
    /// An escape sequence the editor does not use (F-keys…), swallowed whole.
    case ignored
}

/// Turns the bytes a terminal sends into keys, keeping incomplete input for the next read.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Whether bytes are waiting (a paste that ran past Enter, say).
    public var hasPending: Bool { !pending.isEmpty }

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
    }

    /// The next complete key, or nil until more bytes arrive.
    public mutating func next() -> Key? {
        guard let first = pending.first else { return nil }
        switch first {
        case 0x1B:
            return escape()
        case 0x0D, 0x0A:
            pending.removeFirst()
            // A CR LF pair is one Enter.
            if first == 0x0D, pending.first == 0x0A { pending.removeFirst() }
            return .enter
        case 0x7F, 0x08: return take(1, .backspace)
        case 0x09: return take(1, .tab)
        case 0x01: return take(1, .home)
        case 0x05: return take(1, .end)
        case 0x02: return take(1, .left)
        case 0x06: return take(1, .right)
        case 0x10: return take(1, .up)
        case 0x0E: return take(1, .down)
        case 0x03: return take(1, .interrupt)
        case 0x04: return take(1, .endOfInput)
        case 0x0B: return take(1, .deleteToEnd)
        case 0x15: return take(1, .deleteToStart)
        case 0x17: return take(1, .deleteWord)
        case 0x0C: return take(1, .clearScreen)
        case 0x00..<0x20: return take(1, .ignored)
        default:
            return text()
        }
    }

    private mutating func take(_ count: Int, _ key: Key) -> Key {
        pending.removeFirst(count)
        return key
    }

    /// A run of printable UTF-8, up to the next control byte; waits for a split multi-byte character.
    private mutating func text() -> Key? {
        var end = 0
        while end < pending.count, pending[end] >= 0x20, pending[end] != 0x7F { end += 1 }
        // Do not cut a UTF-8 sequence: back up to the last complete character.
        var complete = end
        var index = end - 1
        while index >= 0, pending[index] & 0xC0 == 0x80 { index -= 1 }
        if index >= 0, pending[index] >= 0xC0 {
            let length = pending[index] >= 0xF0 ? 4 : pending[index] >= 0xE0 ? 3 : 2
            if end - index < length { complete = index }
        }
        guard complete > 0 else { return end == pending.count ? nil : take(end, .ignored) }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return .text(text)
    }

    /// CSI (ESC [ …) and SS3 (ESC O x) sequences; a lone ESC is ignored.
    private mutating func escape() -> Key? {
        guard pending.count >= 2 else { return nil }
        let kind = pending[1]
        if kind == UInt8(ascii: "O") {
            guard pending.count >= 3 else { return nil }
            let key: Key = switch pending[2] {
            case UInt8(ascii: "A"): .up
            case UInt8(ascii: "B"): .down
            case UInt8(ascii: "C"): .right
            case UInt8(ascii: "D"): .left
            case UInt8(ascii: "H"): .home
            case UInt8(ascii: "F"): .end
            default: .ignored
            }
            return take(3, key)
        }
        if kind == UInt8(ascii: "b") { return take(2, .wordLeft) }  // Alt-B
        if kind == UInt8(ascii: "f") { return take(2, .wordRight) }  // Alt-F
        guard kind == UInt8(ascii: "[") else { return take(1, .ignored) }
        // Parameters and intermediates, then one final byte in 0x40…0x7E.
        var end = 2
        while end < pending.count, !(0x40...0x7E).contains(pending[end]) { end += 1 }
        guard end < pending.count else { return nil }
        let parameters = String(decoding: pending[2..<end], as: UTF8.self)
        let final = pending[end]
        let modified = parameters.hasSuffix(";5") || parameters.hasSuffix(";3")  // Ctrl or Alt
        let key: Key = switch (final, parameters) {
        case (UInt8(ascii: "A"), _): .up
        case (UInt8(ascii: "B"), _): .down
        case (UInt8(ascii: "C"), _): modified ? .wordRight : .right
        case (UInt8(ascii: "D"), _): modified ? .wordLeft : .left
        case (UInt8(ascii: "H"), _): .home
        case (UInt8(ascii: "F"), _): .end
        case (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): .home
        case (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): .end
        case (UInt8(ascii: "~"), "3"): .delete
        default: .ignored
        }
        return take(end + 1, key)
    }
}
