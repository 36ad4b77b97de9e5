import Database
import Foundation

/// `a.ra NOT IN (SELECT ra FROM cubo_engajamento WHERE …)`: cubo_engajamento has no `ra`, and
/// SQLite, rather than refusing, reads `ra` from the outer query. The subquery then gives back each
/// outer row's own value, so IN holds for every row and NOT IN for none, and the query runs.
enum OuterColumns {
    struct Finding {
        /// The subquery's start as written, up to its table: `SELECT ra FROM cubo_engajamento`.
        let subquery: String
        let column: String
        let table: Schema.Table
    }

    /// The first subquery that selects one column, from one table, that this table does not have
    /// (bare, or qualified by a name that is not this table's); nil when there is none.
    static func first(in sql: String, schema: Schema) -> Finding? {
        let keywords = "where|group|order|limit|union|join|inner|left|cross|natural|on|using|having|window"
        let pattern = try! Regex(
            "(?i)\\(\\s*(select\\s+(?:distinct\\s+)?(?:([a-z_][a-z0-9_]*)\\.)?([a-z_][a-z0-9_]*)\\s+from\\s+([a-z_][a-z0-9_]*))"
                + "(?:\\s+(?:as\\s+)?(?!(?:\(keywords))\\b)([a-z_][a-z0-9_]*))?\\s*(?=\\)|(?:where|group|order|limit)\\b)")
        for match in sql.matches(of: pattern) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            guard let written = match[1].substring, let name = match[3].substring, let tableName = match[4].substring,
                let table = schema.table(named: String(tableName))
            else { continue }
            let own = [String(tableName), match[5].substring.map(String.init)].compactMap { $0?.lowercased() }
            if let qualifier = match[2].substring, !own.contains(qualifier.lowercased()) {
                return Finding(subquery: String(written), column: "\(qualifier).\(name)", table: table)
            }
            if table.column(named: String(name)) == nil {
                return Finding(subquery: String(written), column: String(name), table: table)
            }
        }
        return nil
    }

    /// The columns of `table` that point at a table the query reads which has `column` (bare):
    /// `aluno_id` of cubo_engajamento for `alunos.ra`. Keys are read from every table's foreign
    /// keys, so a view with the same column name gets them too.
    static func keys(of table: Schema.Table, for column: String, in sql: String, schema: Schema) -> [(key: String, target: String)] {
        let bare = String(column.split(separator: ".").last ?? "")
        let owners = SQLRepair.tableReferences(in: sql).map(\.table).filter { name in
            name.caseInsensitiveCompare(table.name) != .orderedSame && schema.table(named: name)?.column(named: bare) != nil
        }
        var found: [(key: String, target: String)] = []
        for owner in owners {
            for (_, key) in schema.foreignKeys where key.referencedTable.caseInsensitiveCompare(owner) == .orderedSame && key.columns.count == 1 {
                let target = "\(owner).\(key.referencedColumns.first ?? "id")"
                if table.column(named: key.columns[0]) != nil, !found.contains(where: { $0.key == key.columns[0] && $0.target == target }) {
                    found.append((key.columns[0], target))
                }
            }
        }
        return found
    }
}
