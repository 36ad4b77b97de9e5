import Foundation

/// "Em quais meses de 2023 a presença ficou abaixo de 90%" written `WHERE presencas < 0.9 *
/// aulas_previstas … GROUP BY mes`, beside `sum(presencas) / sum(aulas_previstas)` in SELECT: the
/// threshold is held by each row before grouping, and every month comes back with the rate of
/// its low rows, where the question asks for the months whose rate is low.
public enum RowThresholds {
    /// The first comparison of a grouped outer query's WHERE (one of the conditions its ANDs join)
    /// that writes one of `numbers` (`90` or `0.9`) and reads a column the outer SELECT or HAVING
    /// aggregates: the comparison as written. Nil when there is no such thing.
    public static func first(in sql: String, numbers: [Double]) -> String? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment }
        let lower = tokens.map { $0.text.lowercased() }
        let outer = QueryShape.outerIndices(tokens).filter { tokens[$0].kind == .word }
        guard let whereIndex = outer.first(where: { lower[$0] == "where" }),
            outer.contains(where: { lower[$0] == "group" && $0 > whereIndex })
        else { return nil }
        let clauseEnd = outer.first { $0 > whereIndex && ["group", "order", "limit", "having", "window", "union", "except", "intersect"].contains(lower[$0]) } ?? tokens.count
        let aggregated = aggregatedColumns(tokens, lower: lower, outside: whereIndex..<clauseEnd)
        guard !aggregated.isEmpty else { return nil }
        // The conditions between the WHERE's own ANDs.
        var conditions: [Range<Int>] = []
        var start = whereIndex + 1
        var between = false
        for index in outer where index > whereIndex && index < clauseEnd {
            if lower[index] == "between" { between = true }
            guard lower[index] == "and" else { continue }
            // `BETWEEN x AND y` keeps its AND.
            if between {
                between = false
                continue
            }
            conditions.append(start..<index)
            start = index + 1
        }
        conditions.append(start..<clauseEnd)
        for range in conditions {
            let words = range.map { lower[$0] }
            guard words.contains(where: { ["<", ">", "<=", ">="].contains($0) }),
                words.contains(where: { word in Double(word).map(numbers.contains) ?? false }),
                words.contains(where: { aggregated.contains(unqualified($0)) })
            else { continue }
            return range.map { tokens[$0].text }.joined(separator: " ")
        }
        return nil
    }

    /// The columns read inside aggregate calls anywhere but `skipped` (the WHERE), unqualified.
    static func aggregatedColumns(_ tokens: [SQLFormatter.Token], lower: [String], outside skipped: Range<Int>) -> Set<String> {
        var columns: Set<String> = []
        for index in tokens.indices where !skipped.contains(index) && QueryShape.aggregateFunctions.contains(lower[index])
            && index + 1 < tokens.count && tokens[index + 1].text == "("
        {
            guard let close = SQLFormatter.closing(tokens, from: index + 1) else { continue }
            for inner in (index + 2)..<close where tokens[inner].kind == .word && Double(lower[inner]) == nil
                && !SQLFormatter.keywords.contains(tokens[inner].uppercased())
            {
                columns.insert(unqualified(lower[inner]))
            }
        }
        return columns
    }

    static func unqualified(_ word: String) -> String {
        String(word.split(separator: ".").last ?? "")
    }
}
