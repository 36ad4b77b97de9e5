import Testing
@testable import Terminal

@Suite("line editing")
struct KeyDecoderTests {
    func keys(_ bytes: [UInt8]) -> [Key] {
        var decoder = KeyDecoder()
        decoder.feed(bytes)
        var keys: [Key] = []
        while let key = decoder.next() { keys.append(key) }
        return keys
    }

    @Test("arrows, Home/End in both encodings, Delete, Ctrl-arrows as word moves")
    func escapeSequences() {
        #expect(keys(Array("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D".utf8)) == [.up, .down, .right, .left])
        #expect(keys(Array("\u{1B}OH\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}[3~".utf8)) == [.home, .end, .home, .end, .delete])
        #expect(keys(Array("\u{1B}[1;5D\u{1B}[1;5C".utf8)) == [.wordLeft, .wordRight])
        #expect(keys(Array("\u{1B}[15~".utf8)) == [.ignored])
    }

    @Test("control keys, CR LF as one Enter, accented text kept whole")
    func controlsAndText() {
        #expect(keys([0x03, 0x04, 0x7F, 0x0D, 0x0A, 0x0D]) == [.interrupt, .endOfInput, .backspace, .enter, .enter])
        #expect(keys(Array("evasão 5ºB".utf8)) == [.text("evasão 5ºB")])
    }

    @Test("a multi-byte character split across reads waits for its last byte")
    func splitCharacter() {
        var decoder = KeyDecoder()
        let bytes = Array("ã".utf8)
        decoder.feed(Array("n".utf8) + [bytes[0]])
        #expect(decoder.next() == .text("n"))
        #expect(decoder.next() == nil)
        decoder.feed([bytes[1]])
        #expect(decoder.next() == .text("ã"))
    }

    @Test("an escape sequence split across reads waits too")
    func splitEscape() {
        var decoder = KeyDecoder()
        decoder.feed([0x1B, UInt8(ascii: "[")])
        #expect(decoder.next() == nil)
        decoder.feed([UInt8(ascii: "A")])
        #expect(decoder.next() == .up)
    }
}

@Suite("edit buffer")
struct EditBufferTests {
    @Test("insert in the middle, move by words, delete a word, kill to end")
    func edits() {
        var buffer = EditBuffer("quantos alunos")
        buffer.moveWordLeft()
        buffer.insert("dos ")
        #expect(buffer.text == "quantos dos alunos")
        buffer.moveToEnd()
        buffer.deleteWordBackward()
        #expect(buffer.text == "quantos dos ")
        buffer.moveToStart()
        buffer.moveWordRight()
        buffer.deleteToEnd()
        #expect(buffer.text == "quantos")
        buffer.deleteBackward()
        #expect(buffer.text == "quanto" && buffer.cursor == 6)
    }

    @Test("a combining accent typed after a letter joins it: one cursor step")
    func combining() {
        var buffer = EditBuffer("evasa")
        buffer.insert("\u{0303}")
        #expect(buffer.characters.count == 5)
        #expect(buffer.cursor == 5)
        buffer.insert("o")
        #expect(buffer.text == "evasão".decomposedStringWithCanonicalMapping.precomposedStringWithCanonicalMapping
            || buffer.text == "evasa\u{0303}o")
    }
}
