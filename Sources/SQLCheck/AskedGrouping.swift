import Database
import Foundation

/// "Qual foi a data da primeira evasão de cada ano" answered with `SELECT min(data_saida) FROM
/// matriculas WHERE …`: one date for all the years, where a row per year was asked for. The
/// column the question groups by joins the result, first, and the query groups by it.
public enum AskedGrouping {
    /// `sql` grouped by `column` (written as the caller gives it, qualified) and showing it first,
    /// with a note; nil unless every item of the outer SELECT list calls an aggregate, and the
    /// outer query has no GROUP BY, HAVING, LIMIT, DISTINCT, window or UNION. A ratio over a count
    /// (`count(*) * 1.0 / count(DISTINCT turma_id)`) is a mean per group worked out by hand, "alunos
    /// por turma, em média": one number asked for, so nil too. So is a query that already writes
    /// the column anywhere (`avg(CASE WHEN v.pedra = 'Topázio' …)`, `WHERE ano_letivo = 2024`):
    /// it does something with it that a grouping would not mend.
    public static func added(_ sql: String, column: String) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard let (items, _) = QueryShape.outerSelectList(tokens), items.allSatisfy(BareColumns.callsAggregate) else { return nil }
        let lower = tokens.map { $0.text.lowercased() }
        let name = String(column.lowercased().split(separator: ".").last ?? "")
        guard !lower.contains(where: { $0 == name || $0.hasSuffix(".\(name)") }) else { return nil }
        let outer = QueryShape.outerIndices(tokens).filter { tokens[$0].kind == .word }
        let refused: Set<String> = ["group", "having", "limit", "distinct", "over", "window", "union", "intersect", "except"]
        guard !outer.contains(where: { refused.contains(lower[$0]) }) else { return nil }
        for item in items {
            let words = item.map { $0.text.lowercased() }
            if let slash = words.firstIndex(of: "/"), words[slash...].contains("count") { return nil }
        }
        var texts = tokens.map(\.text)
        let order = outer.first { lower[$0] == "order" && $0 + 1 < tokens.count && lower[$0 + 1] == "by" }
        texts.insert("GROUP BY \(column)", at: order ?? texts.count)
        texts.insert("\(column),", at: 1)
        return (SQLLexer.tidied(texts.joined(separator: " ")), "agrupada por \(column), mostrado primeiro")
    }
}
