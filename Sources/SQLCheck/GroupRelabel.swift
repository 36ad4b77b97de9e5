import Database
import Foundation

/// `SELECT CASE WHEN situacao = 'concluida' THEN 'concluidos' ELSE 'transferidos' END, count(*)
/// … GROUP BY situacao`: a row per situation, each renamed, and the ELSE gives the same name to
/// two of them (evadida and transferida both read 'transferidos'). Grouped by the column, each
/// row already is one of its values: the column itself is shown, as stored.
public enum GroupRelabel {
    /// The outer query with each SELECT item that relabels a grouped column through a CASE with
    /// an ELSE (`CASE WHEN col = 'v' THEN 'label' … ELSE 'other' END`, testing that column only),
    /// or through one whose labels only respell the values (`'manhã'` as `'Manhã'`), written as
    /// the column, its AS name kept; and a note. nil when there is none.
    public static func undone(_ sql: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let grouping = QueryShape.outerGrouping(sql), let (items, _) = QueryShape.outerSelectList(tokens) else { return nil }
        let pattern = GroupRelabel.relabelling
        // With no ELSE, a CASE whose every label is its value restyled (`WHEN t.turno = 'manhã' THEN
        // 'Manhã'`) shows the same groups under other spellings.
        let restyled = GroupRelabel.restyling
        var texts = tokens.map(\.text)
        var position = 1  // after SELECT
        var undone: [String] = []
        for item in items {
            defer { position += item.count + 1 }  // the item and its comma
            let end = item.lastIndex { $0.text.lowercased() == "as" } ?? item.count
            let expression = item[..<end].map(\.text).joined(separator: " ")
            let pairs = expression.matches(of: GroupRelabel.relabelPair).map { (String($0.1), String($0.2)) }
            let respelled = expression.wholeMatch(of: restyled) != nil && pairs.allSatisfy { value, label in
                value.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                    == label.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            }
            guard expression.wholeMatch(of: pattern) != nil || respelled else { continue }
            // Every WHEN tests the same column, and the query groups by it.
            let tests = expression.matches(of: GroupRelabel.whenColumn).map { String($0.1) }
            guard let tested = tests.first, Set(tests.map { $0.lowercased() }).count == 1,
                grouping.columns.contains(String(tested.lowercased().split(separator: ".").last ?? ""))
            else { continue }
            texts.replaceSubrange(position..<(position + end), with: Array(repeating: "", count: end - 1) + [tested])
            undone.append(tested)
        }
        guard !undone.isEmpty else { return nil }
        let text = SQLLexer.tidied(texts.filter { !$0.isEmpty }.joined(separator: " "))
        return (text, "CASE trocado por \(undone.joined(separator: ", ")): a consulta agrupa por essa coluna, e cada linha já é um valor dela, mostrado como está no banco (o CASE dava um rótulo só a todos os outros, ou só mudava a grafia dos valores)")
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension GroupRelabel {
    nonisolated(unsafe) private static let relabelling = #/(?i)case\s+(?:when\s+(?:[a-z_][a-z0-9_.]*)\s*(?:=|in)\s*(?:'[^']*'|\((?:\s*'[^']*'\s*,?)+\))\s+then\s+'[^']*'\s+)+else\s+'[^']*'\s+end/#
    nonisolated(unsafe) private static let restyling = #/(?i)case\s+(?:when\s+(?:[a-z_][a-z0-9_.]*)\s*=\s*'[^']*'\s+then\s+'[^']*'\s+)+end/#
    nonisolated(unsafe) private static let relabelPair = #/(?i)=\s*'([^']*)'\s+then\s+'([^']*)'/#
    nonisolated(unsafe) private static let whenColumn = #/(?i)when\s+([a-z_][a-z0-9_.]*)/#
}
