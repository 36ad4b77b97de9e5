import Database
import Foundation

extension SQLRepair {
    /// Joins that compare two different things' keys, which SQLite runs without a word and which
    /// answer about the wrong rows: `matriculas.id = avaliacoes_anuais.aluno_id` (an enrolment's
    /// number with a student's), `alunos.ra = entregas.aluno_id` (a registration code with an id).
    /// The side that has a key of the right thing is made to use it: `matriculas.aluno_id`,
    /// `alunos.id`. Only when exactly one such fix exists; the query and the notes, or nil.
    public func joinKeysFixed(_ sql: String) -> (sql: String, notes: [String])? {
        let pattern = SQLRepair.columnEquality
        let references = Self.tableReferences(in: sql)
        func table(_ qualifier: Substring) -> Schema.Table? {
            let matching = references.filter {
                ($0.alias ?? $0.table).caseInsensitiveCompare(qualifier) == .orderedSame
            }
            guard matching.count == 1 else { return nil }
            return catalog.schema.table(named: matching[0].table)
        }
        var fixed = sql
        var notes: [String] = []
        for match in sql.matches(of: pattern).reversed() where !Self.insideQuotes(sql, at: match.range.lowerBound) {
            let (_, leftQualifier, leftColumn, rightQualifier, rightColumn) = match.output
            guard let left = table(leftQualifier), let right = table(rightQualifier),
                left.column(named: String(leftColumn)) != nil, right.column(named: String(rightColumn)) != nil
            else { continue }
            let leftKey = entityKey(left, String(leftColumn)), rightKey = entityKey(right, String(rightColumn))
            guard leftKey == nil || rightKey == nil || leftKey! != rightKey! else { continue }
            // Each side rewritten to point where the other points, when it can be in one way only.
            let leftFix = fix(left, String(leftColumn), isKey: leftKey != nil, toward: rightKey)
            let rightFix = fix(right, String(rightColumn), isKey: rightKey != nil, toward: leftKey)
            let replacement: String
            let note: String
            switch (leftFix, rightFix) {
            case (let column?, nil):
                replacement = "\(leftQualifier).\(sqlName(column)) = \(rightQualifier).\(rightColumn)"
                note = "junção \(leftQualifier).\(leftColumn) = \(rightQualifier).\(rightColumn) trocada por \(leftQualifier).\(sqlName(column)): \(qualifiedName(right.name, String(rightColumn))) aponta para \(rightKey!.table)"
            case (nil, let column?):
                replacement = "\(leftQualifier).\(leftColumn) = \(rightQualifier).\(sqlName(column))"
                note = "junção \(leftQualifier).\(leftColumn) = \(rightQualifier).\(rightColumn) trocada por \(rightQualifier).\(sqlName(column)): \(qualifiedName(left.name, String(leftColumn))) aponta para \(leftKey!.table)"
            default:
                continue
            }
            fixed.replaceSubrange(match.range, with: replacement)
            notes.insert(note, at: 0)
        }
        return notes.isEmpty ? nil : (fixed, notes)
    }

    /// `a.ra NOT IN (SELECT aluno_id FROM cubo_engajamento …)`: a registration code looked for among
    /// student ids, which runs and matches nothing. The outer side takes the key the subquery's
    /// column points at (`a.id`), when it has one such column; the query and the note, or nil.
    public func inKeysFixed(_ sql: String) -> (sql: String, notes: [String])? {
        let pattern = SQLRepair.inSubquery
        let references = Self.tableReferences(in: sql)
        var fixed = sql
        var notes: [String] = []
        for match in sql.matches(of: pattern).reversed() where !Self.insideQuotes(sql, at: match.range.lowerBound) {
            let (_, qualifier, column, rest, innerColumn, innerTable) = match.output
            let outer = references.filter { ($0.alias ?? $0.table).caseInsensitiveCompare(qualifier) == .orderedSame }
            guard outer.count == 1, let left = catalog.schema.table(named: outer[0].table), let right = catalog.schema.table(named: String(innerTable)),
                left.column(named: String(column)) != nil, right.column(named: String(innerColumn)) != nil,
                let rightKey = entityKey(right, String(innerColumn)), entityKey(left, String(column)) == nil,
                let key = fix(left, String(column), isKey: false, toward: rightKey)
            else { continue }
            fixed.replaceSubrange(match.range, with: "\(qualifier).\(sqlName(key))\(rest)")
            notes.insert("\(qualifier).\(column) comparado com \(qualifiedName(right.name, String(innerColumn))), que aponta para \(rightKey.table): trocado por \(qualifier).\(sqlName(key))", at: 0)
        }
        return notes.isEmpty ? nil : (fixed, notes)
    }

