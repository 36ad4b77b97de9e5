import Database
import Foundation

/// "Total de acessos por escola em outubro": the question names `interacoes.tipo = 'acesso'`,
/// the query reads interacoes and never mentions `tipo`, so every kind of interaction is
/// counted. SQLite runs it; the number is of something else. The named value's condition is
/// added to the outer WHERE.
public enum NamedValueConditions {
    /// `sql` with `alias.column = 'value'` added for each named value (`table`, `column`,
    /// `value`) whose table the outer query reads once and whose column it never mentions; nil
    /// when nothing is added. A column named with two or more values is a grouping, not a filter,
    /// and is left alone; so are UNIONs and LEFT JOINs, whose meaning a WHERE condition changes.
    public static func added(to sql: String, values: [(table: String, column: String, value: String)]) -> (sql: String, added: [String])? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let characters = Array(text)
        let depth = MissingYearConditions.depths(characters)
        guard MissingYearConditions.keyword("union", in: characters, depth: depth).isEmpty,
            text.lowercased().firstMatch(of: MissingYearConditions.leftJoin) == nil
        else { return nil }
        let references = SQLRepair.tableReferences(in: text)
        var conditions: [String] = []
        for named in values {
            let sameColumn = values.filter { $0.table.caseInsensitiveCompare(named.table) == .orderedSame && $0.column.caseInsensitiveCompare(named.column) == .orderedSame }
            let mine = references.filter { $0.table.caseInsensitiveCompare(named.table) == .orderedSame }
            guard sameColumn.count == 1, mine.count == 1, let reference = mine.first, reference.depth == 0 else { continue }
            guard !MissingYearConditions.mentions(text, column: named.column, qualifier: reference.alias ?? reference.table) else { continue }
            conditions.append("\(reference.sqlQualifier).\(sqlName(named.column)) = '\(named.value.replacingOccurrences(of: "'", with: "''"))'")
        }
        guard !conditions.isEmpty else { return nil }
        return (MissingYearConditions.whereExtended(text, with: conditions.joined(separator: " AND ")), conditions)
    }
}
