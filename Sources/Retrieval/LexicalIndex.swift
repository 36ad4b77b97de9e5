import Database
import Foundation

/// Words as both retrievers should see them: lowercase, accents folded (as the
/// encoder's tokenizer does), identifiers split into their words (`nameParts`), a light pt-BR
/// stemmer, and no stopwords.
public enum PortugueseTerms {
    static let stopwords: Set<String> = [
        "a", "o", "as", "os", "e", "de", "da", "do", "das", "dos", "em", "no", "na", "nos", "nas", "um", "uma", "uns", "umas",
        "por", "para", "pra", "com", "sem", "que", "qual", "quais", "quanto", "quantos", "quanta", "quantas", "como", "onde",
        "quem", "se", "ao", "aos", "pelo", "pela", "pelos", "pelas", "sao", "foi", "foram", "ser", "tem", "tinha", "teve",
        "esta", "este", "estes", "estas", "isso", "isto", "ha", "me", "mostre", "liste", "listar", "mostrar", "cada", "ou",
        "the", "of", "and", "is", "entre", "sobre", "seu", "sua", "seus", "suas", "ja", "ainda", "tambem", "chamada",
    ]

    /// The singulars a folded plural may come from: "acessos" → "acesso", "evasoes" → "evasao",
    /// "materiais" → "material", "professores" → "professor". Over-generates; callers match the
    /// forms against real values, so a wrong form finds nothing.
    public static func singulars(of word: String) -> [String] {
        guard word.count > 3, word.hasSuffix("s"), word.allSatisfy(\.isLetter) else { return [] }
        var forms = [String(word.dropLast())]
        if word.hasSuffix("es") { forms.append(String(word.dropLast(2))) }
        for (plural, singular) in [("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ns", "m")] where word.hasSuffix(plural) {
            forms.append(String(word.dropLast(plural.count)) + singular)
        }
        return forms
    }

    /// Suffixes tried longest first; a stem keeps at least three letters.
    static let suffixes = [
        "mente", "coes", "cao", "iram", "aram", "eram", "ando", "endo", "indo", "adas", "idas", "ados", "idos", "oes",
        "ada", "ida", "ado", "ido", "ao", "ou", "iu", "ar", "er", "ir", "as", "es", "os", "is", "a", "e", "o", "s",
    ]

    /// The index terms of a text.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
            // Split before folding, which loses the case: InvoiceLine → invoice, line.
            let parts = nameParts(String(word)).map(fold)
            for part in parts where !stopwords.contains(part) {
                terms.append(stem(part))
            }
            if parts.count > 1 { terms.append(fold(String(word))) }  // the identifier itself: nota_matematica
        }
        return terms
    }

    /// The stems `phrase` is matched by in a question's terms ("largou a escola": `larg escol`,
    /// said by "largaram a escola"), or nil for a phrase a single common word would match: a
    /// phrase of several words with one left after the linking words ("este ano": `ano`) is
    /// matched word for word instead (`says`).
    public static func matchingStems(_ phrase: String) -> String? {
        let stems = terms(phrase)
        guard !stems.isEmpty, stems.count > 1 || words(phrase).count == 1 else { return nil }
        return stems.joined(separator: " ")
    }

    /// Whether `question` says `phrase`: by stems, or word for word where stems would be too
    /// loose. `questionTerms` and `questionWords` are the question's terms and words, each joined
    /// by spaces and padded with one.
    public static func says(_ phrase: String, questionTerms: String, questionWords: String) -> Bool {
        if let stems = matchingStems(phrase) { return questionTerms.contains(" \(stems) ") }
        let plain = words(phrase).joined(separator: " ")
        return !plain.isEmpty && questionWords.contains(" \(plain) ")
    }

    /// Whether `text` says `name` as its words glued together, the way spreadsheet headers write
    /// them ("cores de pelagem" for corpelagem, "data do cadastro" for datacadastro): two or three
    /// words in a row, linking words skipped, each as said or in a singular form.
    public static func saysGlued(_ name: String, in text: String) -> Bool {
        let target = foldedName(name)
        guard target.count >= 6 else { return false }
        let said = words(text).filter { !["de", "da", "do", "das", "dos", "e"].contains($0) }
        for start in said.indices {
            var prefixes = [""]
            for (count, word) in said[start...].prefix(3).enumerated() {
                prefixes = prefixes.flatMap { prefix in ([word] + singulars(of: word)).map { prefix + $0 } }.filter { target.hasPrefix($0) }
                if count > 0, prefixes.contains(target) { return true }
                if prefixes.isEmpty { break }
            }
        }
        return false
    }

    /// The identifiers (words with letters, digits and underscores) in an SQL text, lowercased.
    public static func identifiers(_ sql: String) -> [String] {
        sql.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
    }

    /// The words of a column's name that can only mean it: "nota_matematica" → nota, matematica
    /// ("id", "ano" and linking words are too common to name a column).
    public static func nameWords(_ column: String) -> [String] {
        nameParts(column).map(fold).filter { $0.count >= 4 && !stopwords.contains($0) }
    }

    /// Lowercase with accents removed: "Evasão" → "evasao".
    public static func fold(_ text: String) -> String {
        foldedText(text)
    }

    /// The folded words of a text, split on anything but letters and digits: "Colégio 5B" → colegio, 5b.
    public static func words(_ text: String) -> [String] {
        fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    static func stem(_ word: String) -> String {
        guard word.count > 3, !word.allSatisfy(\.isNumber) else { return word }
        for suffix in suffixes where word.hasSuffix(suffix) && word.count - suffix.count >= 3 {
            return String(word.dropLast(suffix.count))
        }
        return word
    }
}

