import Foundation

/// Rewrites a question as typed in a hurry — "qts alnos largaram em 2023" — into words the
/// catalog uses ("quantos alunos largaram em 2023") before it is searched. Only what retrieval
/// reads is rewritten: the model still gets the question as the person wrote it.
public struct QuestionNormalizer: Sendable {
    /// Chat abbreviations managers type, folded (no accents, lowercase).
    static let abbreviations: [String: String] = [
        "q": "que", "qts": "quantos", "qtas": "quantas", "qtos": "quantos", "qnts": "quantos", "qntos": "quantos", "qnt": "quantos",
        "qto": "quanto", "qtd": "quantidade", "qtde": "quantidade", "qtds": "quantidade", "tb": "tambem", "tbm": "tambem",
        "pq": "por que", "vc": "voce", "hj": "hoje", "td": "todos", "tds": "todos", "msm": "mesmo", "mto": "muito", "mt": "muito",
        "mat": "matematica", "port": "portugues", "ing": "ingles", "prof": "professor", "profs": "professores", "info": "informacao",
        "p": "para", "c": "com", "s": "sem", "n": "nao", "nº": "numero", "num": "numero", "med": "media",
    ]

    /// Words of the catalog (descriptions, synonyms, glossary, examples), with how often each appears.
    let vocabulary: [String: Int]
    /// Vocabulary by length, for the typo search.
    let byLength: [Int: [String]]

    public init(texts: [String]) {
        var counts: [String: Int] = [:]
        for text in texts {
            for word in PortugueseTerms.words(text) where word.count >= 3 { counts[word, default: 0] += 1 }
        }
        vocabulary = counts
        byLength = Dictionary(grouping: counts.keys.sorted(), by: \.count)
    }

    /// The question with abbreviations spelled out and typos of catalog words fixed, folded.
    public func normalize(_ question: String) -> String {
        question.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { typed in
            replacement(for: String(typed), singleLetters: true) ?? PortugueseTerms.words(String(typed)).first ?? ""
        }.joined(separator: " ")
    }

    /// The question as typed, with only its abbreviations spelled out and its typos of catalog
    /// words fixed: what the model reads ("qtos alunos" is "quantos alunos" to it too), keeping
    /// the person's accents, capitals and punctuation everywhere else.
    public func spellOut(_ question: String) -> String {
        var result = ""
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            // "p", "s"… alone are too ambiguous to spell out in what the model reads.
            result += replacement(for: word, singleLetters: false) ?? word
            word = ""
        }
        for character in question {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    /// What one typed word becomes (folded), or nil to keep it: its abbreviation spelled out, or
    /// its typo fixed. A capitalised word is a name ("Kevin", "Lobato"): never "corrected".
    func replacement(for typed: String, singleLetters: Bool) -> String? {
        let folded = PortugueseTerms.words(typed).first ?? typed.lowercased()
        if let expanded = Self.abbreviations[folded], singleLetters || folded.count > 1 || folded == "q" { return expanded }
        return typed.first?.isUppercase == true ? nil : correction(for: folded)
    }

    /// The catalog word one edit away from an unknown `word`, the most frequent if several;
    /// nil for known words, linking words, numbers and short words. One edit only: two would turn verb
    /// forms the catalog lacks ("concluiram") into other words ("concluida").
    func correction(for word: String) -> String? {
        // A linking word is a word: "foram" is no typo of a catalog's "forma".
        guard word.count >= 5, vocabulary[word] == nil, word.allSatisfy(\.isLetter), !PortugueseTerms.stopwords.contains(word) else { return nil }
        let limit = 1
        let stem = PortugueseTerms.stem(word)
        var best: (word: String, count: Int)?
        for length in (word.count - limit)...(word.count + limit) {
            // Another form of the same word ("escolares", "entregues", "passados" for "passadas")
            // is not a typo: same start, or same stem.
            for candidate in byLength[length] ?? [] where !word.hasPrefix(candidate) && !candidate.hasPrefix(word)
                && PortugueseTerms.stem(candidate) != stem && Self.distance(word, candidate, limit: limit) <= limit {
                let count = vocabulary[candidate] ?? 0
                if best == nil || count > best!.count { best = (candidate, count) }
            }
        }
        return best?.word
    }

    /// Edit distance with adjacent swaps ("quantso" is one edit from "quantos"); stops early past `limit`.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return limit + 1 }
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + [Int](repeating: 0, count: y.count)
            var rowMinimum = current[0]
            for j in 1...max(1, y.count) where !y.isEmpty {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { current[j] = min(current[j], before[j - 2] + 1) }
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            (before, previous) = (previous, current)
        }
        return previous[y.count]
    }
}
