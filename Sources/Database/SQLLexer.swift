import Foundation

/// One piece of an SQL statement as SQLite reads it, and where it starts in the text.
public struct SQLToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A keyword or an unquoted name; a qualified name stays one word (`t.turno`, `main.alunos`),
        /// and so does a qualifier before a quoted name (`t.` of `t."Nº Turma"`).
        case word
        /// A name in double quotes, backticks or brackets: `"Nota 2024"`, `` `ano` ``, `[Nº Turma]`.
        case quotedName
        /// A string literal in single quotes, with `''` for a quote inside it.
        case string
        /// A number as written: `2024`, `0.5`, `.5`, `1e3`, `0x1F`.
        case number
        /// A parameter: `?`, `?1`, `:nome`, `@nome`, `$nome`.
        case parameter
        /// `-- …` to the end of the line, or `/* … */`.
        case comment
        /// An operator or a punctuation mark; two-character operators stay together.
        case symbol
    }

    public let kind: Kind
    public let text: String
    /// Where the token starts in the text it was read from, in characters.
    public var start: Int

    public init(kind: Kind, text: String, start: Int = 0) {
        self.kind = kind
        self.text = text
        self.start = start
    }

    /// Where the token ends in the text it was read from, in characters.
    public var end: Int { start + text.count }

    public func uppercased() -> String { text.uppercased() }

    /// Whether this is the unquoted word `word`, in any case: a keyword test that a quoted
    /// name or a string that happens to spell it never passes.
    public func isKeyword(_ word: String) -> Bool {
        kind == .word && text.caseInsensitiveCompare(word) == .orderedSame
    }

    /// The name this token spells, as SQLite matches it: a word as written, a quoted name
    /// without its quotes (`"Nota 2024"` → Nota 2024); nil for anything else.
    public var name: String? {
        switch kind {
        case .word: return text
        case .quotedName: return SQLLexer.unquoted(text)
        default: return nil
        }
    }
}

