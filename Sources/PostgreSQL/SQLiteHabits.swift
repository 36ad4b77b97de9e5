import Database
import Foundation

/// SQLite's ways of writing a query, in the PostgreSQL form that means the same: what a model
/// that learned SQL on SQLite (and our verified examples, written for it) writes out of habit.
///
/// - `strftime('%Y-%m', d)` → `to_char(CAST(d AS timestamp), 'YYYY-MM')`, for formats made of
///   year, month, day, hour, minute and second;
/// - `substr(d, 1, 4)` on a date → the same on its ISO text;
/// - `round(x, 2)` on a `double precision` → on its `numeric` value (PostgreSQL has no other);
/// - `avg(situacao = 'evadido')` → the average of 1 and 0, as SQLite's booleans are numbers;
/// - `LIKE` → `ILIKE`, as SQLite's LIKE ignores the case of ASCII letters;
/// - `ifnull`, `instr`, `group_concat`, `date('now')`, `julianday` → their PostgreSQL names.
///
/// Lexical, so strings and quoted names are never touched; a form it does not know is left
/// for the server to refuse, and the correction loop to mend.
enum SQLiteHabits {
    /// - Parameter textColumns: the lowercase names of the columns that hold text in the tables
    ///   the query reads, where `EXTRACT` reads a date kept as text; elsewhere it is left to the server.
    static func translated(_ sql: String, textColumns: Set<String> = []) -> String {
        var text = sql
        // One rewrite at a time, on fresh tokens: calls nest (`round(avg(x = 1), 2)`).
        for _ in 0..<64 {
            guard let next = firstRewrite(in: text, textColumns: textColumns) else { break }
            text = next
        }
        return text
    }

    private static let aggregates: Set<String> = ["sum", "avg", "total", "min", "max"]
    private static let comparisons: Set<String> = ["=", "==", "<>", "!=", "<", ">", "<=", ">="]
    private static let comparingWords = ["LIKE", "ILIKE", "IN", "IS", "BETWEEN", "AND", "OR", "NOT", "GLOB", "EXISTS"]

