import Catalog
import Database
import Foundation

/// A year (and maybe a month) a question names: "em 2023", "maio de 2024", "03/2024".
public struct Period: Sendable, Encodable, Equatable {
    public let year: Int
    public let month: Int?

    public init(year: Int, month: Int? = nil) {
        self.year = year
        self.month = month
    }

    /// The prefix ISO dates and months of this period start with: "2023-" or "2023-05".
    var isoPrefix: String {
        month.map { String(format: "%04d-%02d", year, $0) } ?? "\(year)-"
    }
}

/// How one table of the context is filtered by the period the question names:
/// `frequencia_mensal.mes LIKE '2023-%'`, `matriculas.ano_letivo = 2023`.
///
/// Small models reach for a year column the table does not have (`frequencia_mensal.ano_letivo`,
/// a join to `turmas` through an invented `turma_id`) when the year lives in a date or month
/// column; spelling the filter out per table is cheaper than any correction round.
public struct PeriodFilter: Sendable, Encodable, Equatable {
    public let table: String
    /// SQL conditions, the first the most likely.
    public let conditions: [String]

    public init(table: String, conditions: [String]) {
        self.table = table
        self.conditions = conditions
    }
}

public enum PeriodFilters {
    public static let months: [String: Int] = [
        "janeiro": 1, "fevereiro": 2, "marco": 3, "abril": 4, "maio": 5, "junho": 6,
        "julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    ]
    /// Short forms count only right before a year ("mar/2024", "set de 2023"): alone they are words.
    static let shortMonths: [String: Int] = [
        "jan": 1, "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6,
        "jul": 7, "ago": 8, "set": 9, "out": 10, "nov": 11, "dez": 12,
    ]
    static let years = 1900...2100

    /// The periods `question` names, in order, each year once (with its month when one is said).
    public static func periods(in question: String) -> [Period] {
        let words = PortugueseTerms.words(question)
        var found: [Period] = []
        for (index, word) in words.enumerated() {
            guard word.count == 4, let year = Int(word), years.contains(year) else { continue }
            var month: Int?
            // "maio de 2023", "maio 2023", "mar/2024" (the slash is gone from the words), "05/2023".
            let before = index >= 1 ? words[index - 1] : ""
            let twoBefore = index >= 2 ? words[index - 2] : ""
            if let named = months[before] ?? shortMonths[before] {
                month = named
            } else if before == "de", let named = months[twoBefore] ?? shortMonths[twoBefore] {
                month = named
            } else if let number = Int(before), (1...12).contains(number), before.count <= 2,
                question.contains("\(before)/\(word)")
            {
                month = number
            }
            let period = Period(year: year, month: month)
            if let same = found.firstIndex(where: { $0.year == year }) {
                if found[same].month == nil, month != nil { found[same] = period }
            } else {
                found.append(period)
            }
        }
        return found
    }

    /// Years the question names by reference to one it names: "no ano anterior" or "no ano
    /// passado" is the year before the earliest, "no ano seguinte" the year after the latest.
    public static func relativeYears(in question: String) -> [Int] {
        let named = periods(in: question).map(\.year)
        guard let first = named.min(), let last = named.max() else { return [] }
        let words = PortugueseTerms.words(question)
        var found: [Int] = []
        for (word, next) in zip(words, words.dropFirst()) {
            if word == "ano", ["anterior", "passado", "antes"].contains(next) { found.append(first - 1) }
            if word == "ano", ["seguinte", "posterior", "depois"].contains(next) || (word == "proximo" && next == "ano") { found.append(last + 1) }
        }
        return Array(Set(found)).sorted()
    }

    /// For each table (in the given order) that has one, how it is filtered by `period`:
    /// integer year columns first (`ano_letivo = 2023`), then ISO date and month columns
    /// (`mes LIKE '2023-%'`); with a month, date columns first, since a year column cannot say it.
    ///
    /// Only tables that point at others (facts: enrolments, attendance, deliveries), or that stand
    /// alone (a spreadsheet, a log: nothing points at them either): the dates of a table others
    /// point at (a student's birth, the year they joined) describe it rather than say when
    /// something happened, and a model shown them adds them as one more filter.
    ///
    /// Within a kind, the columns of `preferred[table]` (those the question's words found) come first:
    /// "evadiram em maio" finds the exit date rather than the enrolment date.
    public static func filters(for period: Period, tables: [String], schema: Schema, preferred: [String: Set<String>] = [:]) -> [PeriodFilter] {
        tables.compactMap { name in
            guard let table = schema.table(named: name), table.kind == .view || !table.foreignKeys.isEmpty || !schema.isReferenced(table.name) else { return nil }
            let found = preferred[table.name] ?? []
            let first = { (columns: [String]) in columns.filter(found.contains) + columns.filter { !found.contains($0) } }
            let years = first(schema.yearColumns(of: table)).map { "\(sqlName(table.name)).\(sqlName($0)) = \(period.year)" }
            let dateColumns = first(schema.dateColumns(of: table))
            let dates = dateColumns.map { "\(sqlName(table.name)).\(sqlName($0)) LIKE '\(period.isoPrefix)%'" }
            // A month needs a date, but only one the question's words found is surely the event it
            // asks about: with a year column, `matriculas.ano_letivo` beats `data_matricula` for
            // "frequência em setembro de 2024", and the month is another table's to say.
            let hitDates = dateColumns.prefix { found.contains($0) }.count
            let conditions = period.month == nil || years.isEmpty ? years + dates
                : dates.prefix(hitDates) + years + dates.dropFirst(hitDates)
            return conditions.isEmpty ? nil : PeriodFilter(table: table.name, conditions: conditions)
        }
    }

    /// The years that say what something is rather than when it happened: "nascidos em 2010" is
    /// a birth date, "modelos treinados em 2024" a training date. A year is one when the word
    /// before it (past "em", "de"…) says a year or date column of a table that points at no other
    /// (the student, not the enrolment), by the column's name or its synonyms; each comes with
    /// its table, column and condition on that column (`alunos.data_nascimento LIKE '2010-%'`).
    public static func attributeYears(in question: String, periods: [Period], tables: [String], schema: Schema,
                                      metadata: CatalogMetadata) -> [(period: Period, table: String, column: String, condition: String)] {
        let words = PortugueseTerms.words(question)
        let linking: Set<String> = ["em", "de", "do", "da", "no", "na", "desde", "ate", "entre", "a", "o"]
        var found: [(Period, String, String, String)] = []
        for period in periods {
            guard let position = words.firstIndex(of: String(period.year)) else { continue }
            var before = position - 1
            while before >= 0, linking.contains(words[before]) { before -= 1 }
            guard before >= 0 else { continue }
            let said = words[before]
            for name in tables {
                guard let table = schema.table(named: name), table.kind == .table, table.foreignKeys.isEmpty else { continue }
                let described = metadata.table(named: table.name)
                let tableWords = Set(([table.name] + (described?.synonyms ?? [])).flatMap(PortugueseTerms.words))
                guard !tableWords.contains(said) else { continue }
                let years = schema.yearColumns(of: table).map { ($0, "\(sqlName(table.name)).\(sqlName($0)) = \(period.year)") }
                let dates = schema.dateColumns(of: table).map { ($0, "\(sqlName(table.name)).\(sqlName($0)) LIKE '\(period.isoPrefix)%'") }
                let match = (years + dates).first { column, _ in
                    let columnWords = PortugueseTerms.nameWords(column) + (described?.column(named: column)?.synonyms ?? []).flatMap(PortugueseTerms.words)
                    return columnWords.contains { !tableWords.contains($0) && sameRoot($0, said) }
                }
                if let match {
                    found.append((period, table.name, match.0, match.1))
                    break
                }
            }
        }
        return found
    }

    /// Two words of five letters or more that start alike for four: "nascidos" and "nascimento",
    /// "treinados" and "treinado".
    static func sameRoot(_ a: String, _ b: String) -> Bool {
        a.count >= 5 && b.count >= 5 && a.prefix(4) == b.prefix(4)
    }
}
