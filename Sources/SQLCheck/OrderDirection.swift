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

    /// `sql` with the first key of its outer ORDER BY sorted `descending` (or not), and a note;
    /// nil when it already is, or the query has no outer ORDER BY or a UNION.
    public static func fixed(_ sql: String, descending: Bool) -> (sql: String, note: String)? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let characters = Array(text)
        let depth = MissingYearConditions.depths(characters)
        func at(_ word: String) -> [Int] { MissingYearConditions.keyword(word, in: characters, depth: depth) }
        guard at("union").isEmpty, let order = at("order").last else { return nil }
        let byEnd = (at("by").first { $0 > order } ?? order) + 2
        let keysEnd = (at("limit") + at("offset")).filter { $0 > order }.min() ?? characters.count
        // The first key: up to the first comma outside parentheses.
        let firstEnd = (byEnd..<keysEnd).first { characters[$0] == "," && depth[$0] == 0 } ?? keysEnd
        let key = String(characters[byEnd..<firstEnd]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
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
