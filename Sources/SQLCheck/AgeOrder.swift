import Database
import Foundation

extension SQLRepair {
    /// "O aluno mais velho" is the earliest birth date, "a matrícula mais recente" the latest date:
    /// a small model sorts dates the wrong way round about as often as the right one. When the
    /// question says "mais velho/antigo" or "mais novo/jovem/recente" and the outer query is
    /// ordered by one date column, that order is made to agree. Nil when it already does, or
    /// when the question or the order says something else.
    public func ageOrderFixed(_ sql: String, question: String) -> (sql: String, note: String)? {
        let words = PortugueseWords.of(question)
        let older: Set<String> = ["velho", "velha", "velhos", "velhas", "antigo", "antiga", "antigos", "antigas"]
        let younger: Set<String> = ["novo", "nova", "novos", "novas", "jovem", "jovens", "recente", "recentes"]
        var wantsAscending: Bool?
        var said = ""
        for (index, word) in words.enumerated() where index > 0 && words[index - 1] == "mais" {
            if older.contains(word) { wantsAscending = true; said = "mais \(word)" }
            if younger.contains(word) { wantsAscending = false; said = "mais \(word)" }
        }
        guard let wantsAscending,
            let match = sql.firstMatch(of: #/(?i)\border\s+by\s+(?:([a-z_][a-z0-9_]*)\.)?([a-z_][a-z0-9_]*)(\s+(?:asc|desc))?(\s+limit\s+\d+)?\s*;?\s*$/#)
        else { return nil }
        let qualifier = match.output.1.map(String.init), column = String(match.output.2)
        let references = Self.tableReferences(in: sql)
        let tables = references.filter { reference in
            qualifier.map { (reference.alias ?? reference.table).caseInsensitiveCompare($0) == .orderedSame } ?? true
        }.compactMap { catalog.schema.table(named: $0.table) }
        guard tables.contains(where: { table in catalog.schema.dateColumns(of: table).contains { $0.caseInsensitiveCompare(column) == .orderedSame } })
        else { return nil }
        let isAscending = match.output.3.map { $0.trimmingCharacters(in: .whitespaces).lowercased() != "desc" } ?? true
        guard isAscending != wantsAscending else { return nil }
        let target = (qualifier.map { "\($0)." } ?? "") + column
        let fixed = sql[..<match.range.lowerBound] + "ORDER BY \(target) \(wantsAscending ? "ASC" : "DESC")" + (match.output.4.map(String.init) ?? "")
        return (String(fixed), "ordem de \(target) invertida: \"\(said)\" é a data \(wantsAscending ? "mais antiga" : "mais recente")")
    }
}

/// Folded words of a text, for the few checks that read the question.
enum PortugueseWords {
    static func of(_ text: String) -> [String] {
        SQLValidator.fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
