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
        guard sql.firstMatch(of: #/(?i)\b(?:from|join)\s*\(/#) == nil else { return nil }
        let identifier = "[A-Za-z_][A-Za-z0-9_]*"
        let pattern = try! Regex("(?i)\\b(JOIN\\s+(\(identifier))(?:\\s+(?:AS\\s+)?(?!ON\\b)(\(identifier)))?)\\s+ON\\s+(\(identifier))\\.(\(identifier))\\s*=\\s*(\(identifier))\\.(\(identifier))"
            + "(?=\\s*(?:$|;|\\)|\\b(?:JOIN|INNER|LEFT|CROSS|WHERE|GROUP|ORDER|LIMIT|HAVING|UNION)\\b))")
        let references = Self.outerReferences(in: sql)
        for match in sql.matches(of: pattern) where !Self.insideQuotes(sql, at: match.range.lowerBound) {
            let output = match.output
            guard let head = output[1].substring.map(String.init), let tableName = output[2].substring.map(String.init),
                let target = catalog.schema.table(named: tableName),
                let left = output[4].substring.map(String.init), let right = output[6].substring.map(String.init)
            else { continue }
            let qualifier = output[3].substring.map(String.init) ?? tableName
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
            }.map { ["\(qualifier).\($0.referencedColumns.first ?? "id") = \(left).\($0.columns[0])"] }
            let distinct = Set(ways.map { $0.joined(separator: " AND ") })
            guard distinct.count == 1, let conditions = ways.first else { continue }
            let written = String(sql[match.range].dropFirst(head.count)).trimmingCharacters(in: .whitespaces).dropFirst(2)
                .trimmingCharacters(in: .whitespaces)
            var fixed = sql
            fixed.replaceSubrange(match.range, with: "\(head) ON " + conditions.joined(separator: " AND "))
            return (fixed, ["a junção com \(target.name) não citava \(target.name) (ON \(written)): agora é por " + conditions.joined(separator: " AND ")])
        }
        return nil
    }
}
