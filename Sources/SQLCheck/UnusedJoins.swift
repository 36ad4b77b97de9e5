import Database
import Foundation

/// `… FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id WHERE a.nota_ingles IS
/// NULL`: entregas is read by nothing but its own join, and as the many side of it (a student
/// has many deliveries), so every student counts once per delivery. The join goes.
public enum UnusedJoins {
    /// The outer query without each inner join whose table nothing outside its own ON reads
    /// (by alias, name, or a bare column only it has) and which joins by a column that is not
    /// its key; and a note. nil when there is none, or the query has DISTINCT (then the join
    /// may be meant as "has at least one") or a UNION.
    public static func removed(from sql: String, schema: Schema) -> (sql: String, note: String)? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let characters = Array(text)
        let depth = MissingYearConditions.depths(characters)
        func at(_ word: String) -> [Int] { MissingYearConditions.keyword(word, in: characters, depth: depth) }
        guard text.firstMatch(of: #/(?i)\bdistinct\b/#) == nil, at("union").isEmpty, at("intersect").isEmpty, at("except").isEmpty else { return nil }
        let boundaries = ["join", "left", "inner", "cross", "natural", "where", "group", "order", "limit", "having", "window"].flatMap(at)
        let references = SQLRepair.tableReferences(in: text)
        for start in at("join") {
            // `INNER JOIN` goes whole; a LEFT, CROSS or NATURAL join is left alone.
            let before = String(characters[..<start]).trimmingCharacters(in: .whitespaces).lowercased()
            if before.hasSuffix("left") || before.hasSuffix("outer") || before.hasSuffix("cross") || before.hasSuffix("natural") { continue }
            let clauseStart = before.hasSuffix("inner") ? (at("inner").last { $0 < start } ?? start) : start
            let clauseEnd = boundaries.filter { $0 > start }.min() ?? characters.count
            let clause = String(characters[start..<clauseEnd])
            let pattern = #/(?i)join\s+([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?\s+on\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*=\s*([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*/#
            guard let match = clause.wholeMatch(of: pattern), let table = schema.table(named: String(match.1)) else { continue }
            let name = String(match.2 ?? match.1)
            // Its side of the join: a column that is not its whole key, so it is the many side.
            let mine: String
            if String(match.3).caseInsensitiveCompare(name) == .orderedSame {
                mine = String(match.4)
            } else if String(match.5).caseInsensitiveCompare(name) == .orderedSame {
                mine = String(match.6)
            } else {
                continue
            }
            guard table.primaryKey.map({ $0.lowercased() }) != [mine.lowercased()] else { continue }
            let rest = String(characters[..<clauseStart]) + " " + String(characters[clauseEnd...])
            let qualified = try! Regex("(?i)(^|[^A-Za-z0-9_.])\(NSRegularExpression.escapedPattern(for: name))\\s*\\.")
            guard rest.firstMatch(of: qualified) == nil else { continue }
            // A bare column only this table of the query has is read through it.
            let others = references.filter { ($0.alias ?? $0.table).caseInsensitiveCompare(name) != .orderedSame }.compactMap { schema.table(named: $0.table) }
            let bare = Set(bareNames(in: rest))
            guard !table.columns.contains(where: { column in
                bare.contains(column.name.lowercased()) && !others.contains { $0.column(named: column.name) != nil }
            }) else { continue }
            let kept = (String(characters[..<clauseStart]).trimmingCharacters(in: .whitespaces) + " " + String(characters[clauseEnd...]))
                .trimmingCharacters(in: .whitespaces)
            return (kept, "junção com \(table.name) tirada: a consulta não lê nada dela, e cada linha se repetia uma vez por linha de \(table.name)")
        }
        return nil
    }

    /// The names of an SQL text with no qualifier before them, lowercased.
    static func bareNames(in sql: String) -> [String] {
        sql.matches(of: #/(?:^|[^A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)/#).map { $0.1.lowercased() }
    }
}
