import Foundation

extension SQLRepair {
    /// `FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id JOIN escolas ON escolas.id =
    /// turmas.escola_id JOIN turmas ON turmas.escola_id = escolas.id`: the same table joined again
    /// under its own name, to say a relation the query already has. SQLite cannot tell the two
    /// apart (`ambiguous column name: turmas.id`); the later join, whose ON only repeats an
    /// equality written before, goes. `name` is the ambiguous qualified column.
    public func repeatedJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2 else { return nil }
        let table = parts[0]
        let references = Self.tableReferences(in: sql).filter { $0.table.caseInsensitiveCompare(table) == .orderedSame }
        guard references.count > 1, references.allSatisfy({ $0.alias == nil }) else { return nil }
        guard let last = Self.equalityJoins(in: sql).last(where: { $0.alias == nil && $0.table.caseInsensitiveCompare(table) == .orderedSame })
        else { return nil }
        let left = "\(last.left.qualifier).\(last.left.column)", right = "\(last.right.qualifier).\(last.right.column)"
        // The same equality, either way round, written elsewhere in the query.
        func key(_ a: some StringProtocol, _ b: some StringProtocol) -> [String] { [a.lowercased(), b.lowercased()].sorted() }
        let repeated = key(left, right)
        let equality = SQLRepair.qualifiedEquality
        let elsewhere = sql.matches(of: equality).contains { match in
            !last.range.contains(match.range.lowerBound) && key(match.1, match.2) == repeated
        }
        guard elsewhere else { return nil }
        // The join goes with the space and the INNER before it.
        let start = sql[..<last.range.lowerBound].firstMatch(of: SQLRepair.innerBefore)?.range.lowerBound ?? last.range.lowerBound
        var fixed = sql
        fixed.removeSubrange(start..<last.range.upperBound)
        return (fixed, "a tabela \(table) estava juntada duas vezes: a segunda junção (ON \(left) = \(right)) só repetia uma condição e saiu")
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLRepair {
    nonisolated(unsafe) private static let qualifiedEquality = #/([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)/#
    nonisolated(unsafe) private static let innerBefore = #/(?i)\s*(?:\bINNER\s+)?$/#
}
