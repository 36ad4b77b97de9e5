import Foundation

/// BERT uncased WordPiece, as Hugging Face's `tokenizers` runs it for all-MiniLM-L6-v2.
///
/// The pipeline is `BertNormalizer` (clean text, space out CJK, strip accents
/// by NFD, lowercase per scalar) → `BertPreTokenizer` (whitespace, then each
/// punctuation character alone) → WordPiece (greedy longest match, `##`
/// continuations, `[UNK]` for words over 100 scalars or with no match) →
/// `[CLS] … [SEP]`. It works on Unicode scalars, never on Characters, since a
/// grapheme cluster can hold several scalars the rules treat one by one.
public struct WordPieceTokenizer: Sendable {
    public static let maximumWordLength = 100

    private let vocabulary: [String: Int32]
    public let unknownID: Int32
    public let classID: Int32
    public let separatorID: Int32
    public let paddingID: Int32
    public var vocabularySize: Int { vocabulary.count }

    /// Loads `vocab.txt`: one token per line, the id is the 0-based line number.
    ///
    /// - Throws: `ModelFileError` when the file is missing or lacks the special tokens.
    public init(vocabularyAt url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw ModelFileError(path: url.path, problem: missing ? .missing : .unreadable(error.localizedDescription))
        }
        // Split on "\n" only: tokens may hold other odd characters.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        try self.init(tokens: lines.map { String(decoding: $0, as: UTF8.self) }, path: url.path)
    }

    /// A tokenizer over an in-memory vocabulary, ids in list order.
    public init(tokens: [String], path: String = "vocab.txt") throws {
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() where vocabulary[token] == nil {
            vocabulary[token] = Int32(index)
        }
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw ModelFileError(path: path, problem: .badVocabulary("falta o símbolo \(token)"))
            }
            return id
        }
        self.vocabulary = vocabulary
        unknownID = try id("[UNK]")
        classID = try id("[CLS]")
        separatorID = try id("[SEP]")
        paddingID = try id("[PAD]")
    }

    /// The token ids of `text`: `[CLS]`, at most `maxLength − 2` pieces, `[SEP]`.
    ///
    /// Stops reading the text once the pieces are full, so a megabyte of
    /// input costs no more than its first few hundred words.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        let budget = max(0, maxLength - 2)
        var ids: [Int32] = [classID]
        ids.reserveCapacity(min(budget, 64) + 2)
        forEachWord(in: text) { word in
            appendPieces(of: word, to: &ids)
            return ids.count - 1 < budget
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(separatorID)
        return ids
    }

    // MARK: - Normalisation and pre-tokenisation

    /// Calls `body` with each pre-token (normalised scalars) until it returns false.
    private func forEachWord(in text: String, _ body: ([Unicode.Scalar]) -> Bool) {
        var chunk: [Unicode.Scalar] = []
        var keepGoing = true
        // Whitespace is a starter that never composes, so normalising chunk by
        // chunk between whitespace equals normalising the whole text.
        func flush() {
            guard !chunk.isEmpty, keepGoing else { return }
            for word in Self.splitNormalised(Self.normalise(chunk)) where keepGoing {
                keepGoing = body(word)
            }
            chunk.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            guard keepGoing else { return }
            if Self.isRemovedByCleaning(scalar) { continue }
            if Self.isWhitespace(scalar) {
                flush()
            } else {
                chunk.append(scalar)
            }
        }
        flush()
    }

    /// Clean text drops NUL, U+FFFD and control characters (Cc, Cf, Co, Cs) but tab, LF and CR.
    static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00, 0xFFFD: return true
        case 0x20...0x7E: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20: return true
        case 0x21...0x7E: return false
        default: return scalar.properties.isWhitespace
        }
    }

    /// CJK ideographs, each of which becomes a word of its own (the Rust tokenizer's ranges).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// ASCII punctuation and symbols, or any Unicode punctuation (P*); other symbols stay in words.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        case 0...0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }

    /// Strips accents (NFD, then drop Mn) and lowercases scalar by scalar, with no context rules.
    static func normalise(_ chunk: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(chunk.count)
        if chunk.allSatisfy(\.isASCII) {
            for scalar in chunk {
                let value = scalar.value
                result.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
            }
            return result
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: chunk)
        for scalar in String(text).decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar.isASCII {
                let value = scalar.value
                result.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Splits a normalised chunk into words: around CJK ideographs, whitespace, and each punctuation mark.
    static func splitNormalised(_ chunk: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in chunk {
            if isChineseCharacter(scalar) || isPunctuation(scalar) {
                if !current.isEmpty { words.append(current) }
                words.append([scalar])
                current = []
            } else if isWhitespace(scalar) {
                if !current.isEmpty { words.append(current) }
                current = []
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    // MARK: - WordPiece

    /// Greedy longest-match-first; a word with no match at some position is one `[UNK]`.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        guard word.count <= Self.maximumWordLength else {
            ids.append(unknownID)
            return
        }
        let mark = ids.count
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while end > start {
                var piece = String.UnicodeScalarView()
                if start > 0 { piece.append(contentsOf: "##".unicodeScalars) }
                piece.append(contentsOf: word[start..<end])
                if let id = vocabulary[String(piece)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.removeLast(ids.count - mark)
                ids.append(unknownID)
                return
            }
            ids.append(found)
            start = end
        }
    }
}
