import Foundation

/// "Da que mais perdeu pra que menos perdeu" sorted ASC: the list the question asks for, upside
/// down. When the question says the direction in so many words, the outer ORDER BY's first key
/// follows it.
public enum OrderDirection {
    /// The direction the question spells out: descending for "da maior para a menor", "do
    /// melhor pro pior", "decrescente"; ascending for the reverse and "crescente"; nil when it
    /// says neither.
    public static func asked(in question: String) -> Bool? {
        let folded = question.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        let high = "(?:mais|maior|maiores|melhor|melhores)", low = "(?:menos|menor|menores|pior|piores)"
        // "da que mais perdeu pra que menos": from one end to the other, a few words apart.
        func span(_ from: String, _ to: String) -> Regex<AnyRegexOutput> {
            try! Regex("\\b(?:do|da|dos|das|de)\\b.{0,12}\\b\(from)\\b.{0,25}\\b(?:pra|para|ate|ao|a|pro)\\b.{0,12}\\b\(to)\\b")
        }
        if folded.contains(try! Regex("\\bdecrescente\\b")) || folded.contains(span(high, low)) { return true }
        if folded.contains(try! Regex("\\bcrescente\\b")) || folded.contains(span(low, high)) { return false }
        return nil
    }

    /// "Os 3 meses com mais acessos", "a turma com maior taxa de evasão": what is ranked
    /// ("acessos", "taxa") and whether from the top (mais, maior, melhor). Nil when no such word
    /// is followed by a thing, when both ends are said ("maior e menor nota"), or for a
    /// comparison with a number ("mais de 10", whose next word is too short to be a thing;
    /// "4 ou mais tarefas").
    public static func ranking(in question: String) -> (descending: Bool, word: String)? {
        let folded = question.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        let high: Set<Substring> = ["mais", "maior", "maiores", "melhor", "melhores"]
        let ends = folded.matches(of: #/\b(mais|maior|maiores|melhor|melhores|menos|menor|menores|pior|piores)\b/#)
        // "4 ou mais tarefas" is a threshold, not a ranking.
        let ranked = folded.matches(of: #/(\bou\s+)?\b(mais|maior|maiores|melhor|melhores|menos|menor|menores|pior|piores)\s+([a-z]{4,})/#)
        guard let first = ranked.first(where: { $0.1 == nil }), ends.allSatisfy({ high.contains($0.1) == high.contains(first.2) }) else { return nil }
        return (high.contains(first.2), String(first.3))
    }

    /// `sql` sorted from the end of the ranking the question asks for, when the first key of its
    /// outer ORDER BY (or the SELECT expression it names) is the thing ranked: "com mais acessos"
    /// and `ORDER BY total_acessos ASC`. A key about something else (the birth date for "mais
    /// velho", the presence rate for "menos faltas") is left as written.
    public static func rankingFixed(_ sql: String, question: String) -> (sql: String, note: String)? {
        guard let (descending, word) = ranking(in: question), let key = firstKey(sql) else { return nil }
        var bare = key.text.lowercased()
        for suffix in [" desc", " asc"] where bare.hasSuffix(suffix) { bare = String(bare.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces) }
        let items = QueryShape.outerSelectList(SQLFormatter.tokenize(sql))?.items ?? []
        let named = items.first { $0.count > 1 && $0.last?.text.lowercased() == bare }.map { $0.map(\.text).joined(separator: " ") } ?? ""
        let said = (bare + " " + named).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        guard said.contains(String(word.prefix(5))) else { return nil }
        return fixed(sql, descending: descending)
    }

    /// The first key of the outer ORDER BY, as written (with ASC or DESC), and where it sits in
    /// `text`, the query without its trailing semicolon; nil with no outer ORDER BY, or a UNION.
    static func firstKey(_ sql: String) -> (text: String, characters: [Character], range: Range<Int>)? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let characters = Array(text)
        let depth = MissingYearConditions.depths(characters)
        func at(_ word: String) -> [Int] { MissingYearConditions.keyword(word, in: characters, depth: depth) }
        guard at("union").isEmpty, let order = at("order").last else { return nil }
        let byEnd = (at("by").first { $0 > order } ?? order) + 2
        let keysEnd = (at("limit") + at("offset")).filter { $0 > order }.min() ?? characters.count
        // Up to the first comma outside parentheses.
        let firstEnd = (byEnd..<keysEnd).first { characters[$0] == "," && depth[$0] == 0 } ?? keysEnd
        let key = String(characters[byEnd..<firstEnd]).trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : (key, characters, byEnd..<firstEnd)
    }

    /// `sql` with the first key of its outer ORDER BY sorted `descending` (or not), and a note;
    /// nil when it already is, or the query has no outer ORDER BY or a UNION.
    public static func fixed(_ sql: String, descending: Bool) -> (sql: String, note: String)? {
        guard let (key, characters, range) = firstKey(sql) else { return nil }
        let (byEnd, firstEnd) = (range.lowerBound, range.upperBound)
        let lowered = key.lowercased()
        let isDescending = lowered.hasSuffix(" desc")
        guard isDescending != descending else { return nil }
        var bare = key
        if lowered.hasSuffix(" desc") || lowered.hasSuffix(" asc") {
            bare = String(key[..<key.lastIndex(of: " ")!]).trimmingCharacters(in: .whitespaces)
        }
        let written = bare + (descending ? " DESC" : " ASC")
        let tail = String(characters[firstEnd...])
        let fixed = String(characters[..<byEnd]) + " " + written + (tail.isEmpty || tail.hasPrefix(",") ? "" : " ") + tail
        let direction = descending ? "do maior para o menor" : "do menor para o maior"
        return (fixed, "ordem trocada para \(written): a pergunta pede \(direction)")
    }
}
