import Database
import Foundation

/// `SELECT avg(v.inde) … GROUP BY t.turno`: a number per shift, and nothing saying which shift
/// each row is. The grouped column joins the result, first, so each row says its group.
public enum HiddenGroups {
    /// The outer query with each plain column it groups by and does not show put first in its
    /// SELECT list, and a note; nil when every group shows, or the query has no aggregate, a
    /// LIMIT (a "which one" answer, where the gold is often the number alone), DISTINCT, a
    /// window or a set operation. A primary key grouped (`ar.ArtistId`, declared so in `schema`)
    /// is shown by any other column of its row (`ar.Name`), and a foreign key (`en.aluno_id`) by
    /// any column of the table it points at.
    public static func shown(_ sql: String, schema: Schema) -> (sql: String, note: String)? {
        let query = ParsedQuery(sql)
        guard query.setOperators.isEmpty, let select = query.selects.first, !select.distinct, select.limit == nil,
            !select.groupBy.isEmpty, let first = select.items.first,
            !query.outer(select.range).contains(where: { query.tokens[$0].isKeyword("over") || query.tokens[$0].isKeyword("window") }),
            select.items.contains(where: { BareColumns.callsAggregate($0.expression.map { query.tokens[$0] }) })
        else { return nil }
        let shown = select.items.flatMap { query.columnReferences(in: $0.expression) }
        let aliases = Set(select.items.compactMap { $0.alias?.lowercased() })
        var missing: [String] = []
        for group in select.groupBy {
            // Plain columns only: an expression grouped is the model's own choice of label.
            let references = query.columnReferences(in: group)
            guard references.count == 1, let column = references.first, column.index == group.upperBound - 1,
                group.allSatisfy({ [.word, .quotedName].contains(query.tokens[$0].kind) })
            else { return nil }
            let name = column.column.lowercased()
            if aliases.contains(name) || shown.contains(where: { $0.column.lowercased() == name }) { continue }
            if let owner = owner(of: column, in: select, schema: schema) {
                // A row's own key (`ar.ArtistId`) is shown by another column of that row (`ar.Name`).
                let ownKey = owner.table.primaryKey.count == 1 && owner.table.primaryKey[0].caseInsensitiveCompare(column.column) == .orderedSame
                if ownKey, shown.contains(where: { reads($0, owner.reference, owner.table, among: select, schema: schema) }) { continue }
                // A pointer to another table's row (`en.aluno_id`) is shown by a column of that table (`al.nome`).
                let pointed = owner.table.foreignKeys.first { $0.columns.count == 1 && $0.columns[0].caseInsensitiveCompare(column.column) == .orderedSame }
                if let pointed, shown.contains(where: { reference in
                    Self.owner(of: reference, in: select, schema: schema)?.table.name.caseInsensitiveCompare(pointed.referencedTable) == .orderedSame
                }) {
                    continue
                }
            }
            missing.append(query.source(group))
        }
        guard !missing.isEmpty else { return nil }
        let listed = missing.joined(separator: ", ")
        return (query.replacing([(first.range.lowerBound..<first.range.lowerBound, listed + ", ")]),
                "\(listed) acrescentado ao resultado: a consulta agrupa por \(listed), e sem isso não se sabe de que grupo é cada linha")
    }

    /// The table of the query a column reference reads: by its qualifier, or the one table of
    /// the query that has it.
    static func owner(of column: ParsedQuery.ColumnReference, in select: ParsedQuery.Select, schema: Schema) -> (reference: String, table: Schema.Table)? {
        let tables = select.from.compactMap { item in
            item.table.flatMap { schema.table(named: $0) }.flatMap { table in item.reference.map { ($0, table) } }
        }
        if let qualifier = column.qualifier {
            return tables.first { $0.0.caseInsensitiveCompare(qualifier) == .orderedSame }
        }
        let holders = tables.filter { $0.1.column(named: column.column) != nil }
        return holders.count == 1 ? holders[0] : nil
    }

    /// Whether `shown` reads a column of `table`, the one the query calls `reference`.
    static func reads(_ shown: ParsedQuery.ColumnReference, _ reference: String, _ table: Schema.Table, among select: ParsedQuery.Select, schema: Schema) -> Bool {
        guard let owner = owner(of: shown, in: select, schema: schema) else { return false }
        return owner.reference.caseInsensitiveCompare(reference) == .orderedSame && owner.table.name == table.name
    }
}
