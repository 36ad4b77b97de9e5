import Database
import Foundation

/// "Quantos concluíram, quantos foram transferidos": a small model writes the same counting
/// SELECT once per value, joined by UNION, and keeps doing it when told to group. The result is
/// a column of numbers with nothing saying which value each one counts (and UNION drops a
/// count equal to another). One SELECT with `coluna IN (…)`, the column shown and grouped by,
/// is the same query with the row labelled.
public enum UnionOfValues {
    /// The merged query and the column it now groups by; nil unless every part of a top-level
    /// UNION is the same aggregate SELECT, save one `coluna = 'valor'` literal and the column names.
    public static func merged(_ sql: String) -> (sql: String, column: String)? {
        typealias Token = SQLFormatter.Token
        var parts = QueryShape.unionParts(sql)
        guard parts.count > 1, let first = parts.first else { return nil }
        let length = first.count
        // The last part may carry the whole UNION's ORDER BY or LIMIT.
        var tail: [Token] = []
        if let last = parts.last, last.count > length {
            tail = Array(last[length...])
            guard ["order", "limit"].contains(tail[0].text.lowercased()) else { return nil }
            parts[parts.count - 1] = Array(last[..<length])
        }
        guard parts.allSatisfy({ $0.count == length }) else { return nil }

        var literal: Int?
        var renamed: Set<Int> = []
        for position in 0..<length {
            let texts = Set(parts.map { $0[position].text.lowercased() })
            guard texts.count > 1 else { continue }
            if position > 0, first[position - 1].text.lowercased() == "as", first[position].kind != .symbol {
                renamed.insert(position)
            } else if literal == nil, first[position].kind == .string && first[position].text.hasPrefix("'") || first[position].text.first?.isNumber == true {
                literal = position
            } else {
                return nil
            }
        }
        guard let literal, literal >= 2, first[literal - 1].text == "=", first[literal - 2].kind == .word else { return nil }
        let values = parts.map { $0[literal].text }
        guard Set(values).count == values.count else { return nil }
        let column = first[literal - 2].text

        var tokens: [String] = []
        var index = 0
        while index < length {
            if index == literal - 2 {
                tokens += [column, "IN", "(" + values.joined(separator: ", ") + ")"]
                index += 3
            } else if renamed.contains(index + 1) {
                index += 2  // "AS turmas_manha": a name that held for one value only
            } else {
                tokens.append(first[index].text)
                index += 1
            }
        }
        guard let grouped = withGroupColumn(tokens, column: column) else { return nil }
        return (SQLLexer.tidied((grouped + tail.map(\.text)).joined(separator: " ")), column)
    }

    /// `tokens` with `column` first in the SELECT list and in the outer GROUP BY; nil when the
    /// query is not an aggregate (a UNION of lists is a list either way).
    static func withGroupColumn(_ tokens: [String], column: String) -> [String]? {
        var depth = 0
        var from: Int?
        var groupBy: Int?
        var groupEnd: Int?
        var tail: Int?
        for (index, token) in tokens.enumerated() {
            let lower = token.lowercased()
            if token == "(" { depth += 1 }
            if token == ")" { depth -= 1 }
            guard depth == 0 else { continue }
            if lower == "from", from == nil { from = index }
            if lower == "by", index > 0, tokens[index - 1].lowercased() == "group" { groupBy = index }
            if groupBy != nil, groupEnd == nil, ["having", "order", "limit", "window"].contains(lower) { groupEnd = index }
            if from != nil, tail == nil, ["order", "limit", "having"].contains(lower) { tail = index }
        }
        guard tokens.first?.lowercased() == "select", let from, tokens[1..<from].contains(where: { QueryShape.aggregateFunctions.contains($0.lowercased()) })
        else { return nil }
        let name = column.lowercased(), bare = String(name.split(separator: ".").last ?? Substring(name))
        func names(_ token: String) -> Bool {
            let lower = token.lowercased()
            return lower == name || lower == bare || lower.hasSuffix("." + bare)
        }
        var result = tokens
        if let groupBy {
            let end = groupEnd ?? tokens.count
            if !tokens[(groupBy + 1)..<end].contains(where: names) { result.insert(contentsOf: [",", column], at: end) }
        } else {
            result.insert(contentsOf: ["GROUP", "BY", column], at: tail ?? tokens.count)
        }
        // Shown first, unless the SELECT list already has it.
        var start = 1
        if result.count > 1, result[1].lowercased() == "distinct" { start = 2 }
        if !result[start..<from].contains(where: names) { result.insert(contentsOf: [column, ","], at: start) }
        return result
    }
}
