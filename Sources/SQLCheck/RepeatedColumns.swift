import Foundation

/// `SELECT t.turno, count(*) AS turmas_manha, count(*) AS turmas_tarde … GROUP BY t.turno`: a
/// small model asked "quantas de manhã e quantas de tarde" writes one column per value it heard,
/// each the same expression. Both columns hold the same number on every row, and their names say
/// otherwise. One column of each expression stays, named for what the names share (`turmas`).
public enum RepeatedColumns {
    /// The outer query with later copies of a SELECT item dropped, and a note; nil when no item
    /// repeats, or when a repeated item's name is used elsewhere in the query (an ORDER BY that
    /// subtracts one from the other means something else by them).
    public static func dropped(from sql: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, from) = QueryShape.outerSelectList(tokens) else { return nil }
        let parsed = items.map(split)
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, item) in parsed.enumerated() where !item.expression.isEmpty {
            if groups[item.expression] == nil { order.append(item.expression) }
            groups[item.expression, default: []].append(index)
        }
        let repeated = order.compactMap { groups[$0] }.filter { $0.count > 1 }
        guard !repeated.isEmpty else { return nil }
        let rest = tokens[from...].map { $0.text.lowercased() }
        var keptNames: [Int: String?] = [:]
        var droppedIndices: Set<Int> = []
        for group in repeated {
            let names = group.compactMap { parsed[$0].name }
            guard !names.contains(where: { rest.contains($0.lowercased()) }) else { return nil }
            keptNames[group[0]] = sharedName(names) ?? parsed[group[0]].name
            droppedIndices.formUnion(group.dropFirst())
        }
        let list = items.indices.filter { !droppedIndices.contains($0) }.map { index -> String in
            guard let name = keptNames[index], let name else { return items[index].map(\.text).joined(separator: " ") }
            return "\(parsed[index].text) AS \(name)"
        }
        let rebuilt = (["SELECT", list.joined(separator: ", ")] + tokens[from...].map(\.text)).joined(separator: " ")
        let shown = repeated.map { parsed[$0[0]].text }.joined(separator: ", ")
        return (rebuilt, "coluna repetida tirada: \(shown) aparecia mais de uma vez com nomes diferentes e o mesmo valor")
    }

    /// An item's expression (as written, and lowercased without spaces to compare) and its name
    /// after AS, if it has one.
    static func split(_ item: [SQLFormatter.Token]) -> (text: String, expression: String, name: String?) {
        var body = item
        var name: String?
        if body.count > 2, body[body.count - 2].text.lowercased() == "as" {
            name = body.last?.text
            body.removeLast(2)
        }
        return (body.map(\.text).joined(separator: " "), body.map { $0.text.lowercased() }.joined(), name)
    }

    /// What several names of one column share at the start, cut at a word boundary
    /// ("turmas_manha", "turmas_tarde" → "turmas"); nil when they share under three letters.
    static func sharedName(_ names: [String]) -> String? {
        guard names.count > 1, var shared = names.first.map(Array.init) else { return nil }
        for name in names.dropFirst() {
            shared = Array(zip(shared, Array(name)).prefix { $0.0 == $0.1 }.map(\.0))
        }
        if names.allSatisfy({ $0.count == shared.count }) { return String(shared) }
        while let last = shared.last, last != "_" { shared.removeLast() }
        while shared.last == "_" { shared.removeLast() }
        return shared.count >= 3 ? String(shared) : nil
    }
}
