import Foundation

/// `SELECT a.genero, round(avg(v.nota_matematica), 2) AS matematica, round(avg(v.nota_portugues), 2)
/// AS portugues …` for "a nota média de matemática das meninas e dos meninos": a second measure
/// copied from an example that showed both. Which measures the question asks for is the
/// assistant's reading; here, the outer SELECT's measures and the query without some of them.
public enum UnaskedMeasures {
    /// The outer SELECT's items that aggregate one column and nothing else (numbers and calls
    /// such as round() aside; no text literal): the item's position and the column as written.
    public static func measures(in sql: String) -> [(index: Int, column: String)] {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, _) = QueryShape.outerSelectList(tokens) else { return [] }
        return items.enumerated().compactMap { index, item in
            let body = Array(QueryShape.unaliased(item).body.drop(while: { $0.text.lowercased() == "distinct" }))
            let lower = body.map { $0.text.lowercased() }
            guard !body.contains(where: { $0.kind == .string }),
                lower.indices.contains(where: { QueryShape.aggregateFunctions.contains(lower[$0]) && $0 + 1 < lower.count && lower[$0 + 1] == "(" })
            else { return nil }
            let names = body.indices.filter { position in
                body[position].kind == .word && Double(body[position].text) == nil && !SQLFormatter.keywords.contains(body[position].uppercased())
                    && (position + 1 == body.count || body[position + 1].text != "(")
            }.map { body[$0].text }
            guard names.count == 1 else { return nil }
            return (index, names[0])
        }
    }

    /// `sql` without the outer SELECT items at `indices`, the rest as written (the kept items
    /// joined by ", "); nil when one of them has a name the query uses again (ORDER BY, HAVING),
    /// when the list's DISTINCT would go with it, or when no item would be left.
    public static func dropped(_ indices: Set<Int>, from sql: String) -> String? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard !indices.isEmpty, let (items, from) = QueryShape.outerSelectList(tokens), indices.count < items.count,
            !(indices.contains(0) && items[0].first?.text.lowercased() == "distinct")
        else { return nil }
        let rest = tokens[from...].map { $0.text.lowercased() }
        if indices.contains(where: { index in QueryShape.unaliased(items[index]).name.map { rest.contains($0.lowercased()) } ?? false }) { return nil }
        let characters = Array(sql)
        let kept = items.indices.filter { !indices.contains($0) }.map { SQLFormatter.source(of: items[$0], in: characters) }
        return QueryShape.replacingSelectList(items, with: kept, in: characters)
    }
}
