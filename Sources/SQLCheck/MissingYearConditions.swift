import Database
import Foundation

/// The year a question names, applied to one yearly table of the query and forgotten for
/// another: "INDE médio por rede em 2024" filtered `turmas.ano_letivo = 2024` and averaged
/// `avaliacoes_anuais` over every year, since the two meet by the student only. SQLite runs it;
/// the answer mixes years. Each yearly table the outer query reads gets the year too.
public enum MissingYearConditions {
    /// `sql` with `alias.column = year` added for each offered year condition (`table.column =
    /// year`) whose table the outer query reads once and never constrains by that column; nil
    /// when nothing is added. Only when the query uses that year somewhere (the model meant it)
    /// or writes no year at all (the model forgot it: "quantas matrículas a escola X teve em
    /// 2023" counted every year), and never for LEFT JOINs or UNIONs, whose meaning a WHERE
    /// condition changes.
    public static func added(to sql: String, offered: [(table: String, condition: String)], year: Int, schema: Schema) -> (sql: String, added: [String])? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let characters = Array(text)
        let depth = depths(characters)
        let lowered = text.lowercased()
        let writesNoYear = lowered.firstMatch(of: MissingYearConditions.anyYear) == nil
        guard lowered.contains(String(year)) || writesNoYear, keyword("union", in: characters, depth: depth).isEmpty,
            lowered.firstMatch(of: MissingYearConditions.leftJoin) == nil
        else { return nil }
        let references = SQLRepair.tableReferences(in: text)
        let conditionsText = withoutListsAndKeys(characters, depth: depth)
        var conditions: [String] = []
        for (table, condition) in offered {
            // The conditions write names as SQL does: `"Notas 2024"."Ano Letivo" = 2024`.
            let escaped = NSRegularExpression.escapedPattern(for: sqlName(table))
            let yearColumn = RegexCache.shared.valid("(?i)^\\s*\(escaped)\\.\(writtenName)\\s*=\\s*\(year)\\s*$")
            let dateColumn = RegexCache.shared.valid("(?i)^\\s*\(escaped)\\.\(writtenName)\\s+LIKE\\s+'\(year)-%'\\s*$")
            let periodConditions = offered.filter { $0.table.caseInsensitiveCompare(table) == .orderedSame }
            // A date column only when it is the table's one period column (a month of attendance:
            // an enrolment dated in December may belong to next year's) and every row has it (an
            // activity never handed in has no delivery date).
            let dated = condition.firstMatch(of: dateColumn) != nil
                && (column(of: condition, in: table).flatMap { schema.table(named: table)?.column(named: $0)?.notNull } ?? false)
            guard condition.firstMatch(of: yearColumn) != nil || periodConditions.count == 1 && dated else { continue }
            let mine = references.filter { $0.table.caseInsensitiveCompare(table) == .orderedSame }
            guard mine.count == 1, let reference = mine.first, reference.depth == 0 else { continue }
            // Any period column of this table named in a condition through it, or bare, is the
            // model's own say about its period: "data_matricula LIKE '2023-12%'" dates enrolments
            // well enough. Shown or grouped only, it says nothing of which period.
            let qualifier = reference.alias ?? reference.table
            let periodColumns = periodConditions.compactMap { column(of: $0.condition, in: $0.table) }
            guard !periodColumns.contains(where: { mentions(conditionsText, column: $0, qualifier: qualifier) }) else { continue }
            let trimmed = condition.trimmingCharacters(in: .whitespaces)
            conditions.append(reference.sqlQualifier + trimmed.dropFirst(sqlName(table).count))
        }
        guard !conditions.isEmpty else { return nil }
        return (whereExtended(text, with: conditions.joined(separator: " AND ")), conditions)
    }

    /// A name as an offered condition writes it: bare, or in double quotes.
    static let writtenName = #"(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")"#

    /// The column of an offered condition on `table` (`turmas.ano_letivo = 2024`, `"Notas
    /// 2024"."Data Matrícula" LIKE '2024-%'`), quotes off; nil when it is not written on `table`.
    static func column(of condition: String, in table: String) -> String? {
        let pattern = RegexCache.shared.valid("(?i)^\\s*\(NSRegularExpression.escapedPattern(for: sqlName(table)))\\.(\(writtenName))")
        guard let name = condition.firstMatch(of: pattern)?.output[1].substring else { return nil }
        return SQLLexer.unquoted(String(name))
    }

    /// `text` (one outer query, no UNION) with `added` ANDed to its outer WHERE, or a WHERE made
    /// for it before GROUP BY, ORDER BY or LIMIT; a WHERE with an OR keeps its meaning in parentheses.
    static func whereExtended(_ text: String, with added: String) -> String {
        let characters = Array(text)
        let depth = depths(characters)
        let ends = ["group", "order", "limit", "having", "window"].flatMap { keyword($0, in: characters, depth: depth) }
        if let start = keyword("where", in: characters, depth: depth).first {
            let bodyStart = start + 5
            let bodyEnd = ends.filter { $0 > start }.min() ?? characters.count
            let body = String(characters[bodyStart..<bodyEnd]).trimmingCharacters(in: .whitespaces)
            let hasOr = !keyword("or", in: Array(body), depth: depths(Array(body))).isEmpty
            let whereClause = "WHERE " + (hasOr ? "(\(body))" : body) + " AND " + added
            return String(characters[..<start]) + whereClause + (bodyEnd < characters.count ? " " + String(characters[bodyEnd...]) : "")
        }
        let position = ends.min() ?? characters.count
        let before = String(characters[..<position]).trimmingCharacters(in: .whitespaces)
        let after = position < characters.count ? " " + String(characters[position...]) : ""
        return before + " WHERE " + added + after
    }

    /// The query without its outer SELECT list, GROUP BY and ORDER BY: what is left of it says
    /// which rows count (FROM, ON, WHERE, HAVING).
    static func withoutListsAndKeys(_ characters: [Character], depth: [Int]) -> String {
        let froms = keyword("from", in: characters, depth: depth)
        let clauses = (["where", "group", "having", "order", "limit", "window"].flatMap { keyword($0, in: characters, depth: depth) } + froms).sorted()
        var kept = [Bool](repeating: true, count: characters.count)
        // The SELECT list runs to its FROM; GROUP BY and ORDER BY to the next clause.
        for (word, ends) in [("select", froms), ("group", clauses), ("order", clauses)] {
            for head in keyword(word, in: characters, depth: depth) {
                let end = ends.first { $0 > head } ?? characters.count
                for index in head..<end { kept[index] = false }
            }
        }
        return String(characters.indices.filter { kept[$0] }.map { characters[$0] })
    }

    /// Whether `text` names `column` through `qualifier`, or bare.
    static func mentions(_ text: String, column: String, qualifier: String) -> Bool {
        let name = NSRegularExpression.escapedPattern(for: column)
        let qualified = RegexCache.shared.valid("(?i)(^|[^a-z0-9_])\(NSRegularExpression.escapedPattern(for: qualifier))\\.\(name)([^a-z0-9_]|$)")
        let bare = RegexCache.shared.valid("(?i)(^|[^a-z0-9_.])\(name)([^a-z0-9_]|$)")
        return text.firstMatch(of: qualified) != nil || text.firstMatch(of: bare) != nil
    }

    /// The parenthesis depth at each character; -1 inside strings, quoted names and comments.
    static func depths(_ characters: [Character]) -> [Int] {
        SQLLexer.depths(characters)
    }

    /// Where `word` starts as a whole word at depth 0, outside quotes.
    static func keyword(_ word: String, in characters: [Character], depth: [Int]) -> [Int] {
        let target = Array(word)
        guard characters.count >= target.count else { return [] }
        let isName = { (c: Character) in c.isLetter || c.isNumber || c == "_" || c == "." }
        return (0...(characters.count - target.count)).filter { start in
            depth[start] == 0
                && (start == 0 || !isName(characters[start - 1]))
                && (start + target.count == characters.count || !isName(characters[start + target.count]))
                && zip(characters[start..<(start + target.count)], target).allSatisfy { $0.lowercased() == String($1) }
        }
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension MissingYearConditions {
    nonisolated(unsafe) private static let anyYear = #/\b(19|20)\d\d\b/#
    /// Also read by `NamedValueConditions`, which adds conditions the same way.
    nonisolated(unsafe) static let leftJoin = #/\bleft\s+(outer\s+)?join\b/#
}
