import Database
import Foundation

/// `Teams t JOIN Batting b ON b.yearID = t.yearID`, where Batting points at Teams by year and
/// team: one pair of a key of several columns, so each row meets every row of the same year
/// (of every team). The ON gets every pair of that key.
///
/// Needs from the catalog: the foreign keys, declared or inferred (`referencia`).
extension SQLRepair {
    /// The query with each such join completed, and a note per join; nil when there is none.
    /// Only for an ON of that one equality, and a pair that belongs to exactly one key of two
    /// columns or more between the two tables, either way round.
    public func partialKeyJoinsCompleted(_ sql: String) -> (sql: String, notes: [String])? {
        var fixed = sql
        var notes: [String] = []
        let compact = sql.lowercased().filter { !$0.isWhitespace }
        for join in Self.equalityJoins(in: sql).reversed() {
            let sides = [join.left, join.right]
            guard let mine = sides.firstIndex(where: { $0.qualifier.caseInsensitiveCompare(join.qualifier) == .orderedSame }),
                let joined = catalog.schema.table(named: join.table),
                let other = qualifiedTable(sides[1 - mine].qualifier, in: sql), other.name != joined.name
            else { continue }
            let (joinedColumn, otherSide) = (sides[mine].column, sides[1 - mine])
            func same(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }
            // Each key as (joined table's column, other table's column) pairs.
            let keys = joined.foreignKeys.filter { $0.columns.count > 1 && same($0.referencedTable, other.name) }
                .map { Array(zip($0.columns, $0.referencedColumns)) }
                + other.foreignKeys.filter { $0.columns.count > 1 && same($0.referencedTable, joined.name) }
                .map { Array(zip($0.referencedColumns, $0.columns)) }
            let holding = keys.filter { pairs in pairs.contains { same($0.0, joinedColumn) && same($0.1, otherSide.column) } }
            guard holding.count == 1 else { continue }
            // The other pairs already written elsewhere (`WHERE t.yearID = b.yearID`) hold the join.
            let missing = holding[0].filter { !(same($0.0, joinedColumn) && same($0.1, otherSide.column)) }
            guard missing.contains(where: { pair in
                let (mineSide, theirs) = ("\(join.qualifier).\(pair.0)".lowercased(), "\(otherSide.qualifier).\(pair.1)".lowercased())
                return !compact.contains("\(mineSide)=\(theirs)") && !compact.contains("\(theirs)=\(mineSide)")
            }) else { continue }
            let condition = holding[0].map { "\(join.qualifier).\(sqlName($0.0)) = \(otherSide.qualifier).\(sqlName($0.1))" }
                .joined(separator: " AND ")
            fixed.replaceSubrange(join.range, with: "\(join.head) ON \(condition)")
            notes.insert("junção \(join.condition) completada com a chave inteira (\(condition)): só \(joinedColumn), cada linha encontrava todas as do mesmo \(joinedColumn)", at: 0)
        }
        return notes.isEmpty ? nil : (fixed, notes)
    }
}
