import Foundation

/// `SELECT pedra, round(sum(…) * 100.0 / count(*) FROM …`: a call left open, which SQLite
/// refuses ("near FROM: syntax error") and a small model, shown the message, writes again
/// unchanged. A parenthesis still open when its clause ends closes there.
public enum UnclosedParentheses {
    static let clauseWords: Set<String> = ["from", "where", "group", "having", "order", "limit", "union", "intersect", "except", "window"]

    /// `sql` with each parenthesis left open closed before the clause word that follows it (or
    /// at the end), and a note; nil when the parentheses balance or one closes too many.
    public static func closed(_ sql: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment }
        let opens = tokens.count { $0.kind == .symbol && $0.text == "(" }
        let closes = tokens.count { $0.kind == .symbol && $0.text == ")" }
        guard opens > closes else { return nil }
        // Open parentheses, each marked when it holds a subquery (which has clauses of its own).
        var stack: [Bool] = []
        var insertions: [(offset: Int, count: Int)] = []
        for (index, token) in tokens.enumerated() {
            if token.kind == .symbol, token.text == "(" {
                stack.append(index + 1 < tokens.count && tokens[index + 1].text.lowercased() == "select")
            } else if token.kind == .symbol, token.text == ")" {
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
            } else if token.kind == .word, clauseWords.contains(token.text.lowercased()) {
                var count = 0
                while stack.last == false {
                    stack.removeLast()
                    count += 1
                }
                if count > 0 { insertions.append((token.start, count)) }
            }
        }
        // Left open at the end (a subquery's own parenthesis included).
        if !stack.isEmpty, let last = tokens.last(where: { $0.text != ";" }) { insertions.append((last.start + last.text.count, stack.count)) }
        guard insertions.reduce(0, { $0 + $1.count }) == opens - closes else { return nil }
        // Each close goes right after the text it ends, before the space that leads to the clause.
        let characters = Array(sql)
        var text = sql
        for insertion in insertions.reversed() {
            var offset = insertion.offset
            while offset > 0, characters[offset - 1].isWhitespace { offset -= 1 }
            text.insert(contentsOf: String(repeating: ")", count: insertion.count), at: text.index(text.startIndex, offsetBy: offset))
        }
        let total = opens - closes
        return (text, total == 1 ? "parêntese que ficou aberto fechado antes da cláusula seguinte" : "\(total) parênteses que ficaram abertos fechados antes da cláusula seguinte")
    }
}
