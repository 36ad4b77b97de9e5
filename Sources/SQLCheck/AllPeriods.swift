import Foundation

/// "Quais alunos tiraram mais de 8 em matemática nos três anos, 2022, 2023 e 2024" written
/// `WHERE ano_letivo IN (2022, 2023, 2024) AND nota_matematica > 8`: every student who passed in
/// any one of the years comes back (once per year), where the question wants those who passed in
/// all of them. The checks read which years the question asks for, and whether the query keeps
/// to them in a way any one year passes.
public enum AllPeriods {
    static let numbers: [String: Int] = [
        "2": 2, "3": 3, "4": 4, "5": 5, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5,
    ]
    static let yearRange = 1900...2100

    /// The years `question` asks to hold all at once: it names at least two (or a range, "de
    /// 2022 a 2024") and says all of them ("nos três anos", "em todos os anos", "ambos os anos",
    /// "todo ano", "em cada um dos anos"); a count it says must match the years named. Nil
    /// otherwise: "em 2022 e 2023" alone may mean either year, and "de cada ano" asks per year.
    public static func years(in question: String) -> [Int]? {
        let words = PortugueseWords.of(question)
        func year(_ index: Int) -> Int? {
            guard words.indices.contains(index), words[index].count == 4, let value = Int(words[index]), yearRange.contains(value) else { return nil }
            return value
        }
        var named: [Int] = []
        for index in words.indices {
            guard let first = year(index) else { continue }
            // "de 2022 a 2024", "2022 até 2024", "entre 2022 e 2024": every year between.
            let joiner = words.indices.contains(index + 1) ? words[index + 1] : ""
            let ranged = ["a", "ate"].contains(joiner) || (joiner == "e" && index >= 1 && words[index - 1] == "entre")
            if ranged, let last = year(index + 2), last > first, last - first < 10 {
                named += Array(first...last)
            } else {
                named.append(first)
            }
        }
        let years = named.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        guard years.count >= 2 else { return nil }
        var all = false
        var stated: Int?
        func word(_ index: Int) -> String { words.indices.contains(index) ? words[index] : "" }
        for (index, current) in words.enumerated() {
            // "todo ano", "todos os anos", "ambos os anos".
            if current == "ano", word(index - 1) == "todo" { all = true }
            guard current == "anos" else { continue }
            if ["todos", "ambos"].contains(word(index - 2)), word(index - 1) == "os" { all = true }
            // "em cada um dos anos", "cada um dos três anos".
            let count = numbers[word(index - 1)]
            let article = count == nil ? index - 1 : index - 2
            if word(article) == "dos", word(article - 1) == "um", word(article - 2) == "cada" { all = true }
            guard let count else { continue }
            // "nos três anos", "nesses dois anos", "todos os 3 anos"; "a média dos três anos" is one number.
            if ["nos", "nas", "nesses", "nestes"].contains(word(article)) || (word(article) == "os" && word(article - 1) == "todos") {
                all = true
                stated = count
            }
        }
        guard all, stated == nil || stated == years.count else { return nil }
        return years
    }

    /// The column of an outer WHERE condition that keeps `sql` to exactly `years` (`IN (…)` or
    /// `BETWEEN … AND …`); nil when there is none.
    public static func keeps(_ sql: String, to years: [Int]) -> String? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment }
        let lower = tokens.map { $0.text.lowercased() }
        guard let whereIndex = QueryShape.outerIndices(tokens).first(where: { tokens[$0].kind == .word && lower[$0] == "where" }) else { return nil }
        return yearColumn(tokens, lower: lower, after: whereIndex, years: years)
    }

    /// The column `keeps` finds, when nothing in the query (no HAVING) asks each one to have all
    /// of the years: any one year passes. Nil otherwise.
    public static func acceptsAny(_ sql: String, years: [Int]) -> String? {
        SQLFormatter.tokenize(sql).contains { $0.kind == .word && $0.text.lowercased() == "having" } ? nil : keeps(sql, to: years)
    }

    /// The column an outer WHERE condition keeps to exactly `years`: `v.ano_letivo IN (2022,
    /// 2023, 2024)` or `ano_letivo BETWEEN 2022 AND 2024`, as written.
    static func yearColumn(_ tokens: [SQLFormatter.Token], lower: [String], after whereIndex: Int, years: [Int]) -> String? {
        var depth = 0
        for index in (whereIndex + 1)..<tokens.count {
            if tokens[index].text == "(" { depth += 1 }
            if tokens[index].text == ")" { depth -= 1 }
            guard depth == 0, index >= 1, tokens[index - 1].kind == .word, !SQLFormatter.keywords.contains(tokens[index - 1].uppercased()) else { continue }
            if lower[index] == "in", index + 1 < tokens.count, tokens[index + 1].text == "(", let close = SQLFormatter.closing(tokens, from: index + 1) {
                let inside = tokens[(index + 2)..<close].filter { $0.text != "," }
                let listed = inside.compactMap { Int($0.text) }
                if listed.count == inside.count, Set(listed) == Set(years) { return tokens[index - 1].text }
            }
            if lower[index] == "between", index + 3 < tokens.count, lower[index + 2] == "and",
                let low = Int(tokens[index + 1].text), let high = Int(tokens[index + 3].text), Array(low...max(low, high)) == years
            {
                return tokens[index - 1].text
            }
        }
        return nil
    }
}