    /// The text with the first habit found rewritten; nil when there is none left.
    static func firstRewrite(in sql: String, textColumns: Set<String>) -> String? {
        let tokens = SQLLexer.tokens(sql).filter { $0.kind != .comment }
        let characters = Array(sql)
        func text(_ range: Range<Int>) -> String {
            guard let first = range.first, let last = range.last else { return "" }
            return String(characters[tokens[first].start..<tokens[last].end])
        }
        func replacing(_ from: Int, _ to: Int, with replacement: String) -> String {
            String(characters[..<tokens[from].start]) + replacement + String(characters[tokens[to].end...])
        }
        for (index, token) in tokens.enumerated() {
            if let close = unnamedSubquery(at: index, in: tokens) {
                return replacing(close, close, with: ") AS subconsulta\(index)")
            }
            if token.isKeyword("LIKE") {
                // The column read as text: a date's ISO text is what `LIKE '2023-%'` means on SQLite.
                let negated = index > 0 && tokens[index - 1].isKeyword("NOT")
                let left = negated ? index - 2 : index - 1
                if left >= 0, let start = columnReference(endingAt: left, in: tokens) {
                    return replacing(start, index, with: "CAST(\(text(start..<left + 1)) AS text) \(negated ? "NOT " : "")ILIKE")
                }
                return replacing(index, index, with: "ILIKE")
            }
            guard token.kind == .word, let call = call(at: index, in: tokens) else { continue }
            let name = token.text.lowercased()
            let arguments = call.arguments.map(text)
            switch name {
            case "strftime" where arguments.count == 2:
                guard tokens[call.arguments[0].lowerBound].kind == .string, call.arguments[0].count == 1,
                      let pieces = isoPieces(String(tokens[call.arguments[0].lowerBound].text.dropFirst().dropLast()), of: "CAST(\(arguments[1]) AS text)")
                else { continue }
                return replacing(index, call.close, with: pieces)
            case "extract" where call.arguments.count == 1:
                // `EXTRACT(YEAR FROM mes)` on a month kept as text ('2023-05') fails on the server: read from the ISO
                // text instead. A date, a date-time or a number is left to the server, which reads or refuses it.
                let inner = call.arguments[0]
                guard inner.count >= 3, tokens[inner.lowerBound + 1].isKeyword("FROM"),
                      let span = isoSpans[tokens[inner.lowerBound].text.uppercased()],
                      columnReference(endingAt: inner.upperBound - 1, in: tokens) == inner.lowerBound + 2
                else { continue }
                let column = text(inner.lowerBound + 2..<inner.upperBound)
                let bare = SQLLexer.unquoted(String(column.split(separator: ".").last ?? "")).lowercased()
                guard textColumns.contains(bare) else { continue }
                return replacing(index, call.close, with: "CAST(substr(CAST(\(column) AS text), \(span.start), \(span.length)) AS integer)")
            case _ where ["substr", "substring"].contains(name) && arguments.count >= 2 && !isCast(arguments[0], to: "text"):
                return replacing(index, call.close, with: "\(token.text)(" + (["CAST(\(arguments[0]) AS text)"] + arguments.dropFirst()).joined(separator: ", ") + ")")
            case "round" where arguments.count == 2 && !isCast(arguments[0], to: "numeric"):
                return replacing(index, call.close, with: "round(CAST(\(arguments[0]) AS numeric), \(arguments[1]))")
            case _ where aggregates.contains(name) && arguments.count == 1 && comparesAtTop(tokens, call.arguments[0]):
                let function = name == "total" ? "sum" : token.text
                return replacing(index, call.close, with: "\(function)(CASE WHEN \(arguments[0]) THEN 1 ELSE 0 END)")
            case "ifnull":
                return replacing(index, index, with: "coalesce")
            case "instr" where arguments.count == 2:
                return replacing(index, call.close, with: "strpos(\(arguments[0]), \(arguments[1]))")
            case "group_concat" where arguments.count == 1 || arguments.count == 2:
                let separator = arguments.count == 2 ? arguments[1] : "','"
                return replacing(index, call.close, with: "string_agg(CAST(\(arguments[0]) AS text), \(separator))")
            case "date" where arguments.count == 1:
                let now = arguments[0].lowercased() == "'now'"
                return replacing(index, call.close, with: now ? "CURRENT_DATE" : "CAST(\(arguments[0]) AS date)")
            case "julianday" where arguments.count == 1:
                return replacing(index, call.close, with: "(EXTRACT(EPOCH FROM CAST(\(arguments[0]) AS timestamp)) / 86400.0 + 2440587.5)")
            default:
                continue
            }
        }
        return nil
    }

    /// The call whose name is the token at `index`: where its parentheses close and its
    /// arguments, as token ranges split at the commas of its own level.
    static func call(at index: Int, in tokens: [SQLToken]) -> (close: Int, arguments: [Range<Int>])? {
        guard index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "(" else { return nil }
        // A qualified word is a column, not a function (`t.round`).
        guard !tokens[index].text.contains(".") else { return nil }
        var depth = 0
        var arguments: [Range<Int>] = []
        var start = index + 2
        for position in (index + 1)..<tokens.count where tokens[position].kind == .symbol {
            switch tokens[position].text {
            case "(":
                depth += 1
            case ")":
                depth -= 1
                if depth == 0 {
                    if start < position { arguments.append(start..<position) }
                    return (position, arguments)
                }
            case "," where depth == 1:
                arguments.append(start..<position)
                start = position + 1
            default:
                break
            }
        }
        return nil
    }

