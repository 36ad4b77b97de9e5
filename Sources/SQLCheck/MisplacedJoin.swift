import Database
import Foundation

extension SQLRepair {
    /// `FROM matriculas JOIN turmas ON turmas.escola_id = escolas.id`: the model wrote the join to
    /// escolas as the ON of turmas, so escolas is never read (and turmas never meets matriculas).
    /// turmas gets its own key to a table read before it (`turmas.id = matriculas.turma_id`) and
    /// escolas joins with the condition written. `name` is the column of the missing table
    /// SQLite stopped at (`escolas.id`).
    func misplacedJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        let references = Self.tableReferences(in: sql)
        guard parts.count == 2, let missing = catalog.schema.table(named: parts[0]),
            !references.contains(where: { ($0.alias ?? $0.table).caseInsensitiveCompare(parts[0]) == .orderedSame })
        else { return nil }
        for join in Self.equalityJoins(in: sql) {
            guard let joined = catalog.schema.table(named: join.table) else { continue }
            // The ON compares the joined table with the missing one, and nothing else…
            let qualifier = join.qualifier.lowercased()
            guard Set([join.left.qualifier.lowercased(), join.right.qualifier.lowercased()]) == Set([qualifier, parts[0].lowercased()]) else { continue }
            // …by keys of one thing: escolas.id and the escola_id that points at it.
            let (joinedColumn, missingColumn) = join.left.qualifier.lowercased() == qualifier
                ? (join.left.column, join.right.column) : (join.right.column, join.left.column)
            guard let key = entityKey(joined, joinedColumn), key == entityKey(missing, missingColumn) else { continue }
            // A direct foreign key between the joined table and one read before it.
            let earlier = references.filter { $0.end < join.range.lowerBound }
            guard let link = earlier.lazy.compactMap({ reference in
                self.directLink(between: joined, join.qualifier, and: reference)
            }).first else { continue }
            let replacement = "\(join.head) ON \(link) JOIN \(sqlName(missing.name)) ON \(join.condition)"
            var fixed = sql
            fixed.replaceSubrange(join.range, with: replacement)
            return (fixed, "\(missing.name) não estava na consulta: \(join.table) liga-se por \(link), e \(missing.name) entra com \(join.condition)")
        }
        return nil
    }

    /// The equality of a single-column foreign key between `table` (as `qualifier`) and the table
    /// `reference` reads, either way round; nil when there is none or more than one.
    func directLink(between table: Schema.Table, _ qualifier: String, and reference: TableReference) -> String? {
        guard let other = catalog.schema.table(named: reference.table), other.name != table.name else { return nil }
        let otherQualifier = reference.sqlQualifier
        var links: [String] = []
        for key in table.foreignKeys where key.columns.count == 1 && key.referencedTable.caseInsensitiveCompare(other.name) == .orderedSame {
            links.append("\(qualifier).\(sqlName(key.columns[0])) = \(otherQualifier).\(sqlName(key.referencedColumns.first ?? "id"))")
        }
        for key in other.foreignKeys where key.columns.count == 1 && key.referencedTable.caseInsensitiveCompare(table.name) == .orderedSame {
            links.append("\(qualifier).\(sqlName(key.referencedColumns.first ?? "id")) = \(otherQualifier).\(sqlName(key.columns[0]))")
        }
        return links.count == 1 ? links[0] : nil
    }

    /// `escola_id` in a query of matriculas alone: no table of the query has it, and one table the
    /// FROM table points to (directly or through one more) does. That table is joined by its
    /// keys and the name is read from it (`turmas.escola_id`).
    func bareColumnJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        guard !name.contains("."), let from = Self.tableReferences(in: sql).first(where: \.isFrom) else { return nil }
        let reachable = catalog.schema.tables.filter { owner in
            owner.column(named: name) != nil && parentPath(from: from.table, to: owner.name) != nil
        }
        guard reachable.count == 1, let owner = reachable.first,
            let joined = aliasOrJoin("\(owner.name).\(name)", in: sql)
        else { return nil }
        let fixed = Self.replaceName(name, with: qualifiedName(owner.name, name), in: joined.sql)
        return fixed == joined.sql ? nil : (fixed, joined.note + "; \(name) lido de \(owner.name)")
    }
}
