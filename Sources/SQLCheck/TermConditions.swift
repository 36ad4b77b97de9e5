import Database
import Foundation

extension SQLRepair {
    /// `sql` with a glossary condition comparing two columns ("aluno novo": `alunos.ano_ingresso =
    /// matriculas.ano_letivo`) added to its WHERE, under the query's aliases; a table of it the
    /// query does not read joins first, when it is a parent the query's FROM table reaches (so no
    /// row is counted twice); also the joins made, and the condition as added. nil when a table
    /// is read twice, one not read cannot be joined, or the query has a subquery or a UNION.
    public func comparedColumnsAdded(_ condition: String, to sql: String) -> (sql: String, joins: [String], added: String)? {
        guard let match = condition.wholeMatch(of: #/\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*/#),
            sql.matches(of: #/(?i)\bselect\b/#).count == 1, sql.firstMatch(of: #/(?i)\bunion\b/#) == nil
        else { return nil }
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        var notes: [String] = []
        var sides: [String] = []
        for (table, column) in [(String(match.1), String(match.2)), (String(match.3), String(match.4))] {
            let mine = Self.tableReferences(in: text).filter { $0.table.caseInsensitiveCompare(table) == .orderedSame }
            if mine.count == 1 {
                sides.append(mine[0].sqlQualifier + "." + sqlName(column))
                continue
            }
            guard mine.isEmpty, let joined = aliasOrJoin("\(table).\(column)", in: text) else { return nil }
            text = joined.sql
            notes.append(joined.note)
            sides.append(qualifiedName(table, column))
        }
        let added = sides.joined(separator: " = ")
        return (MissingYearConditions.whereExtended(text, with: added), notes, added)
    }
}
