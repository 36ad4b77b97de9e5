import Database
import Foundation

/// Tables of one query that no condition links: `FROM frequencia_mensal f JOIN alunos a ON … JOIN
/// escolas e ON e.id = t.escola_id JOIN turmas t ON t.escola_id = e.id` reads attendance and
/// schools side by side, so each attendance row meets every class of every school. SQLite runs
/// it; the numbers are a cross product's.
public enum UnlinkedTables {
    /// A table of the query: as the query names it (its alias), and the table itself.
    public struct Member: Sendable, Equatable {
        public let name: String
        public let table: String
    }

    /// The groups of tables that conditions of the outer query link among themselves, in the
    /// order the query names them, when there are two or more; nil when every table is linked to
    /// the others, or the query is beyond this reading (a subquery in FROM, USING, NATURAL or
    /// CROSS JOIN, a compared column that names no one table of the query).
    public static func groups(in sql: String, schema: Schema) -> [[Member]]? {
        guard sql.firstMatch(of: UnlinkedTables.beyondReading) == nil else { return nil }
        let references = SQLRepair.outerReferences(in: sql)
        guard references.count > 1 else { return nil }
        let names = references.map { ($0.alias ?? $0.table).lowercased() }
        guard Set(names).count == names.count else { return nil }
        var parent = Dictionary(uniqueKeysWithValues: names.map { ($0, $0) })
        func root(_ name: String) -> String {
            var current = name
            while let up = parent[current], up != current { current = up }
            return current
        }
        // The qualifier a column stands for: its own, or the one table of the query that has it.
        func owner(_ qualifier: Substring?, _ column: Substring) -> String? {
            if let qualifier { return parent[qualifier.lowercased()] == nil ? nil : qualifier.lowercased() }
            let holders = references.filter { schema.table(named: $0.table)?.column(named: String(column)) != nil }
            return holders.count == 1 ? (holders[0].alias ?? holders[0].table).lowercased() : nil
        }
        let characters = Array(sql)
        let depth = MissingYearConditions.depths(characters)
        // An ON that names its own table links it with every table it names (`c.mes =
        // substr(m.data_saida, 1, 7)` too); one that names only others links those alone.
        let joins = MissingYearConditions.keyword("join", in: characters, depth: depth)
        let ends = ["where", "group", "order", "limit", "having", "window", "union", "except", "intersect"]
            .flatMap { MissingYearConditions.keyword($0, in: characters, depth: depth) } + [characters.count]
        for position in joins {
            let end = (joins + ends).filter { $0 > position }.min() ?? characters.count
            let on = String(characters[position..<end])
            let named = on.matches(of: UnlinkedTables.qualifierDot).map { $0.1.lowercased() }.filter { parent[$0] != nil }
            for name in named.dropFirst() { parent[root(name)] = root(named[0]) }
        }
        // Outside the ONs, a comparison of two tables' columns links them (`WHERE a.id = f.aluno_id`).
        let side = UnlinkedTables.comparison
        for match in sql.matches(of: side) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            let (_, leftQualifier, leftColumn, rightQualifier, rightColumn) = match.output
            // A name glued to what comes before or after is part of something else (a call, a number).
            let before = match.range.lowerBound == sql.startIndex ? " " : sql[sql.index(before: match.range.lowerBound)]
            let after = match.range.upperBound == sql.endIndex ? " " : sql[match.range.upperBound]
            guard !(before.isLetter || before.isNumber || before == "_" || before == "." || before == "'"), after != "(",
                leftQualifier != nil || rightQualifier != nil,
                leftColumn.first?.isNumber == false, rightColumn.first?.isNumber == false
            else { continue }
            // A qualifier of a subquery's table says nothing about the outer ones.
            if let q = leftQualifier, parent[q.lowercased()] == nil { continue }
            if let q = rightQualifier, parent[q.lowercased()] == nil { continue }
            guard let left = owner(leftQualifier, leftColumn), let right = owner(rightQualifier, rightColumn) else { return nil }
            parent[root(left)] = root(right)
        }
        var order: [String] = []
        var groups: [String: [Member]] = [:]
        for (name, reference) in zip(names, references) {
            let key = root(name)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(Member(name: reference.alias ?? reference.table, table: reference.table))
        }
        return order.count > 1 ? order.compactMap { groups[$0] } : nil
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension UnlinkedTables {
    nonisolated(unsafe) private static let beyondReading = #/(?i)\b(?:from|join)\s*\(|\b(?:using|natural|cross)\b/#
    nonisolated(unsafe) private static let qualifierDot = #/([A-Za-z_][A-Za-z0-9_]*)\./#
    nonisolated(unsafe) private static let comparison = #/(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|<=|>=|<>|!=|<|>)\s*(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)/#
}
