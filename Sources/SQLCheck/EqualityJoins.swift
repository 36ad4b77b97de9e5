import Foundation

extension SQLRepair {
    /// `JOIN t [AS] a ON x.c = y.d`, where that one equality is the whole ON: the shape the join
    /// repairs read and rewrite.
    struct EqualityJoin {
        /// From JOIN to the end of the equality.
        let range: Range<String.Index>
        let table: String
        let alias: String?
        let left: (qualifier: String, column: String)
        let right: (qualifier: String, column: String)
        /// The equality as written (`turmas.escola_id = escolas.id`).
        let condition: String

        /// What the query calls the joined table.
        var qualifier: String { alias ?? table }
        /// `JOIN t a`, as a replacement starts.
        var head: String { alias.map { "JOIN \(table) \($0)" } ?? "JOIN \(table)" }
    }

    /// Every such join in `sql`, outside quotes, first to last.
    static func equalityJoins(in sql: String) -> [EqualityJoin] {
        sql.matches(of: equalityJoin).compactMap { match in
            let texts = (0..<8).map { match.output[$0].substring.map(String.init) }
            guard !insideQuotes(sql, at: match.range.lowerBound), let table = texts[1], let condition = texts[3],
                let leftQualifier = texts[4], let leftColumn = texts[5], let rightQualifier = texts[6], let rightColumn = texts[7]
            else { return nil }
            let alias = texts[2].flatMap { notAliases.contains($0.lowercased()) ? nil : $0 }
            return EqualityJoin(range: match.range, table: table, alias: alias,
                                left: (leftQualifier, leftColumn), right: (rightQualifier, rightColumn), condition: condition)
        }
    }

    /// Compiled once (not Sendable; matching never mutates it): every join repair reads it.
    nonisolated(unsafe) private static let equalityJoin: Regex<AnyRegexOutput> = {
        let name = "([A-Za-z_][A-Za-z0-9_]*)"
        return try! Regex("(?i)\\bJOIN\\s+\(name)(?:\\s+(?:AS\\s+)?\(name))?\\s+ON\\s+(\(name)\\.\(name)\\s*=\\s*\(name)\\.\(name))"
            + "(?=\\s*(?:$|;|\\)|\\b(?:JOIN|INNER|LEFT|CROSS|WHERE|GROUP|ORDER|LIMIT|HAVING|UNION)\\b))")
    }()
}
