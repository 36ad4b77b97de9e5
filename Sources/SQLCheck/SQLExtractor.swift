import Foundation

/// What was found in the model's answer.
public enum Extraction: Sendable, Equatable {
    case sql(String)
    /// No query in it (prose only, or an empty answer): a failure to correct, not a crash.
    case noSQL(reason: String)
}

/// Pulls the first complete SQL query out of what a model wrote.
public enum SQLExtractor {
    public static func extract(from answer: String) -> Extraction {
        let text = withoutThinking(answer)
        // Fenced blocks first: ```sql … ``` (or an unlabelled fence holding SQL).
        for block in fencedBlocks(in: text) {
            if let statement = firstStatement(in: block) { return .sql(statement) }
        }
        if let statement = firstStatement(in: text) { return .sql(statement) }
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

    /// From the first SELECT or WITH keyword to the end of that statement, without the semicolon.
    static func firstStatement(in text: String) -> String? {
        guard let start = firstKeyword(in: text) else { return nil }
        let statement = SQLScanner.statementPrefix(String(text[start...]))
        let cleaned = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    /// The first statement keyword: SELECT or WITH, or a write in its unmistakable shape
    /// (DROP TABLE, DELETE FROM…), which is extracted so validation can refuse it in words.
    private static func firstKeyword(in text: String) -> String.Index? {
        let pattern = try! Regex(
            #"(?i)\b(?:select|with)\b\s+\S|\b(?:drop|create|alter)\s+(?:temp\s+|temporary\s+)?(?:table|index|view|trigger)\b|\bdelete\s+from\b|\binsert\s+(?:or\s+\w+\s+)?into\b|\bupdate\s+\w+\s+set\b|\battach\s+(?:database\s+)?'|\bpragma\s+\w+|\bvacuum\b|\breplace\s+into\b"#)
        return text.firstMatch(of: pattern)?.range.lowerBound
    }
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
