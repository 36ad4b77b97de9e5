import Database
import Foundation

/// The year a question names for what happened ("largaram a escola em 2023") written twice: on
/// the yearly table where it belongs (`matriculas.ano_letivo = 2023`) and on a year that
/// describes the student (`ano_ingresso = 2023`), which the question never mentions. The second
/// keeps only the students who arrived that year; it goes.
public enum MisplacedYear {
    /// `sql` without each `[q.]column = year` (or `<=`, `>=`, `<`, `>`) on a year column of a
    /// table that points at no other (the student, not the enrolment), when `mentioned` says the
    /// question does not speak of that column and another comparison of the query still holds
    /// `year`; and what went. nil when nothing did, or under an OR.
    public static func removed(from sql: String, year: Int, schema: Schema,
                               mentioned: (_ table: String, _ column: String) -> Bool) -> (sql: String, removed: [String])? {
        guard sql.firstMatch(of: MisplacedYear.orWord) == nil else { return nil }
        let references = SQLRepair.tableReferences(in: sql)
        let pattern = RegexCache.shared.valid("(?i)(?:\\b([a-z_][a-z0-9_]*)\\.)?\\b([a-z_][a-z0-9_]*)\\s*(?:=|<=|>=|<|>)\\s*\(year)\\b", simpleWordBoundaries: true)
        var text = sql
        var removed: [String] = []
        for match in sql.matches(of: pattern) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            let qualifier = match.output[1].substring.map(String.init)
            guard let column = match.output[2].substring.map(String.init) else { continue }
            let owners = references.filter { reference in
                if let qualifier { return (reference.alias ?? reference.table).caseInsensitiveCompare(qualifier) == .orderedSame }
                return schema.table(named: reference.table)?.column(named: column) != nil
            }
            guard Set(owners.map { $0.table.lowercased() }).count == 1, let table = schema.table(named: owners[0].table),
                table.kind == .table, table.foreignKeys.isEmpty,
                schema.yearColumns(of: table).contains(where: { $0.caseInsensitiveCompare(column) == .orderedSame }),
                !mentioned(table.name, column)
            else { continue }
            let condition = String(sql[match.range])
            guard let without = StrayConditions.removing(condition, from: text), without.contains(String(year)) else { continue }
            text = without
            removed.append(condition)
        }
        return removed.isEmpty ? nil : (text, removed)
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension MisplacedYear {
    nonisolated(unsafe) private static let orWord = #/(?i)(^|[^a-z0-9_'])or([^a-z0-9_']|$)/#
}
