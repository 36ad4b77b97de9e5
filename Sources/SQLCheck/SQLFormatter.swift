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

    struct Token {
        enum Kind { case word, string, symbol, comment }
        let kind: Kind
        let text: String
        /// Where the token starts in the text it was read from, in characters.
        var start = 0
        func uppercased() -> String { text.uppercased() }
    }

    /// The text from the first of `tokens` to the end of the last, as written in `characters`
    /// (the text they were read from); empty for no tokens.
    static func source(of tokens: some BidirectionalCollection<Token>, in characters: [Character]) -> String {
        guard let first = tokens.first, let last = tokens.last else { return "" }
        return String(characters[first.start..<(last.start + last.text.count)])
    }

    /// The index of the parenthesis that closes the one at `open`; nil when it stays open.
    static func closing(_ tokens: [Token], from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if tokens[index].text == "(" { depth += 1 }
            if tokens[index].text == ")" { depth -= 1; if depth == 0 { return index } }
        }
        return nil
    }

    /// Words (names, numbers, keywords), quoted strings and names, comments, and single symbols.
    static func tokenize(_ sql: String) -> [Token] {
        let characters = Array(sql)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "'" || character == "\"" || character == "`" || character == "[" {
                let close: Character = character == "[" ? "]" : character
                var end = index + 1
                while end < characters.count {
                    if characters[end] == close {
                        // A doubled quote is an escaped quote, not the end.
                        if close != "]", end + 1 < characters.count, characters[end + 1] == close { end += 2; continue }
                        break
                    }
                    end += 1
                }
                end = min(end + 1, characters.count)
                tokens.append(Token(kind: .string, text: String(characters[index..<end]), start: index))
                index = end
            } else if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                var end = index
                while end < characters.count, characters[end] != "\n" { end += 1 }
                tokens.append(Token(kind: .comment, text: String(characters[index..<end]), start: index))
                index = end
            } else if character == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(end + 2, characters.count)
                tokens.append(Token(kind: .comment, text: String(characters[index..<end]), start: index))
                index = end
            } else if character.isLetter || character.isNumber || character == "_" || character == "." && index + 1 < characters.count && characters[index + 1].isNumber {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || characters[end] == "." {
                    end += 1
                }
                tokens.append(Token(kind: .word, text: String(characters[index..<end]), start: index))
                index = end
            } else {
                // Two-character operators stay together.
                let pair = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                let length = ["<=", ">=", "<>", "!=", "||", "=="].contains(pair) ? 2 : 1
                tokens.append(Token(kind: .symbol, text: String(characters[index..<index + length]), start: index))
                index += length
            }
        }
        return tokens
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
