import Database
import Foundation

/// `scores_risco r JOIN matriculas m ON m.aluno_id = r.aluno_id`, where both tables hold one row
/// per student and year: joined by the student alone, each year's row meets the student's rows
/// of every other year (the class of 2022 beside the risk of 2024), and counts repeat. The same
/// slip on other schemas: `Batting JOIN Salaries ON playerID` without `yearID`. The ON gets the
/// period columns the two tables share (`Schema.sharedKeys`).
///
/// Left alone: a table joined to itself (last year beside this one is asked for by name), and a
/// period column the query already reads on both sides (years chosen one by one).
///
/// Needs from the catalog: the foreign keys (declared or inferred) and the year or month columns.
extension SQLRepair {
    /// The query with each such join completed, and a note per join; nil when there is none.
    public func sameGrainJoinsCompleted(_ sql: String) -> (sql: String, notes: [String])? {
        var fixed = sql
        var notes: [String] = []
        let compact = sql.lowercased().filter { !$0.isWhitespace }
        for join in Self.equalityJoins(in: sql).reversed() {
            let sides = [join.left, join.right]
            guard let mine = sides.firstIndex(where: { $0.qualifier.caseInsensitiveCompare(join.qualifier) == .orderedSame }),
                let joined = catalog.schema.table(named: join.table),
                let other = qualifiedTable(sides[1 - mine].qualifier, in: sql), other.name.caseInsensitiveCompare(joined.name) != .orderedSame
            else { continue }
            let (joinedColumn, otherSide) = (sides[mine].column, sides[1 - mine])
            let keys = catalog.schema.sharedKeys(joined, other)
            let written = "\(joined.name).\(joinedColumn) = \(other.name).\(otherSide.column)"
            guard keys.parents.contains(where: { $0.caseInsensitiveCompare(written) == .orderedSame }) else { continue }
            let periods = keys.periods.compactMap { $0.split(separator: "=").first?.split(separator: ".").last.map { String($0).trimmingCharacters(in: .whitespaces) } }
                .filter { period in
                    let read = ["\(join.qualifier).\(period)", "\(otherSide.qualifier).\(period)"].map { $0.lowercased() }
                    return !read.allSatisfy(compact.contains)
                }
            guard !periods.isEmpty else { continue }
            let added = periods.map { "\(join.qualifier).\(sqlName($0)) = \(otherSide.qualifier).\(sqlName($0))" }
            let condition = ([join.condition] + added).joined(separator: " AND ")
            fixed.replaceSubrange(join.range, with: "\(join.head) ON \(condition)")
            notes.insert("junção \(join.condition) completada com \(added.joined(separator: " AND ")): \(joined.name) e \(other.name) são ambas por "
                + "\(periods.joined(separator: " e ")), e só por \(joinedColumn) cada linha encontrava as dos outros períodos", at: 0)
        }
        return notes.isEmpty ? nil : (fixed, notes)
    }
}