    /// `FROM turmas t JOIN avaliacoes_anuais v ON t.id = v.aluno_id`: a class's id compared with a
    /// student's, where neither table has a key to the other's thing, so no column swap mends it.
    /// The join goes through the smallest table that has both keys: `JOIN matriculas ON
    /// matriculas.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = matriculas.aluno_id`.
    /// A bridge the query already joins, by one equality on its key to either side, is used
    /// where it is (`bridgedThroughJoined`). Only for an ON with that one equality.
    public func joinKeysBridged(_ sql: String) -> (sql: String, notes: [String])? {
        let read = Set(Self.tableReferences(in: sql).map { $0.table.lowercased() })
        let joins = Self.equalityJoins(in: sql)
        for join in joins {
            guard let joined = catalog.schema.table(named: join.table) else { continue }
            // Which side of the equality is the joined table's; the other is a table read before it.
            let sides = [join.left, join.right]
            guard let mine = sides.firstIndex(where: { $0.qualifier.caseInsensitiveCompare(join.qualifier) == .orderedSame }) else { continue }
            let (otherQualifier, otherColumn) = sides[1 - mine], joinedColumn = sides[mine].column
            guard let other = qualifiedTable(otherQualifier, in: sql), other.name != joined.name,
                other.column(named: otherColumn) != nil, joined.column(named: joinedColumn) != nil,
                let otherKey = entityKey(other, otherColumn), let joinedKey = entityKey(joined, joinedColumn), otherKey != joinedKey,
                fix(other, otherColumn, isKey: true, toward: joinedKey) == nil, fix(joined, joinedColumn, isKey: true, toward: otherKey) == nil,
                let bridge = bridgeTables(between: otherKey, and: joinedKey).first
            else { continue }
            let note = "junção \(otherQualifier).\(otherColumn) = \(join.qualifier).\(joinedColumn) comparava chaves de \(otherKey.table) e de \(joinedKey.table): passa por \(bridge.table.name)"
            if read.contains(bridge.table.name.lowercased()) {
                guard let fixed = bridgedThroughJoined(join, other: (otherQualifier, otherColumn), joinedColumn: joinedColumn, bridge: bridge,
                                                       joins: joins, in: sql)
                else { continue }
                return (fixed, [note])
            }
            let replacement = "JOIN \(sqlName(bridge.table.name)) ON \(qualifiedName(bridge.table.name, bridge.toFirst)) = \(otherQualifier).\(otherColumn) "
                + "\(join.head) ON \(join.qualifier).\(joinedColumn) = \(qualifiedName(bridge.table.name, bridge.toSecond))"
            var fixed = sql
            fixed.replaceSubrange(join.range, with: replacement)
            return (fixed, [note])
        }
        return nil
    }

    /// The bridge is joined already, once, by one equality that holds its key to one side:
    /// joined before, with `other`'s key (`JOIN matriculas m ON m.aluno_id = f.aluno_id … JOIN
    /// turmas t ON f.aluno_id = t.id`), the wrong join takes the bridge's other key (`ON t.id =
    /// m.turma_id`); joined after, with the joined table's key (`JOIN turmas ON f.aluno_id =
    /// turmas.id JOIN matriculas ON turmas.id = matriculas.turma_id`), the two joins trade places
    /// and the bridge meets `other` by its key.
    func bridgedThroughJoined(_ join: EqualityJoin, other: (qualifier: String, column: String), joinedColumn: String,
                              bridge: (table: Schema.Table, toFirst: String, toSecond: String), joins: [EqualityJoin], in sql: String) -> String?
    {
        let readings = Self.tableReferences(in: sql).filter { $0.table.caseInsensitiveCompare(bridge.table.name) == .orderedSame }
        let bridgeJoins = joins.filter { $0.table.caseInsensitiveCompare(bridge.table.name) == .orderedSame }
        guard readings.count == 1, bridgeJoins.count == 1 else { return nil }
        let own = bridgeJoins[0], bridgeQualifier = own.qualifier
        func holds(_ side: (qualifier: String, column: String), _ qualifier: String, _ column: String) -> Bool {
            side.qualifier.caseInsensitiveCompare(qualifier) == .orderedSame && side.column.caseInsensitiveCompare(column) == .orderedSame
        }
        // Whether the bridge's own ON is `bridge.bridgeColumn = qualifier.column`, either way round.
        func ties(_ bridgeColumn: String, to qualifier: String, _ column: String) -> Bool {
            holds(own.left, bridgeQualifier, bridgeColumn) && holds(own.right, qualifier, column)
                || holds(own.right, bridgeQualifier, bridgeColumn) && holds(own.left, qualifier, column)
        }
        var fixed = sql
        if own.range.upperBound <= join.range.lowerBound, ties(bridge.toFirst, to: other.qualifier, other.column) {
            fixed.replaceSubrange(join.range, with: "\(join.head) ON \(join.qualifier).\(joinedColumn) = \(bridgeQualifier).\(sqlName(bridge.toSecond))")
            return fixed
        }
        if own.range.lowerBound >= join.range.upperBound, ties(bridge.toSecond, to: join.qualifier, joinedColumn) {
            fixed.replaceSubrange(own.range, with: "\(join.head) ON \(own.condition)")
            fixed.replaceSubrange(join.range, with: "\(own.head) ON \(bridgeQualifier).\(sqlName(bridge.toFirst)) = \(other.qualifier).\(other.column)")
            return fixed
        }
        return nil
    }

