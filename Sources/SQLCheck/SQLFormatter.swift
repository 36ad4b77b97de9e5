import Database
import Foundation

/// Lays out one SQL statement for reading (`:sql`): each clause on its own line, keywords in
/// capitals, long select lists one item per line. Strings, quoted names and comments are kept
/// as written, and only whitespace changes, so the statement means the same.
public enum SQLFormatter {
    public static func format(_ sql: String) -> String {
        let tokens = tokenize(sql)
        var lines: [String] = []
        var current = ""
        var depth = 0
        var clause = ""
        var index = 0
        // The AND of "BETWEEN a AND b" is not a condition of its own.
        var inBetween = false
        func newLine(_ indent: String = "") {
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(current) }
            current = indent
        }
        func append(_ text: String) {
            if !current.isEmpty, !current.hasSuffix(" "), !current.hasSuffix("("), text != ")", text != ",", !text.hasPrefix(".") , !current.hasSuffix(".") {
                current += " "
            }
            current += text
        }
        while index < tokens.count {
            let token = tokens[index]
            let upper = token.uppercased()
            if upper == "BETWEEN" { inBetween = true }
            if upper == "AND", inBetween {
                inBetween = false
                append("AND")
                index += 1
                continue
            }
            if token.kind == .word, depth == 0, let (phrase, length) = clausePhrase(tokens, at: index) {
                let isCondition = phrase == "AND" || phrase == "OR"
                if isCondition {
                    newLine("  ")
                } else {
                    newLine()
                    clause = phrase
                }
                append(phrase)
                index += length
                continue
            }
            switch token.kind {
            case .symbol where token.text == "(":
                depth += 1
                // A function call hugs its name: count(*), not count (*).
                if index > 0, tokens[index - 1].kind == .word, !keywords.contains(tokens[index - 1].uppercased()) {
                    current += "("
                } else {
                    append("(")
                }
            case .symbol where token.text == ")":
                depth -= 1
                current += ")"
            case .symbol where token.text == ",":
                current += ","
                if depth == 0, clause == "SELECT", selectListIsLong(tokens, from: index) { newLine("  ") }
            case .word where keywords.contains(upper):
                append(upper)
            default:
                append(token.text)
            }
            index += 1
        }
        newLine()
        return lines.joined(separator: "\n")
    }

    // MARK: - Tokens

    typealias Token = SQLToken

    /// The index of the parenthesis that closes the one at `open`; nil when it stays open.
    static func closing(_ tokens: [Token], from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if tokens[index].text == "(" { depth += 1 }
            if tokens[index].text == ")" { depth -= 1; if depth == 0 { return index } }
        }
        return nil
    }

    /// The statement's tokens (`SQLLexer`).
    static func tokenize(_ sql: String) -> [Token] {
        SQLLexer.tokens(sql)
    }

    // MARK: - Clauses

    /// The clause that starts at `index` ("LEFT JOIN", "ORDER BY"…) and how many words it takes.
    static func clausePhrase(_ tokens: [Token], at index: Int) -> (String, Int)? {
        func word(_ offset: Int) -> String? {
            let position = index + offset
            guard position < tokens.count, tokens[position].kind == .word else { return nil }
            return tokens[position].uppercased()
        }
        guard let first = word(0) else { return nil }
        switch first {
        case "SELECT", "FROM", "WHERE", "HAVING", "LIMIT", "JOIN", "WITH", "AND", "OR", "EXCEPT", "INTERSECT", "WINDOW":
            return (first, 1)
        case "GROUP", "ORDER":
            return word(1) == "BY" ? ("\(first) BY", 2) : nil
        case "UNION":
            return word(1) == "ALL" ? ("UNION ALL", 2) : ("UNION", 1)
        case "LEFT", "RIGHT", "FULL":
            if word(1) == "JOIN" { return ("\(first) JOIN", 2) }
            if word(1) == "OUTER", word(2) == "JOIN" { return ("\(first) OUTER JOIN", 3) }
            return nil
        case "INNER", "CROSS", "NATURAL":
            return word(1) == "JOIN" ? ("\(first) JOIN", 2) : nil
        default:
            return nil
        }
    }

    /// Whether the select list from here on is too long for one line.
    static func selectListIsLong(_ tokens: [Token], from index: Int) -> Bool {
        var start = index
        while start > 0, tokens[start].uppercased() != "SELECT" { start -= 1 }
        var end = index
        var depth = 0
        while end < tokens.count {
            if tokens[end].text == "(" { depth += 1 }
            if tokens[end].text == ")" { depth -= 1 }
            if depth == 0, tokens[end].kind == .word, tokens[end].uppercased() == "FROM" { break }
            end += 1
        }
        return tokens[start..<end].reduce(0) { $0 + $1.text.count + 1 } > 70
    }

    static let keywords: Set<String> = [
        "SELECT", "DISTINCT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "AS", "ON", "JOIN", "LEFT", "INNER",
        "OUTER", "CROSS", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "UNION", "ALL", "WITH", "CASE",
        "WHEN", "THEN", "ELSE", "END", "BETWEEN", "LIKE", "EXISTS", "CAST", "OVER", "PARTITION", "USING", "RECURSIVE",
    ]
}
