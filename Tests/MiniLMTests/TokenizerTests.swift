import Foundation
import MiniLM
import Testing

@Suite("WordPiece tokenizer")
struct TokenizerTests {
    /// Test vectors of the reference sheet, verified against Hugging Face `tokenizers`.
    @Test("ids match Hugging Face's", arguments: [
        ("The weather is lovely today.", [101, 1996, 4633, 2003, 8403, 2651, 1012, 102]),
        ("It's so sunny outside!", [101, 2009, 1005, 1055, 2061, 11559, 2648, 999, 102]),
        ("Quantos alunos evadiram em 2023?", [101, 24110, 13122, 2632, 27819, 2015, 9345, 4305, 6444, 7861, 16798, 2509, 1029, 102]),
        ("Qual a frequência média por turma?", [101, 24209, 2389, 1037, 10424, 2063, 4226, 22750, 2865, 18499, 10722, 17830, 1029, 102]),
    ])
    func referenceVectors(text: String, ids: [Int]) throws {
        #expect(try SharedEncoder.get().tokenizer.encode(text) == ids.map(Int32.init))
    }

    @Test("accents and case make no difference", arguments: [
        ("evasão", "evasao"), ("Avô e avó não são", "avo e avo nao sao"), ("AÇÃO", "acao"), ("e\u{301}", "é"), ("naïve café", "naive cafe"),
    ])
    func accentsAndCase(a: String, b: String) throws {
        let tokenizer = try SharedEncoder.get().tokenizer
        #expect(tokenizer.encode(a) == tokenizer.encode(b))
    }

    @Test("a word over 100 scalars is one [UNK]; 100 is split into pieces")
    func longWords() throws {
        let tokenizer = try SharedEncoder.get().tokenizer
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [101, 100, 102])
        let hundred = tokenizer.encode(String(repeating: "a", count: 100))
        #expect(hundred.count > 3 && !hundred.contains(100))
    }

    @Test("long text is cut at 256 ids, [SEP] last")
    func truncation() throws {
        let tokenizer = try SharedEncoder.get().tokenizer
        let ids = tokenizer.encode(Array(repeating: "palavra", count: 300).joined(separator: " "))
        #expect(ids.count == 256)
        #expect(Array(ids.prefix(3)) == [101, 14412, 11431])
        #expect(Array(ids.suffix(3)) == [14412, 11431, 102])
        #expect(tokenizer.encode("palavra", maxLength: 2) == [101, 102])
    }

    @Test("any input gives ids, not a crash: controls, private use, bad UTF-8, a megabyte")
    func hostileInput() throws {
        let encoder = try SharedEncoder.get()
        let invalidUTF8 = String(decoding: [0x61, 0xFF, 0xFE, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x62] as [UInt8], as: UTF8.self)
        let inputs = [
            "\u{0}\u{1}\u{7}\u{1B}[31m\u{7F}", "\u{E000}\u{F8FF}", invalidUTF8, String(repeating: "\u{200B}", count: 1000),
            String(repeating: "ação ", count: 200_000), String(repeating: "x", count: 1_000_000),
            String(repeating: "\u{301}", count: 5000), "\u{10FFFF}\u{FFFE}",
        ]
        for input in inputs {
            let ids = encoder.tokenizer.encode(input)
            #expect(ids.first == 101 && ids.last == 102 && ids.count <= 256)
            let vector = encoder.encode(input)
            #expect(abs(norm(vector) - 1) < 1e-5)
        }
        // Invalid bytes become U+FFFD, which cleaning removes: only the letters remain.
        #expect(encoder.tokenizer.encode(invalidUTF8) == encoder.tokenizer.encode("a ( b"))
    }

    @Test("a vocabulary without the special tokens is refused")
    func badVocabulary() {
        #expect(throws: ModelFileError.self) { try WordPieceTokenizer(tokens: ["a", "b", "[PAD]"]) }
        #expect(throws: Never.self) { try WordPieceTokenizer(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"]) }
    }
}
