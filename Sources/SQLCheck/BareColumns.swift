import Database
import Foundation

/// `SELECT e.nome, count(*) FROM … WHERE …` with no GROUP BY: SQLite answers with one row whose
/// `e.nome` comes from whichever row it met last — a school's name beside the whole network's
/// count, which reads as that school's. Either the count is per school (GROUP BY e.nome) or the
/// name does not belong (the count alone): the caller says which the question asks for.
public enum BareColumns {
    /// group_concat too: a name beside a list of names is as loose as one beside a count.
    static let aggregates = QueryShape.aggregateFunctions.union(["group_concat"])

    /// Whether a SELECT item calls an aggregate (`count(`, `avg(`, `group_concat(`…).
    static func callsAggregate(_ item: [SQLFormatter.Token]) -> Bool {
        item.indices.contains { index in
            index + 1 < item.count && aggregates.contains(item[index].text.lowercased()) && item[index + 1].text == "("
        }
    }

    /// The outer query with its plain columns grouped by (`perGroup`) or dropped, and a note;
    /// nil unless its SELECT list mixes aggregates with plain columns and it has no GROUP BY.
    public static func fixed(_ sql: String, perGroup: Bool) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, from) = QueryShape.outerSelectList(tokens) else { return nil }
        var depth = 0
        var clauseEnd = tokens.count
        for (index, token) in tokens.enumerated() {
            let lower = token.text.lowercased()
            if token.kind == .symbol, lower == "(" { depth += 1 }
            if token.kind == .symbol, lower == ")" { depth -= 1 }
            guard depth == 0 else { continue }
            if ["group", "union", "intersect", "except", "over", "window", "distinct"].contains(lower), token.kind == .word { return nil }
            if index > from, clauseEnd == tokens.count, ["having", "order", "limit"].contains(lower) { clauseEnd = index }
        }
        // A plain item reads a column: a name that is not a call, a keyword after AS, or a literal.
        let readsColumn = { (item: [SQLFormatter.Token]) in
            item.indices.contains { index in
                let token = item[index]
                let called = index + 1 < item.count && item[index + 1].text == "("
                let named = index > 0 && item[index - 1].text.lowercased() == "as"
                return token.kind == .word && !called && !named && token.text.first?.isNumber == false
                    && !["as", "case", "when", "then", "else", "end", "and", "or", "not", "null", "is", "in", "like"].contains(token.text.lowercased())
            }
        }
        let plainIndices = items.indices.filter { !callsAggregate(items[$0]) && readsColumn(items[$0]) }
        let plain = plainIndices.map { items[$0] }
        guard items.contains(where: callsAggregate), !plain.isEmpty else { return nil }
        // The expression itself, without its AS name.
        let expressions = plain.map { item -> String in
            let end = item.lastIndex { $0.text.lowercased() == "as" } ?? item.count
            return item[..<end].map(\.text).joined(separator: " ")
        }
        var texts = tokens.map(\.text)
        if perGroup {
            texts.insert(contentsOf: ["GROUP", "BY", expressions.joined(separator: ", ")], at: clauseEnd)
            return (SQLLexer.tidied(texts.joined(separator: " ")), "GROUP BY \(expressions.joined(separator: ", ")) acrescentado: sem ele, o valor mostrado ao lado da conta é o de uma linha qualquer")
        }
        let kept = items.indices.filter { !plainIndices.contains($0) }.map { items[$0].map(\.text).joined(separator: " ") }
        texts.replaceSubrange(1..<from, with: [kept.joined(separator: ", ")])
        return (SQLLexer.tidied(texts.joined(separator: " ")), "\(expressions.joined(separator: ", ")) tirado do resultado: sem GROUP BY, era o valor de uma linha qualquer ao lado da conta")
    }
}