/// Okapi BM25 over a fixed set of documents, with postings so a query touches only matching documents.
struct LexicalIndex: Sendable {
    private let postings: [String: [(document: Int, frequency: Int)]]
    private let lengths: [Int]
    private let averageLength: Double
    static let k1 = 1.2
    static let b = 0.75

    init(texts: [String]) {
        var postings: [String: [(Int, Int)]] = [:]
        var lengths: [Int] = []
        lengths.reserveCapacity(texts.count)
        for (document, text) in texts.enumerated() {
            let terms = PortugueseTerms.terms(text)
            lengths.append(terms.count)
            for (term, frequency) in terms.reduce(into: [String: Int](), { $0[$1, default: 0] += 1 }) {
                postings[term, default: []].append((document, frequency))
            }
        }
        self.postings = postings
        self.lengths = lengths
        averageLength = Double(lengths.reduce(0, +)) / Double(max(1, lengths.count))
    }

    /// BM25 scores of the documents that share a term with the query.
    func scores(for query: [String]) -> [Int: Double] {
        let count = Double(lengths.count)
        var scores: [Int: Double] = [:]
        // Sorted: floating-point sums must add in the same order in every process.
        for term in Set(query).sorted() {
            guard let list = postings[term] else { continue }
            let idf = log(1 + (count - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            for (document, frequency) in list {
                let tf = Double(frequency)
                let norm = tf * (Self.k1 + 1) / (tf + Self.k1 * (1 - Self.b + Self.b * Double(lengths[document]) / averageLength))
                scores[document, default: 0] += idf * norm
            }
        }
        return scores
    }
}

/// The indices of the `k` largest scores among `candidates`, best first (no full sort of large catalogs).
func topIndices<S: Sequence>(_ candidates: S, k: Int, score: (Int) -> Double) -> [Int] where S.Element == Int {
    var best: [(index: Int, score: Double)] = []
    best.reserveCapacity(k + 1)
    for index in candidates {
        let value = score(index)
        // Ties go to the lower index, so the order never depends on the candidates' order
        // (a dictionary's keys come in a different order in every process).
        func ahead(_ other: (index: Int, score: Double)) -> Bool {
            value > other.score || (value == other.score && index < other.index)
        }
        if best.count == k, let last = best.last, !ahead(last) { continue }
        let position = best.firstIndex(where: ahead) ?? best.count
        best.insert((index, value), at: position)
        if best.count > k { best.removeLast() }
    }
    return best.map(\.index)
}
