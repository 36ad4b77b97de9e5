import Foundation

/// A `LIMIT 10` the question never asked for. A small model copies it from the examples that list
/// "os 10 alunos com…", and then "alunos com mais de 200 acessos" shows 10 of the 23. The question
/// asks for the first few only when it says a number or a superlative ("os que mais faltaram",
/// "a maior", "top", "ranking"); "mais de 200" and "4 ou mais" are comparisons, not superlatives.
public enum UnaskedLimit {
    /// After "mais"/"menos", these make a comparison ("mais de 3", "menos que 75%").
    static let comparisons: Set<String> = ["de", "do", "da", "que", "dos", "das"]
    static let spelled: [String: Int] = [
        "um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7,
        "oito": 8, "nove": 9, "dez": 10, "quinze": 15, "vinte": 20, "cem": 100,
    ]

    /// The query without its final `LIMIT n` when `question` neither says n nor asks for the first
    /// few; nil when the limit stays (or there is none).
    public static func removed(from sql: String, question: String) -> String? {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        // At the very end of a valid query, a LIMIT is the outer query's: a subquery's ends before a ")".
        guard let match = trimmed.firstMatch(of: #/(?i)\s+limit\s+(\d+)$/#), let limit = Int(match.1) else { return nil }
        let words = PortugueseWords.of(question)
        if words.contains(String(limit)) || words.contains(where: { spelled[$0] == limit }) { return nil }
        for (index, word) in words.enumerated() {
            if QuestionWords.superlatives.contains(word) { return nil }
            if word == "mais" || word == "menos" {
                let next = index + 1 < words.count ? words[index + 1] : ""
                // "4 ou mais tarefas" compares too.
                let orNumber = index >= 2 && words[index - 1] == "ou" && Int(words[index - 2]) != nil
                if !comparisons.contains(next), Int(next) == nil, !orNumber { return nil }
            }
        }
        return String(trimmed[..<match.range.lowerBound])
    }
}
