import Database
import Foundation

/// `… FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id WHERE a.nota_ingles IS
/// NULL`: entregas is read by nothing but its own join, and the join pairs two many sides (a
/// student has many of each), so every row counts once per row of the other. The join goes.
///
/// A join from a table's key to the rows that point at it (`Artist.ArtistId = Album.ArtistId`)
/// is left alone even when nothing reads the joined table: it keeps the artists that have albums,
/// and a `COUNT(*)` beside it counts the albums.
public enum UnusedJoins {
    /// The query without each inner join whose table nothing outside its own ON reads (by alias,
    /// name, or a bare column only it has) and whose ON compares two columns neither of which is
    /// its table's whole key; and a note. nil when there is none, or the query has DISTINCT anywhere
    /// (then the join may be meant as "has at least one") or a set operation.
    public static func removed(from sql: String, schema: Schema) -> (sql: String, note: String)? {
        let query = ParsedQuery(sql)
        guard query.setOperators.isEmpty, let select = query.selects.first,
            !query.range.contains(where: { query.tokens[$0].isKeyword("distinct") })
        else { return nil }
        let tables = select.from.map { item in item.table.flatMap { schema.table(named: $0) } }
        for (position, item) in select.from.enumerated() where position > 0 && item.join != "," && item.isInner {
            guard let table = tables[position], let name = item.reference, let on = item.on,
                let sides = equality(in: on, of: query), sides.count == 2
            else { continue }
            // Each side of the ON: its table in the query, and whether it is that table's whole key.
            let resolved = sides.map { side -> (position: Int, isKey: Bool)? in
                guard let owner = select.from.firstIndex(where: { $0.reference?.caseInsensitiveCompare(side.qualifier ?? "") == .orderedSame }),
                    let ownerTable = tables[owner]
                else { return nil }
                return (owner, ownerTable.primaryKey.map { $0.lowercased() } == [side.column.lowercased()])
            }
            guard let mine = resolved.first(where: { $0?.position == position }) ?? nil,
                let other = resolved.first(where: { $0 != nil && $0?.position != position }) ?? nil,
                !mine.isKey, !other.isKey
            else { continue }
            // Read anywhere outside its own join item, qualified or as a bare column only it has.
            let references = query.columnReferences(in: query.range.lowerBound..<item.range.lowerBound)
                + query.columnReferences(in: item.range.upperBound..<query.range.upperBound)
            guard !references.contains(where: { $0.qualifier?.caseInsensitiveCompare(name) == .orderedSame }) else { continue }
            let others = tables.indices.filter { $0 != position }.compactMap { tables[$0] }
            let bareOnlyHere = references.contains { reference in
                reference.qualifier == nil && table.column(named: reference.column) != nil
                    && !others.contains { $0.column(named: reference.column) != nil }
            }
            guard !bareOnlyHere else { continue }
            return (query.removing(item.range).trimmingCharacters(in: .whitespaces),
                    "junção com \(table.name) tirada: a consulta não lê nada dela, e cada linha se repetia uma vez por linha de \(table.name)")
        }
        return nil
    }

    /// The two qualified columns of an ON that is one equality (`a.x = b.y`); nil otherwise.
    static func equality(in on: Range<Int>, of query: ParsedQuery) -> [ParsedQuery.ColumnReference]? {
        let tokens = on.map { query.tokens[$0] }
        guard tokens.filter({ $0.kind == .symbol && $0.text == "=" }).count == 1,
            !tokens.contains(where: { $0.kind == .word && ["and", "or"].contains($0.text.lowercased()) || $0.kind == .symbol && $0.text != "=" && $0.text != "." })
        else { return nil }
        let references = query.columnReferences(in: on)
        guard references.count == 2, references.allSatisfy({ $0.qualifier != nil }) else { return nil }
        return references
    }
}
