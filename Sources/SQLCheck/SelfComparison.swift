import Database
import Foundation

extension SQLRepair {
    /// `FROM avaliacoes_anuais v JOIN turmas t ON v.aluno_id = v.aluno_id`: the ON compares a
    /// column with itself, so every grade meets every class. The column says what the join was
    /// to be by (the student); the joined table meets it by its own key to the student when it has
    /// one (`a.id = v.aluno_id` for alunos), or through the smallest table that has keys to both
    /// (`JOIN matriculas ON matriculas.aluno_id = v.aluno_id JOIN turmas t ON t.id =
    /// matriculas.turma_id`). `name` is the column compared with itself (`v.aluno_id`).
    func selfComparisonJoined(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, let owner = qualifiedTable(parts[0], in: sql), let entity = entityKey(owner, parts[1]) else { return nil }
        let compared = NSRegularExpression.escapedPattern(for: name)
        let identifier = "[A-Za-z_][A-Za-z0-9_]*"
        let pattern = RegexCache.shared.valid("(?i)\\bJOIN\\s+(\(identifier))(?:\\s+(?:AS\\s+)?(\(identifier)))?\\s+ON\\s+\(compared)\\s*=\\s*\(compared)(?![A-Za-z0-9_.])")
        guard let match = sql.firstMatch(of: pattern), !Self.insideQuotes(sql, at: match.range.lowerBound),
            let joinedName = match.output[1].substring.map(String.init), let joined = catalog.schema.table(named: joinedName),
            joined.name != owner.name
        else { return nil }
        let alias = match.output[2].substring.map(String.init).flatMap { Self.notAliases.contains($0.lowercased()) ? nil : $0 }
        let qualifier = alias ?? joinedName
        let head = alias.map { "JOIN \(joinedName) \($0)" } ?? "JOIN \(joinedName)"
        let replacement: String
        if let direct = column(of: joined, pointingAt: entity) {
            replacement = "\(head) ON \(qualifier).\(sqlName(direct)) = \(name)"
        } else if joined.primaryKey.count == 1,
            let bridge = bridgeTables(between: EntityKey(table: joined.name.lowercased(), column: joined.primaryKey[0].lowercased()), and: entity).first,
            !Self.tableReferences(in: sql).contains(where: { $0.table.caseInsensitiveCompare(bridge.table.name) == .orderedSame })
        {
            replacement = "JOIN \(sqlName(bridge.table.name)) ON \(qualifiedName(bridge.table.name, bridge.toSecond)) = \(name) "
                + "\(head) ON \(qualifier).\(sqlName(joined.primaryKey[0])) = \(qualifiedName(bridge.table.name, bridge.toFirst))"
        } else {
            return nil
        }
        var fixed = sql
        fixed.replaceSubrange(match.range, with: replacement)
        return (fixed, "a junção com \(joined.name) comparava \(name) com ela mesma: agora liga \(joined.name) a \(entity.table) por \(name)")
    }
}
