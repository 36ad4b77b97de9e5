import Catalog
import Database
import Foundation

/// `scores_risco r JOIN matriculas m ON m.aluno_id = r.aluno_id`, where the catalog declares that
/// the two tables meet by student *and* year: joined by the student alone, each year's row meets
/// the student's rows of every other year (the class of 2022 beside the risk of 2024), and
/// counts repeat. The same slip on other schemas: `Batting JOIN Salaries ON playerID` without
/// the season. The ON gets the rest of the declared relation.
///
/// Only a relation a person declared (`DeclaredRelation`): two tables with a shared parent and a
/// same-named year are not always of one grain (a player's college years and his Hall of Fame
/// vote), and only someone who knows the data can say so. Left alone: a join where the query
/// already reads another pair of the relation on both sides (years chosen one by one,
/// `r.ano_letivo = 2024 AND m.ano_letivo = 2023`).
///
/// Needs from the catalog: relations of several columns in `relacoes`.
extension SQLRepair {
    /// The query with each such join completed, and a note per join; nil when there is none.
    public func declaredJoinsCompleted(_ sql: String) -> (sql: String, notes: [String])? {
        let relations = catalog.metadata.declaredRelations
        guard !relations.isEmpty else { return nil }
        var fixed = sql
        var notes: [String] = []
        let compact = sql.lowercased().filter { !$0.isWhitespace }
        func same(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }
        for join in Self.equalityJoins(in: sql).reversed() {
            let sides = [join.left, join.right]
            guard let mine = sides.firstIndex(where: { same($0.qualifier, join.qualifier) }),
                let joined = catalog.schema.table(named: join.table),
                let other = qualifiedTable(sides[1 - mine].qualifier, in: sql)
            else { continue }
            let (joinedColumn, otherSide) = (sides[mine].column, sides[1 - mine])
            // Each declared relation between the two, as (joined table's column, other's column) pairs.
            let declared = relations.compactMap { relation -> [(String, String)]? in
                if same(relation.first, joined.name), same(relation.second, other.name) { return relation.pairs.map { ($0.first, $0.second) } }
                if same(relation.first, other.name), same(relation.second, joined.name) { return relation.pairs.map { ($0.second, $0.first) } }
                return nil
            }
            let holding = declared.filter { pairs in pairs.contains { same($0.0, joinedColumn) && same($0.1, otherSide.column) } }
            guard holding.count == 1 else { continue }
            let missing = holding[0].filter { pair in
                let read = ["\(join.qualifier).\(pair.0)", "\(otherSide.qualifier).\(pair.1)"].map { $0.lowercased().filter { !$0.isWhitespace } }
                return !read.allSatisfy(compact.contains)
            }
            // Another pair already read on both sides: the query chose those values one by one.
            guard !missing.isEmpty, holding[0].count - missing.count == 1 else { continue }
            let added = missing.map { "\(join.qualifier).\(sqlName($0.0)) = \(otherSide.qualifier).\(sqlName($0.1))" }
            fixed.replaceSubrange(join.range, with: "\(join.head) ON " + ([join.condition] + added).joined(separator: " AND "))
            notes.insert("junção \(join.condition) completada com \(added.joined(separator: " AND ")), como o catálogo declara a relação de "
                + "\(joined.name) com \(other.name); só por \(joinedColumn), cada linha encontrava as de outros \(missing.map(\.0).joined(separator: " e "))", at: 0)
        }
        return notes.isEmpty ? nil : (fixed, notes)
    }
}
