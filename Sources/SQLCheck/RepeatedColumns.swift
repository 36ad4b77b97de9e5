import Database
import Foundation

/// `SELECT t.turno, count(*) AS turmas_manha, count(*) AS turmas_tarde … GROUP BY t.turno`: a
/// small model asked "quantas de manhã e quantas de tarde" writes one column per value it heard,
/// each the same expression. Both columns hold the same number on every row, and their names say
/// otherwise. One column of each expression stays, named for what the names share (`turmas`).
public enum RepeatedColumns {
    /// The outer query with later copies of a SELECT item dropped, and a note; nil when no item
    /// repeats, or when a repeated item's name is used elsewhere in the query other than as a
    /// key of the outer ORDER BY (one that subtracts one from the other means something else by
    /// them). Keys naming a dropped copy go; the kept copy's key follows its new name.
    public static func dropped(from sql: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, from) = QueryShape.outerSelectList(tokens) else { return nil }
        let parsed = items.map(split)
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, item) in parsed.enumerated() where !item.expression.isEmpty {
            if groups[item.expression] == nil { order.append(item.expression) }
            groups[item.expression, default: []].append(index)
        }
        let repeated = order.compactMap { groups[$0] }.filter { $0.count > 1 }
        guard !repeated.isEmpty else { return nil }
        var rest = Array(tokens[from...])
        let keys = orderKeys(rest)
        // Names only an ORDER BY key may use, each key naming one alone (`turmas_manha DESC`).
        func plainKey(_ key: [SQLFormatter.Token]) -> String? {
            guard let first = key.first, key.count == 1 || (key.count == 2 && ["asc", "desc"].contains(key[1].text.lowercased())) else { return nil }
            return first.text.lowercased()
        }
        let keyNames = keys.map { plainKey(Array(rest[$0])) }
        var keptNames: [Int: String?] = [:]
        var droppedIndices: Set<Int> = []
        var renamed: [String: String?] = [:]  // a name used by an ORDER BY key → its new name, or nil when its copy goes
        for group in repeated {
            let names = group.compactMap { parsed[$0].name }
            for name in names.map({ $0.lowercased() }) {
                let uses = rest.count { $0.text.lowercased() == name }
                guard uses == keyNames.count(where: { $0 == name }) else { return nil }
            }
            let kept: String? = sharedName(names) ?? parsed[group[0]].name
            keptNames[group[0]] = kept
            droppedIndices.formUnion(group.dropFirst())
            if let first = parsed[group[0]].name { renamed[first.lowercased()] = kept }
            for index in group.dropFirst() { if let name = parsed[index].name { renamed[name.lowercased()] = .some(nil) } }
        }
        // Keys naming a dropped copy go; a kept name sorts once.
        var seen: Set<String> = []
        let survivors = keys.indices.filter { index in
            guard let name = keyNames[index], let new = renamed[name] else { return true }
            return new.map { seen.insert($0.lowercased()).inserted } ?? false
        }
        if !keys.isEmpty, survivors.count < keys.count || !renamed.isEmpty {
            var rebuilt: [SQLFormatter.Token] = []
            for index in survivors {
                var key = Array(rest[keys[index]])
                if let name = keyNames[index], let new = renamed[name], let new { key[0] = SQLFormatter.Token(kind: .word, text: new) }
                if !rebuilt.isEmpty { rebuilt.append(SQLFormatter.Token(kind: .symbol, text: ",")) }
                rebuilt += key
            }
            let span = keys.first!.lowerBound..<keys.last!.upperBound
            // No key left: the ORDER BY goes too.
            let start = rebuilt.isEmpty ? span.lowerBound - 2 : span.lowerBound
            rest.replaceSubrange(start..<span.upperBound, with: rebuilt)
        }
        let list = items.indices.filter { !droppedIndices.contains($0) }.map { index -> String in
            guard let name = keptNames[index], let name else { return items[index].map(\.text).joined(separator: " ") }
            return "\(parsed[index].text) AS \(name)"
        }
        let rebuilt = SQLLexer.tidied((["SELECT", list.joined(separator: ", ")] + rest.map(\.text)).joined(separator: " "))
        let shown = repeated.map { SQLLexer.tidied(parsed[$0[0]].text) }.joined(separator: ", ")
        return (rebuilt, "coluna repetida tirada: \(shown) aparecia mais de uma vez com nomes diferentes e o mesmo valor")
    }

    /// The keys of the outer ORDER BY in `tokens` (from FROM on), as ranges of `tokens`: split at
    /// commas outside parentheses, up to LIMIT, OFFSET or the end.
    static func orderKeys(_ tokens: [SQLFormatter.Token]) -> [Range<Int>] {
        var depth = 0
        var start: Int?
        var keys: [Range<Int>] = []
        for (index, token) in tokens.enumerated() {
            let lower = token.text.lowercased()
            if token.kind == .symbol, lower == "(" { depth += 1 }
            if token.kind == .symbol, lower == ")" { depth -= 1 }
            guard depth == 0 else { continue }
            if token.kind == .word, lower == "by", index > 0, tokens[index - 1].text.lowercased() == "order" {
                start = index + 1
                keys = []
            } else if let begin = start, token.kind == .word, ["limit", "offset", "union", "intersect", "except"].contains(lower) {
                if begin < index { keys.append(begin..<index) }
                start = nil
            } else if let begin = start, token.text == "," {
                keys.append(begin..<index)
                start = index + 1
            }
        }
        if let begin = start, begin < tokens.count { keys.append(begin..<tokens.count) }
        return keys
    }

    /// An item's expression (as written, and lowercased without spaces to compare) and its name
    /// after AS, if it has one.
    static func split(_ item: [SQLFormatter.Token]) -> (text: String, expression: String, name: String?) {
        let (body, name) = QueryShape.unaliased(item)
        return (body.map(\.text).joined(separator: " "), body.map { $0.text.lowercased() }.joined(), name)
    }

    /// What several names of one column share at the start, cut at a word boundary
    /// ("turmas_manha", "turmas_tarde" → "turmas"); nil when they share under three letters.
    static func sharedName(_ names: [String]) -> String? {
        guard names.count > 1, var shared = names.first.map(Array.init) else { return nil }
        for name in names.dropFirst() {
            shared = Array(zip(shared, Array(name)).prefix { $0.0 == $0.1 }.map(\.0))
        }
        if names.allSatisfy({ $0.count == shared.count }) { return String(shared) }
        while let last = shared.last, last != "_" { shared.removeLast() }
        while shared.last == "_" { shared.removeLast() }
        return shared.count >= 3 ? String(shared) : nil
    }
}
