import Database
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
        find(in: sql, numbers: numbers).map { found in found.condition.map(\.text).joined(separator: " ") }
    }

    /// The same comparison as the group holds it, for HAVING: each column wrapped in the
    /// aggregate the query applies to it (`f.presencas < 0.9 * f.aulas_previstas` → `sum(f.presencas)
    /// < 0.9 * sum(f.aulas_previstas)`). Nil when there is no such comparison, or it reads a column
    /// the query does not aggregate.
    public static func groupLevel(in sql: String, numbers: [Double]) -> String? {
        find(in: sql, numbers: numbers).flatMap { groupLevel(of: $0.condition, functions: $0.functions) }
    }

    /// `condition` with each column wrapped in the aggregate `functions` gives it; nil when one has none.
    static func groupLevel(of condition: [SQLFormatter.Token], functions: [String: String]) -> String? {
        var words: [String] = []
        for (index, token) in condition.enumerated() {
            let isName = token.kind == .word && Double(token.text) == nil && !SQLFormatter.keywords.contains(token.uppercased())
                && (index + 1 == condition.count || condition[index + 1].text != "(")
            guard isName else {
                words.append(token.text)
                continue
            }
            guard let function = functions[unqualified(token.text.lowercased())] else { return nil }
            words.append("\(function)(\(token.text))")
        }
        return words.joined(separator: " ")
    }

    /// `sql` with that comparison taken out of the WHERE (which goes when nothing else is left in
    /// it) and held by the group in HAVING, as `groupLevel` writes it (ANDed to a HAVING already
    /// there), and a note; nil when there is no such comparison or a column of it is not
    /// aggregated. For a query kept after the look that asked for this: the model was told.
    public static func movedToHaving(in sql: String, numbers: [Double]) -> (sql: String, note: String)? {
        guard let found = find(in: sql, numbers: numbers), let grouped = groupLevel(of: found.condition, functions: found.functions) else { return nil }
        let tokens = found.tokens
        let lower = tokens.map { $0.text.lowercased() }
        let outer = QueryShape.outerIndices(tokens).filter { tokens[$0].kind == .word }
        var texts = tokens.map(\.text)
        // After the GROUP BY list: at the end of a HAVING there, or a HAVING of its own.
        guard let group = outer.first(where: { lower[$0] == "group" && $0 >= found.range.upperBound }) else { return nil }
        let having = outer.first { $0 > group && lower[$0] == "having" }
        let stop = outer.first { $0 > (having ?? group) && ["order", "limit", "window", "union", "except", "intersect"].contains(lower[$0]) } ?? tokens.count
        texts.insert(having == nil ? "HAVING \(grouped)" : "AND \(grouped)", at: stop)
        // The condition leaves the WHERE with one AND beside it, or with the WHERE itself.
        var cut = found.range
        if lower[cut.lowerBound - 1] == "and" {
            cut = (cut.lowerBound - 1)..<cut.upperBound
        } else if cut.upperBound < tokens.count, lower[cut.upperBound] == "and" {
            cut = cut.lowerBound..<(cut.upperBound + 1)
        } else {
            cut = (cut.lowerBound - 1)..<cut.upperBound
        }
        let condition = found.condition.map(\.text).joined(separator: " ")
        texts.removeSubrange(cut)
        return (SQLLexer.tidied(texts.joined(separator: " ")), "limite \(condition) passado do WHERE para o HAVING: a pergunta fala do grupo (HAVING \(grouped))")
    }

    /// The comparison `first` describes, as tokens, with the aggregate applied to each column the
    /// query aggregates outside its WHERE; also the query's tokens and where the comparison is.
    static func find(in sql: String, numbers: [Double]) -> (condition: [SQLFormatter.Token], functions: [String: String], tokens: [SQLFormatter.Token], range: Range<Int>)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        let lower = tokens.map { $0.text.lowercased() }
        let outer = QueryShape.outerIndices(tokens).filter { tokens[$0].kind == .word }
        guard let whereIndex = outer.first(where: { lower[$0] == "where" }),
            outer.contains(where: { lower[$0] == "group" && $0 > whereIndex })
        else { return nil }
        let clauseEnd = outer.first { $0 > whereIndex && ["group", "order", "limit", "having", "window", "union", "except", "intersect"].contains(lower[$0]) } ?? tokens.count
        let functions = aggregateCalls(tokens, lower: lower, outside: whereIndex..<clauseEnd)
        guard !functions.isEmpty else { return nil }
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
                words.contains(where: { functions[unqualified($0)] != nil })
            else { continue }
            return (range.map { tokens[$0] }, functions, tokens, range)
        }
        return nil
    }

    /// The columns read inside aggregate calls anywhere but `skipped` (the WHERE), unqualified,
    /// each with the first aggregate that reads it (`presencas` → `sum`).
    static func aggregateCalls(_ tokens: [SQLFormatter.Token], lower: [String], outside skipped: Range<Int>) -> [String: String] {
        var columns: [String: String] = [:]
        for index in tokens.indices where !skipped.contains(index) && QueryShape.aggregateFunctions.contains(lower[index])
            && index + 1 < tokens.count && tokens[index + 1].text == "("
        {
            guard let close = SQLFormatter.closing(tokens, from: index + 1) else { continue }
            for inner in (index + 2)..<close where tokens[inner].kind == .word && Double(lower[inner]) == nil
                && !SQLFormatter.keywords.contains(tokens[inner].uppercased()) && columns[unqualified(lower[inner])] == nil
            {
                columns[unqualified(lower[inner])] = lower[index]
            }
        }
        return columns
    }

    static func unqualified(_ word: String) -> String {
        String(word.split(separator: ".").last ?? "")
    }
}