    /// Where a column reference that ends at `index` starts (`nome`, `t.nome`, `t."Nº Turma"`);
    /// nil for a keyword, a literal or an expression.
    static func columnReference(endingAt index: Int, in tokens: [SQLToken]) -> Int? {
        let token = tokens[index]
        if token.kind == .quotedName {
            return index > 0 && tokens[index - 1].kind == .word && tokens[index - 1].text.hasSuffix(".") && tokens[index - 1].end == token.start
                ? index - 1 : index
        }
        guard token.kind == .word, !token.text.hasSuffix(".") else { return nil }
        let parts = token.text.split(separator: ".").map(String.init)
        guard let last = parts.last, !last.isEmpty, parts.count > 1 || isPlainIdentifier(last) else { return nil }
        return index
    }

    /// Where a subquery read FROM closes, when no name follows it: SQLite reads it as it is,
    /// PostgreSQL (before 16) wants it named.
    static func unnamedSubquery(at index: Int, in tokens: [SQLToken]) -> Int? {
        guard index > 0, tokens[index].kind == .symbol, tokens[index].text == "(", tokens[index - 1].isKeyword("FROM") || tokens[index - 1].isKeyword("JOIN"),
              index + 1 < tokens.count, tokens[index + 1].isKeyword("SELECT") || tokens[index + 1].isKeyword("WITH") else { return nil }
        var depth = 0
        for position in index..<tokens.count where tokens[position].kind == .symbol {
            if tokens[position].text == "(" { depth += 1 }
            guard tokens[position].text == ")" else { continue }
            depth -= 1
            guard depth == 0 else { continue }
            guard position + 1 < tokens.count else { return position }
            let next = tokens[position + 1]
            let clauses = ["WHERE", "GROUP", "ORDER", "LIMIT", "JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "NATURAL", "ON", "UNION",
                           "INTERSECT", "EXCEPT", "HAVING", "WINDOW", "OFFSET"]
            let named = next.isKeyword("AS") || (next.kind == .word && !clauses.contains(where: next.isKeyword)) || next.kind == .quotedName
            return named ? nil : position
        }
        return nil
    }

    /// Whether an argument compares at its own level (`situacao = 'evadido'`), so it is a boolean.
    static func comparesAtTop(_ tokens: [SQLToken], _ range: Range<Int>) -> Bool {
        var depth = 0
        for position in range {
            let token = tokens[position]
            if token.kind == .symbol, token.text == "(" { depth += 1 }
            if token.kind == .symbol, token.text == ")" { depth -= 1 }
            if depth == 0, token.isKeyword("CASE") || token.isKeyword("DISTINCT") { return false }
            if depth == 0, (token.kind == .symbol && comparisons.contains(token.text)) || comparingWords.contains(where: token.isKeyword) {
                return true
            }
        }
        return false
    }

    static func isCast(_ argument: String, to type: String) -> Bool {
        let folded = argument.lowercased().replacingOccurrences(of: " ", with: "")
        return folded.hasPrefix("cast(") && folded.hasSuffix("as\(type))")
    }