/// Reads SQL into tokens: string literals told from quoted names in every quoting style,
/// letters of any alphabet in names (`matrículas`), comments, numbers and parameters, each
/// with its position, so a rule can change one piece and keep the rest of the text as written.
public enum SQLLexer {
    public static func tokens(_ sql: String) -> [SQLToken] {
        let characters = Array(sql)
        var tokens: [SQLToken] = []
        var index = 0
        func isNameCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || character == "_" || character == "$"
        }
        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
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
                tokens.append(SQLToken(kind: character == "'" ? .string : .quotedName, text: String(characters[index..<end]), start: index))
                index = end
            } else if character == "-", next == "-" {
                var end = index
                while end < characters.count, characters[end] != "\n" { end += 1 }
                tokens.append(SQLToken(kind: .comment, text: String(characters[index..<end]), start: index))
                index = end
            } else if character == "/", next == "*" {
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(end + 2, characters.count)
                tokens.append(SQLToken(kind: .comment, text: String(characters[index..<end]), start: index))
                index = end
            } else if character.isNumber || character == "." && next?.isNumber == true && !(tokens.last.map(endsQualifier) ?? false) {
                let end = numberEnd(characters, from: index)
                tokens.append(SQLToken(kind: .number, text: String(characters[index..<end]), start: index))
                index = end
            } else if character.isLetter || character == "_" {
                // A name and its qualifiers: `t.turno`, `main.alunos.nome`, `t.` before a quoted name.
                var end = index
                while end < characters.count, isNameCharacter(characters[end]) || characters[end] == "." {
                    end += 1
                }
                tokens.append(SQLToken(kind: .word, text: String(characters[index..<end]), start: index))
                index = end
            } else if character == "?" || (character == ":" || character == "@" || character == "$") && next.map(isNameCharacter) == true {
                var end = index + 1
                while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
                tokens.append(SQLToken(kind: .parameter, text: String(characters[index..<end]), start: index))
                index = end
            } else {
                let pair = next.map { String(character) + String($0) } ?? ""
                let length = ["<=", ">=", "<>", "!=", "||", "==", "<<", ">>", "->"].contains(pair) ? 2 : 1
                tokens.append(SQLToken(kind: .symbol, text: String(characters[index..<index + length]), start: index))
                index += length
            }
        }
        return tokens
    }

    /// Whether `token` is a qualifier waiting for its name (`t.` of `t."Nº Turma"`, or a quoted
    /// name followed by a dot), so a digit after it is part of a name, not a number.
    static func endsQualifier(_ token: SQLToken) -> Bool {
        token.kind == .word && token.text.hasSuffix(".")
    }

    /// The end of the number that starts at `start`: digits with one decimal point, an exponent,
    /// or a hexadecimal literal. A digit run glued to letters (`2024a`) is read whole, as SQLite
    /// refuses it anyway and a rule should not see a year in it.
    static func numberEnd(_ characters: [Character], from start: Int) -> Int {
        var end = start
        if characters[start] == "0", start + 1 < characters.count, characters[start + 1] == "x" || characters[start + 1] == "X" {
            end = start + 2
            while end < characters.count, characters[end].isHexDigit { end += 1 }
            return end
        }
        var seenPoint = false
        while end < characters.count {
            let character = characters[end]
            if character.isNumber {
                end += 1
            } else if character == ".", !seenPoint {
                seenPoint = true
                end += 1
            } else if character == "e" || character == "E", end + 1 < characters.count,
                characters[end + 1].isNumber || (characters[end + 1] == "+" || characters[end + 1] == "-") && end + 2 < characters.count && characters[end + 2].isNumber
            {
                end += 2
                while end < characters.count, characters[end].isNumber { end += 1 }
                break
            } else if character.isLetter || character == "_" {
                end += 1
            } else {
                break
            }
        }
        return end
    }

    /// A quoted name without its quotes, a doubled quote inside read as one.
    public static func unquoted(_ text: String) -> String {
        guard let first = text.first, ["\"", "`", "["].contains(first) else { return text }
        let close: Character = first == "[" ? "]" : first
        var body = String(text.dropFirst())
        if body.last == close { body.removeLast() }
        return close == "]" ? body : body.replacingOccurrences(of: String(repeating: close, count: 2), with: String(close))
    }
}

extension SQLLexer {
    /// The years (1900–2099) a statement writes as numbers or inside string literals
    /// (`2024`, `'2024-03-01'`), each with the literal it is in; never a year inside a name
    /// (`"Nota 2024"`, `censo2024`) or a comment.
    public static func years(inQuery sql: String) -> [(year: String, literal: String)] {
        tokens(sql).flatMap { token -> [(year: String, literal: String)] in
            switch token.kind {
            case .number:
                return token.text.wholeMatch(of: SQLLexer.wholeYear) == nil ? [] : [(token.text, token.text)]
            case .string:
                return token.text.matches(of: SQLLexer.yearInText).map { (String(token.text[$0.range]), token.text) }
            default:
                return []
            }
        }
    }
}

extension SQLLexer {
    /// For each character of a statement: how many parentheses are open around it (a `(` counts
    /// itself, a `)` does not), or -1 inside a string, a quoted name or a comment, where no
    /// keyword, name or parenthesis is read.
    public static func depths(_ characters: [Character]) -> [Int] {
        var result = [Int](repeating: 0, count: characters.count)
        var depth = 0
        var position = 0
        for token in tokens(String(characters)) {
            for index in position..<token.start { result[index] = depth }
            switch token.kind {
            case .string, .quotedName, .comment:
                for index in token.start..<token.end { result[index] = -1 }
            case .symbol where token.text == "(":
                depth += 1
                result[token.start] = depth
            case .symbol where token.text == ")":
                depth -= 1
                result[token.start] = depth
            default:
                for index in token.start..<token.end { result[index] = depth }
            }
            position = token.end
        }
        for index in position..<characters.count { result[index] = depth }
        return result
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLLexer {
    nonisolated(unsafe) private static let wholeYear = #/(19|20)\d\d/#
    nonisolated(unsafe) private static let yearInText = #/\b(19|20)\d\d\b/#
}
