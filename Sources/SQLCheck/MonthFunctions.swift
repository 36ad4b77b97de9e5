import Database
import Foundation

/// `strftime('%Y-%m', mes)` where `mes` holds '2024-03': SQLite reads no date in a month alone
/// and gives NULL, so every row falls in one NULL group, or no row matches. The month is already
/// the text the format asks for, or its first or last digits.
public enum MonthFunctions {
    /// `sql` with `strftime('%Y-%m', m)` as `m`, `strftime('%Y', m)` as `substr(m, 1, 4)` and
    /// `strftime('%m', m)` as `substr(m, 6, 2)` for each month column `m` of a table the query
    /// reads (qualified or bare); nil when there is none.
    public static func fixed(_ sql: String, schema: Schema) -> (sql: String, notes: [String])? {
        let references = SQLRepair.tableReferences(in: sql)
        // Month columns by the names the query can use for them: alias.column, table.column, column.
        var months: Set<String> = []
        for reference in references {
            guard let table = schema.table(named: reference.table) else { continue }
            for column in schema.monthColumns(of: table) {
                months.insert(column.lowercased())
                months.insert("\(reference.table).\(column)".lowercased())
                if let alias = reference.alias { months.insert("\(alias).\(column)".lowercased()) }
            }
        }
        guard !months.isEmpty else { return nil }
        let call = #/(?:strftime|STRFTIME)\s*\(\s*'(%Y-%m|%Y|%m)'\s*,\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\)/#
        var text = sql
        var notes: [String] = []
        for match in sql.matches(of: call).reversed() where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            let column = String(match.2)
            guard months.contains(column.lowercased()) else { continue }
            let replacement: String
            switch match.1 {
            case "%Y-%m": replacement = column
            case "%Y": replacement = "substr(\(column), 1, 4)"
            default: replacement = "substr(\(column), 6, 2)"
            }
            let start = text.index(text.startIndex, offsetBy: sql.distance(from: sql.startIndex, to: match.range.lowerBound))
            let end = text.index(start, offsetBy: sql.distance(from: match.range.lowerBound, to: match.range.upperBound))
            notes.append("\(sql[match.range]) trocado por \(replacement): \(column) já guarda o mês ('2024-03'), onde strftime dá NULL")
            text.replaceSubrange(start..<end, with: replacement)
        }
        return notes.isEmpty ? nil : (text, notes.reversed())
    }
}
