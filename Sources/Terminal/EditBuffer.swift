/// The line being typed and the cursor in it, with the edits a shell user expects.
///
/// Positions count grapheme clusters, so "ç" or an emoji is one step of the cursor.
public struct EditBuffer: Sendable, Equatable {
    public private(set) var characters: [Character] = []
    public private(set) var cursor = 0

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Inserts at the cursor; a combining mark typed after a letter joins it.
    public mutating func insert(_ text: String) {
        let before = String(characters[..<cursor]) + text
        let after = characters[cursor...]
        characters = Array(before + String(after))
        cursor = before.count
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    public mutating func moveToStart() { cursor = 0 }
    public mutating func moveToEnd() { cursor = characters.count }

    /// Ctrl-K: drops everything after the cursor.
    public mutating func deleteToEnd() { characters.removeSubrange(cursor...) }

    /// Ctrl-U: drops everything before the cursor.
    public mutating func deleteToStart() {
        characters.removeSubrange(..<cursor)
        cursor = 0
    }

    /// Ctrl-W: drops the word before the cursor and the spaces after it.
    public mutating func deleteWordBackward() {
        let end = cursor
        moveWordLeft()
        characters.removeSubrange(cursor..<end)
    }

    public mutating func moveWordLeft() {
        while cursor > 0, characters[cursor - 1].isWhitespace { cursor -= 1 }
        while cursor > 0, !characters[cursor - 1].isWhitespace { cursor -= 1 }
    }

    public mutating func moveWordRight() {
        while cursor < characters.count, characters[cursor].isWhitespace { cursor += 1 }
        while cursor < characters.count, !characters[cursor].isWhitespace { cursor += 1 }
    }

    /// Replaces the whole line (a history entry), cursor at the end.
    public mutating func replace(with text: String) {
        characters = Array(text)
        cursor = characters.count
    }
}