    /// The column of `table` to compare with `key` in place of `written`. A column that is no key
    /// (`alunos.ra`) is replaced only by its own table's key: a value compared with a key in
    /// another table may be meant.
    func fix(_ table: Schema.Table, _ written: String, isKey: Bool, toward key: EntityKey?) -> String? {
        guard let key, isKey || table.name.lowercased() == key.table,
            let replacement = column(of: table, pointingAt: key), replacement.caseInsensitiveCompare(written) != .orderedSame
        else { return nil }
        return replacement
    }

    struct EntityKey: Equatable {
        let table: String
        let column: String
    }

    /// What a column identifies: the row it points at, or its own table's row when it is the
    /// table's single-column primary key. Nil for other columns (ano_letivo, ra).
    func entityKey(_ table: Schema.Table, _ column: String) -> EntityKey? {
        if let target = pointsAt(table, column) { return target }
        if table.primaryKey.count == 1, table.primaryKey[0].caseInsensitiveCompare(column) == .orderedSame {
            return EntityKey(table: table.name.lowercased(), column: column.lowercased())
        }
        return nil
    }

    /// The row a column points at: by its declared foreign key, or, in a table or view that
    /// declares none for it, by its name (`aluno_id` → alunos.id, when alunos has that key).
    func pointsAt(_ table: Schema.Table, _ column: String) -> EntityKey? {
        if let key = table.foreignKeys.first(where: { $0.columns.count == 1 && $0.columns[0].caseInsensitiveCompare(column) == .orderedSame }) {
            return EntityKey(table: key.referencedTable.lowercased(), column: (key.referencedColumns.first ?? "id").lowercased())
        }
        return keyTargets(column).first { $0.name.lowercased() != table.name.lowercased() }.map { EntityKey(table: $0.name.lowercased(), column: $0.primaryKey[0].lowercased()) }
    }

    /// The tables a key's name points at, when no foreign key says so: the name is a table's name
    /// and "id" (`turma_id` → turmas, `id_escola` → escolas, `ArtistId` → Artist), and that table's
    /// one key is `id` or the same name (`Artist.ArtistId`).
    func keyTargets(_ column: String) -> [Schema.Table] {
        let parts = nameParts(column)
        guard parts.count > 1, parts.first == "id" || parts.last == "id" else { return [] }
        let stem = (parts.first == "id" ? parts.dropFirst() : parts.dropLast()).joined(separator: "_")
        let names = [stem, stem + "s", stem + "es"]
        return catalog.schema.tables.filter { table in
            let name = nameParts(table.name).joined(separator: "_")
            guard names.contains(name), table.primaryKey.count == 1 else { return false }
            let key = table.primaryKey[0]
            return key.lowercased() == "id" || key.caseInsensitiveCompare(column) == .orderedSame
        }
    }

    /// The one column of `table` that identifies `key`'s row: its primary key when it is that
    /// table, or its only column pointing at it.
    func column(of table: Schema.Table, pointingAt key: EntityKey) -> String? {
        if table.name.lowercased() == key.table { return table.column(named: key.column)?.name }
        let pointing = table.columns.filter { pointsAt(table, $0.name) == key }
        return pointing.count == 1 ? pointing[0].name : nil
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLRepair {
    nonisolated(unsafe) private static let columnEquality = #/(?i)\b([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*=\s*([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\b/#
    nonisolated(unsafe) private static let inSubquery = #/(?i)\b([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)(\s+(?:not\s+)?in\s*\(\s*select\s+(?:distinct\s+)?(?:[a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)\s+from\s+([a-z_][a-z0-9_]*))\b/#
}
