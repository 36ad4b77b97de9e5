import Database
import Foundation

/// `avg(1.0 * sum(presencas) / sum(aulas_previstas))`: an aggregate around one, which SQLite
/// refuses ("misuse of aggregate"). The inner totals already answer for the group (or for the
/// whole query, with no GROUP BY): the outer call goes, and the ratio stays.
public enum NestedAggregates {
    /// `sql` with each aggregate call whose argument holds another aggregate call replaced by
    /// its argument, in parentheses, and a note; nil when there is none. A window (`sum(count(*))
    /// OVER ()`) is valid SQL and is left alone.
    public static func unwrapped(_ sql: String) -> (sql: String, note: String)? {
        var tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        let aggregates = QueryShape.aggregateFunctions
        func isCall(_ index: Int) -> Bool {
            index + 1 < tokens.count && tokens[index].kind == .word && aggregates.contains(tokens[index].text.lowercased()) && tokens[index + 1].text == "("
        }
        func closing(_ open: Int) -> Int? { SQLFormatter.closing(tokens, from: open) }
        var unwrapped: [String] = []
        var index = 0
        while index < tokens.count {
            guard isCall(index), let end = closing(index + 1), ((index + 2)..<end).contains(where: isCall),
                !(end + 1 < tokens.count && ["over", "filter"].contains(tokens[end + 1].text.lowercased()))
            else {
                index += 1
                continue
            }
            unwrapped.append(tokens[index].text)
            let inner = Array(tokens[(index + 2)..<end])
            tokens.replaceSubrange(index...end, with: [SQLFormatter.Token(kind: .symbol, text: "(")] + inner + [SQLFormatter.Token(kind: .symbol, text: ")")])
            index += inner.count + 2
        }
        guard !unwrapped.isEmpty else { return nil }
        let names = unwrapped.map { $0.lowercased() + "(…)" }.joined(separator: ", ")
        return (SQLLexer.tidied(tokens.map(\.text).joined(separator: " ")),
                "\(names) em volta de outra agregação tirado: o SQLite não aceita uma dentro da outra, e os totais de dentro já são os do grupo")
    }
}
