import Foundation

/// `SELECT avg(v.inde) … GROUP BY t.turno`: a number per shift, and nothing saying which shift
/// each row is. The grouped column joins the result, first, so each row says its group.
public enum HiddenGroups {
    /// The outer query with each plain column it groups by and does not show put first in its
    /// SELECT list, and a note; nil when every group shows, or the query has no aggregate, a
    /// LIMIT (a "which one" answer, where the gold is often the number alone), DISTINCT, a
    /// window or a UNION.
    public static func shown(_ sql: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, _) = QueryShape.outerSelectList(tokens) else { return nil }
        var depth = 0
        var groupStart: Int?
        var groupEnd = tokens.count
        for (index, token) in tokens.enumerated() {
            let lower = token.text.lowercased()
            if token.kind == .symbol, lower == "(" { depth += 1 }
            if token.kind == .symbol, lower == ")" { depth -= 1 }
            guard depth == 0, token.kind == .word else { continue }
            if ["union", "intersect", "except", "over", "window", "distinct", "limit"].contains(lower) { return nil }
            if lower == "by", index > 0, tokens[index - 1].text.lowercased() == "group" { groupStart = index + 1 }
            if let start = groupStart, index >= start, groupEnd == tokens.count, ["having", "order"].contains(lower) { groupEnd = index }
        }
        guard let start = groupStart, start < groupEnd, items.contains(where: BareColumns.callsAggregate) else { return nil }
        // The group expressions, split at commas (no parentheses: plain columns only).
        var groups: [[SQLFormatter.Token]] = [[]]
        for token in tokens[start..<groupEnd] {
            if token.text == "," { groups.append([]) } else { groups[groups.count - 1].append(token) }
        }
        let shownWords = Set(items.flatMap { $0.filter { $0.kind == .word }.flatMap { word in
            [word.text.lowercased(), String(word.text.lowercased().split(separator: ".").last ?? "")]
        } })
        var missing: [String] = []
        for group in groups {
            let text = group.map(\.text).joined()
            guard text.wholeMatch(of: #/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/#) != nil else { return nil }
            let parts = text.lowercased().split(separator: ".").map(String.init)
            let name = parts.last ?? ""
            // Shown as itself (`t.turno`), by its name, or under that name as an alias; a key
            // (`al.id`) is shown by any other column of its table (`al.ra, al.nome`).
            if shownWords.contains(name) || shownWords.contains(text.lowercased()) { continue }
            if parts.count == 2, name == "id" || name.hasSuffix("_id"), shownWords.contains(where: { $0.hasPrefix(parts[0] + ".") }) { continue }
            missing.append(text)
        }
        guard !missing.isEmpty else { return nil }
        var texts = tokens.map(\.text)
        texts.insert(missing.joined(separator: ", ") + ",", at: 1)
        let listed = missing.joined(separator: ", ")
        return (texts.joined(separator: " "), "\(listed) acrescentado ao resultado: a consulta agrupa por \(listed), e sem isso não se sabe de que grupo é cada linha")
    }
}
