import Foundation

/// A table a statement reads, found in its tokens: after FROM, after JOIN, or after a comma
/// of a FROM list, at any depth.
public struct SQLTableName: Sendable, Equatable {
    /// As SQLite reads it: quotes off, schema off (`main."Notas Finais"` → Notas Finais).
    public let name: String
    /// The token after its name, in the tokens it was read from (comments left out).
    public let next: Int
    /// Named right after FROM (not after JOIN or a comma).
    public let isFrom: Bool
    /// The parentheses around it: 0 in the outer query.
    public let depth: Int
}

extension SQLLexer {
    /// Words that cannot be a table's name or alias where a name or alias may stand.
    public static let clauseWords: Set<String> = [
        "where", "join", "inner", "left", "right", "full", "cross", "outer", "on", "using", "group", "order", "limit", "having",
        "union", "except", "intersect", "natural", "window", "as",
    ]

    /// Words that end a FROM list: after them a comma separates no tables.
    static let fromListEnds: Set<String> = ["where", "group", "order", "limit", "having", "window", "union", "except", "intersect", "join", "on", "using"]

    /// The tables `tokens` read, in order: a quoted name or one with accents is a table too
    /// (`FROM "Tabela de Aldeias" t`, `FROM matrículas m`), and so is each of a comma list.
    /// Comments are skipped; a subquery in FROM is no name, but its own FROM is read.
    public static func tableNames(_ tokens: [SQLToken]) -> [SQLTableName] {
        let tokens = tokens.filter { $0.kind != .comment }
        /// The table named at `index` and where its name ends: `t`, `"t"`, `main.t`, `main."t"`.
        func table(at index: Int) -> (name: String, next: Int)? {
            guard index < tokens.count else { return nil }
            let token = tokens[index]
            if token.kind == .word, token.text.hasSuffix("."), index + 1 < tokens.count, tokens[index + 1].kind == .quotedName {
                return (tokens[index + 1].name ?? "", index + 2)
            }
            if token.kind == .quotedName { return (token.name ?? "", index + 1) }
            guard token.kind == .word, let first = token.text.first, first.isLetter || first == "_",
                !clauseWords.contains(token.text.lowercased()), !["select", "with", "values"].contains(token.text.lowercased())
            else { return nil }
            return (String(token.text.split(separator: ".").last ?? Substring(token.text)), index + 1)
        }
        var names: [SQLTableName] = []
        var depth = 0
        // The depths at which a FROM list is being read, where a comma adds a table.
        var fromLists: Set<Int> = []
        for (index, token) in tokens.enumerated() {
            if token.kind == .symbol, token.text == "(" { depth += 1 }
            if token.kind == .symbol, token.text == ")" {
                fromLists.remove(depth)
                depth -= 1
            }
            let lower = token.kind == .word ? token.text.lowercased() : ""
            if token.kind == .word, fromListEnds.contains(lower) { fromLists.remove(depth) }
            let byComma = token.kind == .symbol && token.text == "," && fromLists.contains(depth)
            if lower == "from" { fromLists.insert(depth) }
            guard lower == "from" || lower == "join" || byComma, let (name, next) = table(at: index + 1) else { continue }
            names.append(SQLTableName(name: name, next: next, isFrom: lower == "from", depth: depth))
        }
        return names
    }
}
