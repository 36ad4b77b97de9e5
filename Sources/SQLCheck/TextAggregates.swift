import Database
import Foundation

/// `avg(turmas.turno)`: SQLite takes 'manhã' as 0, so the average of a text column runs, and
/// answers 0 for every group. The model meant a number of another column, or a count per value.
enum TextAggregates {
    /// The first `avg`, `sum` or `total` of a bare column (`t.turno` or `turno`) of a table the
    /// query reads whose sampled values are all words: the call, the column as written, and a
    /// few of its values. Columns with no samples (a view's) are left alone.
    static func first(in sql: String, schema: Schema) -> (call: String, column: String, values: [String])? {
        let references = SQLRepair.tableReferences(in: sql)
        let pattern = TextAggregates.textAggregate
        for match in sql.matches(of: pattern) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            let name = String(match.3)
            let tables = references.filter { reference in
                guard let qualifier = match.2 else { return true }
                return (reference.alias ?? reference.table).caseInsensitiveCompare(qualifier) == .orderedSame
            }.compactMap { schema.table(named: $0.table)?.column(named: name) }
            guard tables.count == 1, let column = tables.first, column.affinity == .text, !column.sampleValues.isEmpty,
                column.sampleValues.allSatisfy({ Double($0.trimmingCharacters(in: .whitespaces)) == nil })
            else { continue }
            let written = match.2.map { "\($0).\(name)" } ?? name
            return (String(sql[match.range]), written, Array(Set(column.sampleValues).sorted().prefix(4)))
        }
        return nil
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension TextAggregates {
    nonisolated(unsafe) private static let textAggregate = #/(?i)\b(avg|sum|total)\s*\(\s*(?:distinct\s+)?(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\)/#
}
