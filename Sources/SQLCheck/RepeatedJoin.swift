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
        let equality = #"([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)"#
        let joinPattern = try! Regex("(?i)\\s*\\b(?:INNER\\s+)?JOIN\\s+\(NSRegularExpression.escapedPattern(for: table))\\s+ON\\s+\(equality)"
            + "(?=\\s*(?:$|;|\\)|\\b(?:JOIN|INNER|LEFT|CROSS|WHERE|GROUP|ORDER|LIMIT|HAVING|UNION)\\b))")
        let joins = sql.matches(of: joinPattern).filter { !Self.insideQuotes(sql, at: $0.range.lowerBound) }
        guard let last = joins.last,
            let left = last.output[1].substring, let right = last.output[2].substring
        else { return nil }
        // The same equality, either way round, written elsewhere in the query.
        func key(_ a: Substring, _ b: Substring) -> [String] { [a.lowercased(), b.lowercased()].sorted() }
        let repeated = key(left, right)
        let elsewhere = sql.matches(of: try! Regex(equality)).contains { match in
            !last.range.contains(match.range.lowerBound)
                && key(match.output[1].substring!, match.output[2].substring!) == repeated
        }
        guard elsewhere else { return nil }
        var fixed = sql
        fixed.removeSubrange(last.range)
        return (fixed, "a tabela \(table) estava juntada duas vezes: a segunda junção (ON \(left) = \(right)) só repetia uma condição e saiu")
    }
}
