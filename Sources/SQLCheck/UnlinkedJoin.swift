import Database
import Foundation

extension SQLRepair {
    /// `JOIN avaliacoes_anuais ON matriculas.id = matriculas.turma_id`: the ON never names the
    /// table it joins, so every row of that table meets every row before it, and the condition
    /// only filters the others. The table the ON names is the one the model meant to join to; the
    /// ON becomes the keys between the two (`avaliacoes_anuais.aluno_id = matriculas.aluno_id AND
    /// avaliacoes_anuais.ano_letivo = matriculas.ano_letivo`, or a parent's key). Only for an ON
    /// of one equality naming one table, and keys that join the two in one way.
    public func unlinkedJoinFixed(_ sql: String) -> (sql: String, notes: [String])? {
        guard sql.firstMatch(of: SQLRepair.subqueryInFrom) == nil else { return nil }
        let references = Self.outerReferences(in: sql)
        for join in Self.equalityJoins(in: sql) {
            guard let target = catalog.schema.table(named: join.table) else { continue }
            let (qualifier, left, right) = (join.qualifier, join.left.qualifier, join.right.qualifier)
            // The ON names one table, and not the one it joins.
            guard left.caseInsensitiveCompare(right) == .orderedSame, left.caseInsensitiveCompare(qualifier) != .orderedSame,
                let partner = references.first(where: { ($0.alias ?? $0.table).caseInsensitiveCompare(left) == .orderedSame }),
                partner.table.caseInsensitiveCompare(target.name) != .orderedSame,
                let partnerTable = catalog.schema.table(named: partner.table)
            else { continue }
            var ways = target.foreignKeys.compactMap { childConditions(target, as: qualifier, by: $0, to: partner) }
            // Or the joined table is the partner's parent.
            ways += partnerTable.foreignKeys.filter { key in
                key.columns.count == 1 && key.referencedTable.caseInsensitiveCompare(target.name) == .orderedSame
            }.map { ["\(qualifier).\(sqlName($0.referencedColumns.first ?? "id")) = \(left).\(sqlName($0.columns[0]))"] }
            let distinct = Set(ways.map { $0.joined(separator: " AND ") })
            guard distinct.count == 1, let conditions = ways.first else { continue }
            var fixed = sql
            fixed.replaceSubrange(join.range, with: "\(join.head) ON " + conditions.joined(separator: " AND "))
            return (fixed, ["a junção com \(target.name) não citava \(target.name) (ON \(join.condition)): agora é por " + conditions.joined(separator: " AND ")])
        }
        return nil
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLRepair {
    nonisolated(unsafe) private static let subqueryInFrom = #/(?i)\b(?:from|join)\s*\(/#
}
