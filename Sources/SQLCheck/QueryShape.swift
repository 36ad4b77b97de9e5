import Database
import Foundation

/// A query with its literals blanked, so two queries that differ only in years, names and numbers
/// compare equal: how the assistant sees that the model wrote an example's query back.
public enum QueryShape {
    public static func of(_ sql: String) -> String {
        var words = SQLFormatter.tokenize(sql).compactMap { token -> String? in
            switch token.kind {
            case .comment: return nil
            case .string, .parameter: return "?"
            case .number: return "0"
            case .word, .quotedName: return token.text.lowercased()
            case .symbol: return token.text == ";" ? nil : token.text
            }
        }
        // A final LIMIT says how many rows to show, not what is asked: compare without it.
        if words.count > 2, words[words.count - 2] == "limit", words.last == "0" { words.removeLast(2) }
        return words.joined(separator: " ")
    }

    /// SQLite's aggregate functions that the checks look for: counts, sums, averages, extremes.
    public static let aggregateFunctions: Set<String> = ["count", "sum", "avg", "total", "min", "max"]

    /// Whether a shape has a blanked value or number in it.
    public static func hasLiterals(_ shape: String) -> Bool {
        shape.split(separator: " ").contains { $0 == "?" || $0 == "0" }
    }
}

extension QueryShape {
    /// What the outermost SELECT groups by, as written without its qualifier (`t.turno` → turno,
    /// lowercased), and whether it has a HAVING; nil when it does not group. An item that is a
    /// function of one column (`substr(f.mes, 1, 4)`) stands for that column. Subqueries and CTE
    /// bodies are skipped: a per-student GROUP BY inside a count is not a per-group answer.
    public static func outerGrouping(_ sql: String) -> (columns: [String], having: Bool)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        let outer = outerIndices(tokens)
        let lower = tokens.map { $0.text.lowercased() }
        // The last outer GROUP BY (of the last part of a UNION), up to the clause after it.
        guard let group = outer.last(where: { lower[$0] == "group" && $0 + 1 < tokens.count && lower[$0 + 1] == "by" }) else { return nil }
        let enders: Set<String> = ["having", "order", "limit", "union", "window", "intersect", "except", "select"]
        let end = outer.first { $0 > group + 1 && tokens[$0].kind == .word && enders.contains(lower[$0]) } ?? tokens.count
        let having = outer.contains { lower[$0] == "having" && tokens[$0].kind == .word }
        var items: [[SQLFormatter.Token]] = [[]]
        let commas = Set(outer.filter { $0 > group + 1 && $0 < end && tokens[$0].text == "," })
        for index in (group + 2)..<end {
            if commas.contains(index) { items.append([]) } else { items[items.count - 1].append(tokens[index]) }
        }
        return (items.filter { !$0.isEmpty }.map(groupedColumn), having)
    }

    /// The indices of the tokens outside every parenthesis: the outer query's own clauses, not
    /// its subqueries' or calls'.
    static func outerIndices(_ tokens: [SQLFormatter.Token]) -> [Int] {
        var depth = 0
        var outer: [Int] = []
        for (index, token) in tokens.enumerated() {
            if token.kind == .symbol, token.text == "(" { depth += 1 }
            if token.kind == .symbol, token.text == ")" { depth -= 1 }
            if depth == 0 { outer.append(index) }
        }
        return outer
    }

    /// The column one GROUP BY item names: itself, or the one column a function of it reads;
    /// else its first word.
    static func groupedColumn(_ item: [SQLFormatter.Token]) -> String {
        soleColumn(item.map(\.text)) ?? String(item[0].text.lowercased().split(separator: ".").last ?? "")
    }

    /// The one column an expression reads, unqualified and lowercased: a name (`t.turno`), or a
    /// function of one column that is no aggregate (`substr(f.mes, 1, 4)` → mes); nil otherwise.
    static func soleColumn(_ words: [String]) -> String? {
        func unqualified(_ word: String) -> String { String(word.lowercased().split(separator: ".").last ?? "") }
        guard let head = words.first else { return nil }
        if words.count == 1 { return head.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? unqualified(head) : nil }
        guard words[1] == "(", !BareColumns.aggregates.contains(head.lowercased()) else { return nil }
        let names = words.indices.filter { index in
            guard let first = words[index].first, first.isLetter || first == "_", !SQLFormatter.keywords.contains(words[index].uppercased()) else { return false }
            return index + 1 == words.count || words[index + 1] != "("
        }.map { unqualified(words[$0]) }
        return Set(names).count == 1 ? names[0] : nil
    }
}

extension QueryShape {
    /// A SELECT item without its `AS name`, and that name.
    static func unaliased(_ item: [SQLFormatter.Token]) -> (body: [SQLFormatter.Token], name: String?) {
        guard item.count > 2, item[item.count - 2].text.lowercased() == "as" else { return (item, nil) }
        return (Array(item.dropLast(2)), item.last?.text)
    }

    /// The items of the outermost SELECT list (the tokens between SELECT and FROM, split at the
    /// commas outside parentheses) and where its FROM is; nil for a query that does not start
    /// with SELECT or has no FROM. `tokens` as `SQLFormatter.tokenize` gives them, comments out.
    static func outerSelectList(_ tokens: [SQLFormatter.Token]) -> (items: [[SQLFormatter.Token]], from: Int)? {
        guard tokens.first?.text.lowercased() == "select" else { return nil }
        var depth = 0
        var commas: [Int] = []
        for (index, token) in tokens.enumerated() where token.kind == .symbol || token.kind == .word {
            let lower = token.text.lowercased()
            if lower == "(" { depth += 1 }
            if lower == ")" { depth -= 1 }
            guard depth == 0 else { continue }
            if lower == "," { commas.append(index) }
            if lower == "from", token.kind == .word {
                let bounds = [0] + commas + [index]
                return (zip(bounds, bounds.dropFirst()).map { Array(tokens[($0 + 1)..<$1]) }, index)
            }
        }
        return nil
    }
}

extension QueryShape {
    /// Whether the query aggregates anywhere: counts, sums, averages, extremes.
    public static func aggregates(_ sql: String) -> Bool {
        calls(sql, anyOf: aggregateFunctions)
    }

    /// Whether the query aggregates into counts or sums anywhere.
    public static func counts(_ sql: String) -> Bool {
        calls(sql, anyOf: ["count", "sum", "total"])
    }

    /// Whether the query calls one of `functions` (lowercase names), outside strings and names.
    public static func calls(_ sql: String, anyOf functions: some Sequence<String>) -> Bool {
        let wanted = Set(functions)
        let tokens = SQLLexer.tokens(sql)
        return tokens.indices.contains { index in
            index + 1 < tokens.count && tokens[index].kind == .word && wanted.contains(tokens[index].text.lowercased())
                && tokens[index + 1].kind == .symbol && tokens[index + 1].text == "("
        }
    }
}