    /// `column` added to the GROUP BY of the query level where `position` (from 1, as the server
    /// counts) points: SQLite lets a query show a column it does not group by, PostgreSQL wants
    /// it grouped (`GROUP BY e.id` showing `e.nome`). Nil when that level has no GROUP BY.
    static func grouping(_ sql: String, at position: Int) -> String? {
        let tokens = SQLLexer.tokens(sql).filter { $0.kind != .comment }
        var depths: [Int] = []
        var depth = 0
        for token in tokens {
            if token.kind == .symbol, token.text == ")" { depth -= 1 }
            depths.append(depth)
            if token.kind == .symbol, token.text == "(" { depth += 1 }
        }
        guard var target = tokens.firstIndex(where: { $0.start <= position - 1 && position - 1 < $0.end }),
              [.word, .quotedName].contains(tokens[target].kind) else { return nil }
        // `p."nameLast"` is two tokens, the qualifier and the quoted name: the reference is both.
        var first = target
        if tokens[target].kind == .word, tokens[target].text.hasSuffix("."), target + 1 < tokens.count, tokens[target + 1].kind == .quotedName {
            target += 1
        }
        if tokens[target].kind == .quotedName, target > 0, tokens[target - 1].kind == .word, tokens[target - 1].text.hasSuffix("."),
           tokens[target - 1].end == tokens[target].start {
            first = target - 1
        }
        let level = depths[target]
        func isGroupBy(_ index: Int) -> Bool {
            depths[index] == level && tokens[index].isKeyword("GROUP") && index + 1 < tokens.count && tokens[index + 1].isKeyword("BY")
        }
        var found: Int?
        var index = target
        while index < tokens.count, depths[index] >= level, found == nil {
            if isGroupBy(index) { found = index }
            index += 1
        }
        index = target
        while index >= 0, depths[index] >= level, found == nil {
            if isGroupBy(index) { found = index }
            index -= 1
        }
        guard let groupBy = found else { return nil }
        let ends = ["HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "INTERSECT", "EXCEPT", "OFFSET", "FETCH"]
        var last = groupBy + 1
        var next = groupBy + 2
        while next < tokens.count, depths[next] >= level,
              !(depths[next] == level && (ends.contains(where: tokens[next].isKeyword) || tokens[next].text == ";")) {
            last = next
            next += 1
        }
        guard last > groupBy + 1 else { return nil }
        let characters = Array(sql)
        let reference = String(characters[tokens[first].start..<tokens[target].end])
        return String(characters[..<tokens[last].end]) + ", " + reference + String(characters[tokens[last].end...])
    }

    /// Where each field sits in ISO text (`2024-03-15 08:30:00`), from 1 as substr counts.
    static let isoSpans: [String: (start: Int, length: Int)] = [
        "YEAR": (1, 4), "MONTH": (6, 2), "DAY": (9, 2), "HOUR": (12, 2), "MINUTE": (15, 2), "SECOND": (18, 2),
    ]

    /// A strftime format read from the ISO text `text`: `'%Y-%m'` → `substr(text, 1, 7)`,
    /// `'%m/%Y'` → `substr(text, 6, 2) || '/' || substr(text, 1, 4)`. As SQLite reads it, the
    /// same for a date, a date-time, and a date or a month kept as text. Nil for other fields.
    static func isoPieces(_ format: String, of text: String) -> String? {
        enum Part {
            case span(start: Int, end: Int)
            case literal(Character)
        }
        let fields: [Character: String] = ["Y": "YEAR", "m": "MONTH", "d": "DAY", "H": "HOUR", "M": "MINUTE", "S": "SECOND"]
        var parts: [Part] = []
        var characters = format.makeIterator()
        while let character = characters.next() {
            if character == "%" {
                guard let field = characters.next(), let name = fields[field], let span = isoSpans[name] else { return nil }
                let part = Part.span(start: span.start, end: span.start + span.length - 1)
                // `%Y-%m`: a field that follows the one before it in the ISO text, joined by the ISO separator, extends it.
                if parts.count >= 2, case .literal(let separator) = parts[parts.count - 1], case .span(let start, let end) = parts[parts.count - 2],
                   end + 2 == span.start, separator == isoSeparator(before: span.start) {
                    parts.removeLast(2)
                    parts.append(.span(start: start, end: span.start + span.length - 1))
                } else {
                    parts.append(part)
                }
            } else if "-/: .".contains(character) {
                parts.append(.literal(character))
            } else {
                return nil
            }
        }
        let written = parts.map { part -> String in
            switch part {
            case .span(let start, let end): return "substr(\(text), \(start), \(end - start + 1))"
            case .literal(let character): return "'\(character)'"
            }
        }
        guard !written.isEmpty else { return nil }
        return written.count == 1 ? written[0] : "(" + written.joined(separator: " || ") + ")"
    }

    /// The character before position `start` in ISO text: `-` inside the date, ` ` before the hour, `:` inside the time.
    static func isoSeparator(before start: Int) -> Character {
        start <= 9 ? "-" : start == 12 ? " " : ":"
    }
}
