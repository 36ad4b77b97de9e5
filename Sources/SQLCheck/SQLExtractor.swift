import Foundation

/// What was found in the model's answer.
public enum Extraction: Sendable, Equatable {
    case sql(String)
    /// No query in it (prose only, or an empty answer): a failure to correct, not a crash.
    case noSQL(reason: String)
    /// A query longer than any answer to a question needs (`SQLExtractor.longestQuery`): a
    /// literal or comment with no end, which no check should have to read.
    case tooLong(characters: Int)

    /// What to tell the model and the user, and the hint for the correction.
    public var problem: (message: String, hint: String)? {
        switch self {
        case .sql: return nil
        case .noSQL: return ("a resposta não tinha uma consulta SQL", "responda só com uma consulta SELECT")
        case .tooLong(let characters):
            return ("a consulta tem \(characters) caracteres, mais que o limite de \(SQLExtractor.longestQuery)",
                    "escreva uma consulta curta, sem textos ou comentários longos")
        }
    }
}

/// Pulls the SQL query out of what a model wrote: the first statement, with any statements
/// that follow it (so validation refuses them in words rather than they go unseen).
public enum SQLExtractor {
    /// Characters in the longest query accepted: ten times what 400 tokens of SQL come to.
    public static let longestQuery = 4_000

