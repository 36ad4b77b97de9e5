import Database
import Foundation

extension SQLLexer {
    /// A query rebuilt from token texts joined by spaces, spaced as people write it: no space
    /// before `,` `)` `.` or after `(`, and a function's name against its `(` (`count(*)`, not
    /// `count ( * )`). Strings, quoted names and comments are kept as they are.
    public static func tidied(_ sql: String) -> String {
        let tokens = tokens(sql)
        var text = ""
        for (index, token) in tokens.enumerated() {
            if index > 0 {
                let previous = tokens[index - 1]
                let glued = token.kind == .symbol && [",", ")", ".", ";"].contains(token.text)
                    || previous.kind == .symbol && ["(", "."].contains(previous.text)
                    || previous.kind == .word && previous.text.hasSuffix(".")
                    || token.kind == .symbol && token.text == "(" && previous.kind == .word && !SQLFormatter.keywords.contains(previous.uppercased())
                        && !["AND", "OR", "NOT", "IN", "EXISTS", "AS", "ON", "FROM", "JOIN", "WHERE", "SELECT"].contains(previous.uppercased())
                if !glued { text += " " }
            }
            text += token.text
        }
        return text
    }
}
