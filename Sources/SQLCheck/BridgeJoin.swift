import Database
import Foundation

extension SQLRepair {
    /// `JOIN turmas t ON a.id = t.aluno_id`: turmas has no aluno_id, because students reach a class
    /// through their enrolments. The join goes through the table that has both keys (the smallest,
    /// as `bridgeHint` says): `JOIN matriculas ON matriculas.aluno_id = a.id JOIN turmas t ON
    /// t.id = matriculas.turma_id`; when the query already reads that table, the target joins it
    /// (`JOIN turmas t ON t.id = m.turma_id`). Only for an ON with that one equality.
    func bridgeJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, let target = qualifiedTable(parts[0], in: sql), target.column(named: parts[1]) == nil,
            target.primaryKey.count == 1,
            let on = joinOnMissing(target, qualifier: parts[0], missing: parts[1], in: sql),
            let other = qualifiedTable(on.otherQualifier, in: sql),
            let pointed = entityKey(other, on.otherColumn)
        else { return nil }
        let (range, head, otherQualifier, otherColumn) = (on.range, on.head, on.otherQualifier, on.otherColumn)
        let read = Set(Self.tableReferences(in: sql).map { $0.table.lowercased() })
        let targetKey = EntityKey(table: target.name.lowercased(), column: target.primaryKey[0].lowercased())
        // The table that has the missing column, pointing where the other side points, and a key to the target.
        guard let (bridge, toTarget, bridgeColumn) = bridgeTables(between: targetKey, and: pointed).first(where: {
            $0.toSecond.caseInsensitiveCompare(parts[1]) == .orderedSame && $0.table.name != target.name
        }) else { return nil }
        let replacement: String
        if read.contains(bridge.name.lowercased()) {
            // Already read (once): the target joins it, where another bridge would multiply rows.
            let readings = Self.tableReferences(in: sql).filter { $0.table.caseInsensitiveCompare(bridge.name) == .orderedSame }
            guard readings.count == 1 else { return nil }
            replacement = "\(head) ON \(parts[0]).\(sqlName(target.primaryKey[0])) = \(readings[0].sqlQualifier).\(sqlName(toTarget))"
        } else {
            replacement = "JOIN \(sqlName(bridge.name)) ON \(qualifiedName(bridge.name, bridgeColumn)) = \(otherQualifier).\(otherColumn) "
                + "\(head) ON \(parts[0]).\(sqlName(target.primaryKey[0])) = \(qualifiedName(bridge.name, toTarget))"
        }
        var fixed = sql
        fixed.replaceSubrange(range, with: replacement)
        return (fixed, "\(target.name) não tem \(parts[1]): a junção passa por \(bridge.name)")
    }

    /// `JOIN avaliacoes_anuais v ON m.id = v.matricula_id`: the joined table has no such key, but it
    /// points where the other side does (both at the student), or at the other side itself: the ON
    /// says that, with the other columns of its composite key (`v.aluno_id = m.aluno_id AND
    /// v.ano_letivo = m.ano_letivo`). Only for an ON with that one equality.
    func sharedParentJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, let target = qualifiedTable(parts[0], in: sql), target.column(named: parts[1]) == nil,
            let on = joinOnMissing(target, qualifier: parts[0], missing: parts[1], in: sql),
            let reference = Self.tableReferences(in: sql).first(where: { ($0.alias ?? $0.table).caseInsensitiveCompare(on.otherQualifier) == .orderedSame }),
            reference.table.caseInsensitiveCompare(target.name) != .orderedSame,
            let conditions = target.foreignKeys.lazy.compactMap({ self.childConditions(target, as: parts[0], by: $0, to: reference) }).first
        else { return nil }
        var fixed = sql
        fixed.replaceSubrange(on.range, with: "\(on.head) ON " + conditions.joined(separator: " AND "))
        return (fixed, "\(target.name) não tem \(parts[1]): a junção com \(reference.table) é por " + conditions.joined(separator: " AND "))
    }

    /// The `JOIN target [alias] ON x.col = alias.missing` (either way round, and nothing else in
    /// the ON) that compares with the column `target` lacks: its range, its head (`JOIN target
    /// alias`) and the other side.
    func joinOnMissing(_ target: Schema.Table, qualifier: String, missing: String, in sql: String)
        -> (range: Range<String.Index>, head: String, otherQualifier: String, otherColumn: String)?
    {
        let escapedQualifier = NSRegularExpression.escapedPattern(for: qualifier), escapedMissing = NSRegularExpression.escapedPattern(for: missing)
        let identifier = "[A-Za-z_][A-Za-z0-9_]*"
        let joinHead = "(?i)\\b(JOIN\\s+\(NSRegularExpression.escapedPattern(for: target.name))(?:\\s+(?:AS\\s+)?\(escapedQualifier))?)\\s+ON\\s+"
        let pattern = RegexCache.shared.valid(joinHead + "(?:(\(identifier))\\.(\(identifier))\\s*=\\s*\(escapedQualifier)\\.\(escapedMissing)|\(escapedQualifier)\\.\(escapedMissing)\\s*=\\s*(\(identifier))\\.(\(identifier)))"
            + "(?=\\s*(?:$|\\)|\\b(?:JOIN|INNER|LEFT|WHERE|GROUP|ORDER|LIMIT|HAVING|UNION)\\b))")
        guard let match = sql.firstMatch(of: pattern), !Self.insideQuotes(sql, at: match.range.lowerBound) else { return nil }
        let output = match.output
        guard let head = output[1].substring.map(String.init),
            let otherQualifier = (output[2].substring ?? output[4].substring).map(String.init),
            let otherColumn = (output[3].substring ?? output[5].substring).map(String.init)
        else { return nil }
        return (match.range, head, otherQualifier, otherColumn)
    }

    /// The table a qualifier stands for: an alias given in FROM or JOIN, or a table's own name.
    func qualifiedTable(_ qualifier: String, in sql: String) -> Schema.Table? {
        let reference = Self.tableReferences(in: sql).first {
            $0.alias?.caseInsensitiveCompare(qualifier) == .orderedSame || ($0.alias == nil && $0.table.caseInsensitiveCompare(qualifier) == .orderedSame)
        }
        return reference.flatMap { catalog.schema.table(named: $0.table) }
    }

    /// Tables (not views) with one column pointing at `first`'s row and one at `second`'s, the
    /// smallest first: what a join between the two things goes through (`matriculas` between
    /// `turmas` and `alunos`).
    func bridgeTables(between first: EntityKey, and second: EntityKey) -> [(table: Schema.Table, toFirst: String, toSecond: String)] {
        var bridges: [(table: Schema.Table, toFirst: String, toSecond: String)] = []
        for bridge in catalog.schema.tables where bridge.kind == .table && ![first.table, second.table].contains(bridge.name.lowercased()) {
            guard let toFirst = column(of: bridge, pointingAt: first), let toSecond = column(of: bridge, pointingAt: second) else { continue }
            bridges.append((bridge, toFirst, toSecond))
        }
        return bridges.sorted { ($0.table.rowCount ?? .max, $0.table.name) < ($1.table.rowCount ?? .max, $1.table.name) }
    }
}
