import Database
import Foundation

/// "A nota de matemática da rede toda em 2024" answered per phase, the grouping of a shown
/// example the model kept after being told the question never asks for it: the GROUP BY goes,
/// with the grouped columns in SELECT and ORDER BY, and the aggregates answer for everything.
public enum UnaskedGrouping {
    /// The outer query without its grouping by `unasked` columns (bare or qualified): they leave
    /// GROUP BY (which goes when nothing else is grouped), the ORDER BY items that name them or
    /// their SELECT names, and the plain SELECT items. Nil when it groups by none of them, has
    /// HAVING, a UNION or a window, or keeps no aggregate.
    public static func removed(_ sql: String, unasked: [String]) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        let lower = tokens.map { $0.text.lowercased() }
        let outer = QueryShape.outerIndices(tokens).filter { tokens[$0].kind == .word }
        guard !outer.contains(where: { ["having", "union", "intersect", "except", "window", "over"].contains(lower[$0]) }),
            let group = outer.first(where: { lower[$0] == "group" && $0 + 1 < tokens.count && lower[$0 + 1] == "by" })
        else { return nil }
        let groupEnd = outer.first { $0 > group + 1 && ["order", "limit"].contains(lower[$0]) } ?? tokens.count
        let wanted = Set(unasked.map { $0.lowercased() })
        let columnOf = { (item: ArraySlice<String>) in QueryShape.soleColumn(Array(item)) }
        let grouped = split(lower[(group + 2)..<groupEnd])
        let isUnasked = { (item: ArraySlice<String>) in columnOf(item).map(wanted.contains) ?? false }
        let unaskedItems = grouped.filter(isUnasked)
        guard !unaskedItems.isEmpty else { return nil }
        // The names SELECT gives the grouped columns (`t.fase AS fase`) are theirs in ORDER BY too.
        var names = wanted
        if let (items, _) = QueryShape.outerSelectList(tokens) {
            for item in items {
                let words = item.map { $0.text.lowercased() }
                guard let asIndex = words.lastIndex(of: "as"), let column = columnOf(words[..<asIndex]), wanted.contains(column),
                    asIndex + 1 < words.count
                else { continue }
                names.insert(words[asIndex + 1])
            }
        }
        var texts = tokens.map(\.text)
        if let order = outer.first(where: { lower[$0] == "order" && $0 + 1 < tokens.count && lower[$0 + 1] == "by" }) {
            let orderEnd = outer.first { $0 > order + 1 && lower[$0] == "limit" } ?? tokens.count
            let items = split(texts[(order + 2)..<orderEnd])
            let kept = items.filter { item in
                let words = item.map { $0.lowercased() }.filter { $0 != "asc" && $0 != "desc" }
                return !(columnOf(words[...]).map(names.contains) ?? false)
            }
            let replacement = kept.isEmpty ? [] : ["ORDER", "BY", kept.map { $0.joined(separator: " ") }.joined(separator: ", ")]
            texts.replaceSubrange(order..<orderEnd, with: replacement)
        }
        let columns = unaskedItems.map { $0.joined() }.joined(separator: ", ")
        let note = "agrupamento por \(columns) tirado: a pergunta não pede um resultado por \(columns)"
        let keptGroups = split(texts[(group + 2)..<groupEnd]).filter { !isUnasked($0.map { $0.lowercased() }[...]) }
        guard !keptGroups.isEmpty else {
            texts.removeSubrange(group..<groupEnd)
            guard let ungrouped = BareColumns.fixed(texts.joined(separator: " "), perGroup: false) else { return nil }
            return (ungrouped.sql, note)
        }
        // Grouped by what was asked too (per gender and, unasked, per phase): only the unasked go,
        // from GROUP BY and from the plain columns of SELECT.
        texts.replaceSubrange(group..<groupEnd, with: ["GROUP", "BY", keptGroups.map { $0.joined(separator: " ") }.joined(separator: ", ")])
        guard let (items, from) = QueryShape.outerSelectList(tokens) else { return nil }
        let shown = items.filter { item in
            let words = item.map { $0.text.lowercased() }
            let column = words.lastIndex(of: "as").map { words[..<$0] } ?? words[...]
            return BareColumns.callsAggregate(item) || !isUnasked(column)
        }
        guard !shown.isEmpty else { return nil }
        texts.replaceSubrange(1..<from, with: [shown.map { $0.map(\.text).joined(separator: " ") }.joined(separator: ", ")])
        return (SQLLexer.tidied(texts.joined(separator: " ")), note)
    }

    /// Items of a clause split at the commas outside parentheses.
    static func split(_ words: ArraySlice<String>) -> [ArraySlice<String>] {
        var items: [ArraySlice<String>] = []
        var depth = 0
        var start = words.startIndex
        for index in words.indices {
            if words[index] == "(" { depth += 1 }
            if words[index] == ")" { depth -= 1 }
            if depth == 0, words[index] == "," {
                items.append(words[start..<index])
                start = index + 1
            }
        }
        if start < words.endIndex { items.append(words[start..<words.endIndex]) }
        return items.filter { !$0.isEmpty }
    }
}