    public static func extract(from answer: String) -> Extraction {
        let text = withoutThinking(answer)
        // Fenced blocks first: ```sql … ``` (or an unlabelled fence holding SQL).
        for block in fencedBlocks(in: text) {
            if let statement = statements(in: block) { return checked(statement) }
        }
        if let statement = statements(in: text) { return checked(statement) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return .noSQL(reason: trimmed.isEmpty ? "o modelo não respondeu nada" : "o modelo respondeu em texto, sem uma consulta SQL")
    }

    /// Drops `<think>…</think>` blocks, and an unterminated one that runs to the end.
    static func withoutThinking(_ text: String) -> String {
        var result = text
        while let open = result.range(of: "<think>", options: .caseInsensitive) {
            if let close = result.range(of: "</think>", options: .caseInsensitive, range: open.upperBound..<result.endIndex) {
                result.removeSubrange(open.lowerBound..<close.upperBound)
            } else {
                result.removeSubrange(open.lowerBound..<result.endIndex)
            }
        }
        return result
    }

    static func fencedBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "```") {
            let afterFence = rest[open.upperBound...]
            // Skip a language tag on the opening line (sql, sqlite, SQL…).
            let bodyStart = afterFence.firstIndex(of: "\n").map { afterFence.index(after: $0) } ?? afterFence.endIndex
            guard let close = afterFence[bodyStart...].range(of: "```") else {
                blocks.append(String(afterFence[bodyStart...]))  // an unclosed fence: the answer was cut
                break
            }
            blocks.append(String(afterFence[bodyStart..<close.lowerBound]))
            rest = afterFence[close.upperBound...]
        }
        return blocks
    }

    private static func checked(_ statement: String) -> Extraction {
        statement.count > longestQuery ? .tooLong(characters: statement.count) : .sql(statement)
    }

    /// From the first statement keyword to the end of that statement, without the semicolon;
    /// with the statement right after it (`SELECT …; DROP TABLE alunos`), if there is one:
    /// two are enough for validation to refuse the reply and say what came.
    static func statements(in text: String) -> String? {
        guard let start = firstKeyword(in: text[...]) else { return nil }
        var end = text.index(start, offsetBy: SQLScanner.statementPrefix(String(text[start...])).count)
        // Past the semicolon (or the blank line): another statement only if one starts right there.
        let next = skippingSeparators(text[end...])
        if startsStatement(next) {
            end = text.index(next.startIndex, offsetBy: SQLScanner.statementPrefix(String(next)).count)
        }
        let cleaned = text[start..<end].trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    /// `text` after leading whitespace, semicolons and comments.
    private static func skippingSeparators(_ text: Substring) -> Substring {
        var rest = text
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == ";" }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                guard let close = rest.range(of: "*/") else { return rest[rest.endIndex...] }
                rest = rest[close.upperBound...]
            } else {
                return rest
            }
        }
    }

    /// Where the first statement starts: SELECT, a WITH that opens a CTE (not the "with" of
    /// "Here is the query with the count"), or a write in its unmistakable shape (DROP TABLE,
    /// DELETE FROM…), which is extracted so validation can refuse it in words.
    private static func firstKeyword(in text: Substring) -> String.Index? {
        var rest = text
        while let match = rest.firstMatch(of: keywords) {
            if startsStatement(text[match.range.lowerBound...]) { return match.range.lowerBound }
            rest = text[match.range.upperBound...]
        }
        return nil
    }

    /// Whether a statement starts right at the beginning of `text`.
    private static func startsStatement(_ text: Substring) -> Bool {
        guard text.prefixMatch(of: keywords) != nil else { return false }
        return text.prefix(4).lowercased() != "with" || text.prefixMatch(of: commonTableExpression) != nil
    }

    nonisolated(unsafe) private static let keywords = try! Regex(
        #"(?i)\b(?:select|with)\b\s+\S|\b(?:drop|create|alter)\s+(?:temp\s+|temporary\s+)?(?:table|index|view|trigger)\b|\bdelete\s+from\b|\binsert\s+(?:or\s+\w+\s+)?into\b|\bupdate\s+\w+\s+set\b|\battach\s+(?:database\s+)?'|\bpragma\s+\w+|\bvacuum\b|\breplace\s+into\b"#)

    /// `WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (`: the shape of a CTE.
    nonisolated(unsafe) private static let commonTableExpression = try! Regex(
        #"(?i)^with\s+(?:recursive\s+)?(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|\w+)\s*(?:\([^()]*\)\s*)?as\s+(?:not\s+)?(?:materialized\s+)?\("#)
}

/// Just enough lexing of SQL to find statement boundaries: quotes, identifiers in
/// brackets or backticks, and comments hide semicolons.
public enum SQLScanner {
    /// The text up to the first semicolon outside quotes and comments (exclusive), or up to a
    /// blank line followed by prose, or the whole text.
    static func statementPrefix(_ text: String) -> String {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            switch c {
            case "'", "\"", "`":
                index = skipQuoted(characters, from: index, closer: c)
            case "[":
                index = skipQuoted(characters, from: index, closer: "]")
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                while index < characters.count && characters[index] != "\n" { index += 1 }
            case "/" where index + 1 < characters.count && characters[index + 1] == "*":
                index += 2
                while index + 1 < characters.count && !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            case ";":
                return String(characters[..<index])
            case "\n" where index + 1 < characters.count && characters[index + 1] == "\n":
                // A blank line: what follows is SQL only if it continues the statement.
                let rest = String(characters[(index + 2)...]).trimmingCharacters(in: .whitespaces)
                if !startsLikeSQL(rest) { return String(characters[..<index]) }
                index += 1
            default:
                index += 1
            }
        }
        return text
    }

    /// How many statements the text holds (ignoring empty ones and a trailing semicolon).
    public static func statementCount(_ text: String) -> Int {
        var count = 0
        var rest = text
        while !rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let first = statementPrefix(rest)
            if !first.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { count += 1 }
            guard first.count < rest.count else { break }
            rest = String(rest.dropFirst(first.count + 1))
        }
        return count
    }

    private static func skipQuoted(_ characters: [Character], from start: Int, closer: Character) -> Int {
        var index = start + 1
        while index < characters.count {
            if characters[index] == closer {
                // A doubled quote is an escaped quote inside the literal.
                if index + 1 < characters.count, characters[index + 1] == closer, closer != "]" {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    private static let continuations = [
        "from", "where", "join", "left", "inner", "cross", "group", "order", "having", "limit", "union", "and", "or", "on", "select", ")", ",",
    ]

    private static func startsLikeSQL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return continuations.contains { lower.hasPrefix($0) }
    }
}
