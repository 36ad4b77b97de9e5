import Database
import Foundation

/// `SELECT e.nome, avg(v.nota_matematica) AS media_2022, avg(v.nota_matematica) AS media_2023 …
/// WHERE v.ano_letivo IN (2022, 2023)`: one column per year the question compares, each the same
/// average of both years together. The names promise a comparison that the numbers cannot show.
/// Each copy's aggregate reads only the rows of the year its name says.
public enum YearColumns {
    /// The outer query with each copy of a repeated SELECT item whose name says one of `years`
    /// (and each a different one) held to that year inside its aggregate (`avg(CASE WHEN
    /// v.ano_letivo = 2022 THEN v.nota_matematica END)`), where the outer WHERE keeps the year
    /// column to exactly those years; the query and a note, or nil.
    public static func split(_ sql: String, years: [Int]) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard years.count >= 2, let (items, _) = QueryShape.outerSelectList(tokens) else { return nil }
        let characters = Array(sql)
        let parsed = items.map(RepeatedColumns.split)
        // Each item's year, read from its name: one of `years`, and only one.
        let named: [Int?] = parsed.map { item in
            guard let name = item.name else { return nil }
            let said = years.filter { name.contains(String($0)) }
            return said.count == 1 ? said[0] : nil
        }
        var rewritten: [Int: String] = [:]
        var columns: [String] = []
        for expression in Set(parsed.map(\.expression)) where !expression.isEmpty {
            let copies = parsed.indices.filter { parsed[$0].expression == expression }
            let copyYears = copies.compactMap { named[$0] }
            guard copies.count > 1, copyYears.count == copies.count, Set(copyYears).count == copies.count,
                let column = AllPeriods.keeps(sql, to: copyYears.sorted())
            else { continue }
            for index in copies {
                guard let held = heldToYear(items[index], column: column, year: named[index]!, in: characters) else { return nil }
                rewritten[index] = held
            }
            columns += copies.compactMap { parsed[$0].name }
        }
        guard !rewritten.isEmpty,
            let fixed = QueryShape.replacingSelectList(items, with: items.indices.map { rewritten[$0] ?? SQLFormatter.source(of: items[$0], in: characters) }, in: characters)
        else { return nil }
        return (fixed, "as colunas \(columns.joined(separator: ", ")) faziam a mesma conta com todos os anos: cada uma passou a ler só o ano do seu nome")
    }

    /// `item` as written, with the argument of its first aggregate call wrapped in `CASE WHEN
    /// column = year THEN … END` (`count(*)` counts `CASE … THEN 1 END`); nil when it has none.
    static func heldToYear(_ item: [SQLFormatter.Token], column: String, year: Int, in characters: [Character]) -> String? {
        let lower = item.map { $0.text.lowercased() }
        guard let call = lower.indices.first(where: { QueryShape.aggregateFunctions.contains(lower[$0]) && $0 + 1 < item.count && item[$0 + 1].text == "(" }),
            let close = SQLFormatter.closing(item, from: call + 1), close > call + 2
        else { return nil }
        var argumentStart = call + 2
        let distinct = lower[argumentStart] == "distinct"
        if distinct { argumentStart += 1 }
        guard argumentStart < close else { return nil }
        let argument = item[argumentStart].text == "*" ? "1" : SQLFormatter.source(of: item[argumentStart..<close], in: characters)
        let before = SQLFormatter.source(of: item[...(call + 1)], in: characters)
        let after = SQLFormatter.source(of: item[close...], in: characters)
        return before + (distinct ? "DISTINCT " : "") + "CASE WHEN \(column) = \(year) THEN \(argument) END" + after
    }
}

extension YearColumns {
    /// "Quanto a média de matemática variou de 2022 pra 2023" answered with the two averages side
    /// by side (`avg(CASE WHEN v.ano_letivo = 2022 THEN … END) AS media_2022, avg(CASE WHEN … = 2023
    /// …) AS media_2023`): the reader is left to subtract. The two become one column, the later
    /// year's minus the earlier's, named `variacao`; an ORDER BY on the difference of their names
    /// sorts by it. Nil unless exactly one pair of SELECT items differs only by `years` (each held
    /// to its year by a CASE), no other item reads both years (the difference, shown already), and
    /// their names are used nowhere else.
    public static func difference(_ sql: String, years: [Int]) -> (sql: String, note: String)? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment && $0.text != ";" }
        guard Set(years).count == 2, let (items, from) = QueryShape.outerSelectList(tokens) else { return nil }
        let (earlier, later) = (String(years.min()!), String(years.max()!))
        let parsed = items.map(QueryShape.unaliased)
        let words = parsed.map { $0.body.map { $0.text.lowercased() } }
        let held = { (index: Int, year: String) in words[index].contains("case") && words[index].contains(year) }
        let pairs = items.indices.flatMap { first in
            items.indices.filter { second in
                held(first, earlier) && held(second, later) && !words[first].contains(later) && !words[second].contains(earlier)
                    && words[first].map { $0 == earlier ? later : $0 } == words[second]
            }.map { (first, $0) }
        }
        // A third item that reads both years already shows the difference.
        guard pairs.count == 1, let (old, new) = pairs.first, !words.contains(where: { $0.contains(earlier) && $0.contains(later) }) else { return nil }
        let characters = Array(sql)
        // The names of the pair, used only by an ORDER BY key that subtracts one from the other.
        let names = [parsed[old].name, parsed[new].name].compactMap { $0?.lowercased() }
        var rest = Array(tokens[from...])
        for key in RepeatedColumns.orderKeys(rest).reversed() {
            let keyWords = rest[key].map { $0.text.lowercased() }
            guard keyWords.contains(where: names.contains) else { continue }
            let direction = keyWords.last == "desc" ? "DESC" : "ASC"
            let body = Array(keyWords.filter { $0 != "asc" && $0 != "desc" })
            guard names.count == 2, body.count == 3, body[1] == "-" else { return nil }
            if body == [names[1], "-", names[0]] {
                rest.replaceSubrange(key, with: [SQLFormatter.Token(kind: .word, text: "variacao \(direction)")])
            } else if body == [names[0], "-", names[1]] {
                rest.replaceSubrange(key, with: [SQLFormatter.Token(kind: .word, text: "variacao " + (direction == "DESC" ? "ASC" : "DESC"))])
            } else {
                return nil
            }
        }
        guard !rest.contains(where: { names.contains($0.text.lowercased()) }) else { return nil }
        let change = "(\(SQLFormatter.source(of: parsed[new].body, in: characters))) - (\(SQLFormatter.source(of: parsed[old].body, in: characters))) AS variacao"
        let list = items.indices.compactMap { index -> String? in
            if index == old { return nil }
            return index == new ? change : SQLFormatter.source(of: items[index], in: characters)
        }
        let rebuilt = SQLLexer.tidied((["SELECT", list.joined(separator: ", ")] + rest.map(\.text)).joined(separator: " "))
        let shown = names.count == 2 ? "\(names[0]) e \(names[1])" : "os valores de \(earlier) e \(later)"
        return (rebuilt, "\(shown) viraram uma coluna só, variacao (\(later) menos \(earlier)): a pergunta pede quanto mudou")
    }
}
