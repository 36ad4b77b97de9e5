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
        for match in sql.matches(of: subquery) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
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

    /// A subquery of one column from one table, compiled once (not Sendable; matching never mutates it).
    nonisolated(unsafe) private static let subquery: Regex<AnyRegexOutput> = {
        let keywords = "where|group|order|limit|union|join|inner|left|cross|natural|on|using|having|window"
        return try! Regex(
            "(?i)\\(\\s*(select\\s+(?:distinct\\s+)?(?:([a-z_][a-z0-9_]*)\\.)?([a-z_][a-z0-9_]*)\\s+from\\s+([a-z_][a-z0-9_]*))"
                + "(?:\\s+(?:as\\s+)?(?!(?:\(keywords))\\b)([a-z_][a-z0-9_]*))?\\s*(?=\\)|(?:where|group|order|limit)\\b)")
    }()

    /// The columns of `table` that point at a table the query reads which has `column` (bare):
    /// `aluno_id` of cubo_engajamento for `alunos.ra`, with the key it points at, both as SQL
    /// writes them. What points where is `SQLRepair`'s reading (a declared foreign key, or a
    /// name like `aluno_id`), so a view that declares none gets them too.
    static func keys(of table: Schema.Table, for column: String, in sql: String, repairer: SQLRepair) -> [(key: String, target: String)] {
        let schema = repairer.catalog.schema
        let bare = String(column.split(separator: ".").last ?? "")
        var owners: [Schema.Table] = []
        for reference in SQLRepair.tableReferences(in: sql) {
            guard reference.table.caseInsensitiveCompare(table.name) != .orderedSame, let owner = schema.table(named: reference.table),
                owner.column(named: bare) != nil, owner.primaryKey.count == 1, !owners.contains(where: { $0.name == owner.name })
            else { continue }
            owners.append(owner)
        }
        return owners.compactMap { owner in
            let target = SQLRepair.EntityKey(table: owner.name.lowercased(), column: owner.primaryKey[0].lowercased())
            return repairer.column(of: table, pointingAt: target).map { (sqlName($0), qualifiedName(owner.name, owner.primaryKey[0])) }
        }
    }
}
