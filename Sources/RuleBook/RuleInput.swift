import Catalog
import Database
import Foundation
import Retrieval
import SQLCheck

/// Everything a rule may read about one query: the query, the question as read once, what
/// retrieval found for it, the catalog, and the values the database stores. A rule reads only
/// this, so its tests need no model, no encoder and no demo database.
public struct RuleInput: Sendable {
    public var sql: String
    public let reading: QuestionReading
    public let context: RetrievedContext
    public let catalog: Catalog
    /// The values stored in the columns read in full; nil when the database was not indexed.
    public let values: ValueIndex?
    public let repairer: SQLRepair

    public init(sql: String, reading: QuestionReading, context: RetrievedContext, catalog: Catalog, values: ValueIndex?, switches: RuleSwitches = .allOn) {
        self.sql = sql
        self.reading = reading
        self.context = context
        self.catalog = catalog
        self.values = values
        self.repairer = SQLRepair(catalog: catalog, switches: switches)
    }

    public var schema: Schema { catalog.schema }

    /// The same input for another query.
    public func with(sql: String) -> RuleInput {
        var copy = self
        copy.sql = sql
        return copy
    }

    /// Whether the catalog in use gives what a rule needs.
    public func provides(_ need: CatalogNeed) -> Bool {
        switch need {
        case .primaryKeys: return schema.tables.contains { !$0.primaryKey.isEmpty }
        case .foreignKeys: return !schema.foreignKeys.isEmpty
        case .yearColumn: return schema.tables.contains { !schema.yearColumns(of: $0).isEmpty }
        case .dateColumn: return schema.tables.contains { !schema.dateColumns(of: $0).isEmpty }
        case .periodColumn: return [.yearColumn, .monthColumn, .dateColumn].contains(where: provides)
        case .monthColumn: return schema.tables.contains { !schema.monthColumns(of: $0).isEmpty }
        case .storedValues: return values != nil
        // Terms the question says come from the glossary: a context that has them had one.
        case .glossary: return !catalog.metadata.glossary.isEmpty || !context.terms.isEmpty
        case .listedValues: return catalog.metadata.tables.contains { table in table.columns.contains { $0.origin == .person && !$0.values.isEmpty } }
        case .declaredRelations: return !catalog.metadata.declaredRelations.isEmpty
        case .spokenNames: return catalog.metadata.tables.contains { table in table.columns.contains { $0.origin == .person && !$0.synonyms.isEmpty } }
        }
    }

    // MARK: - Values

    /// The columns read in full that store `value` (without case or accents).
    public func holders(of value: String) -> [ValueLiterals.Holder] {
        values?.columns(storing: value).map { ValueLiterals.Holder(table: $0.table, column: $0.column, value: $0.value) } ?? []
    }

    /// The values stored in `table.column`, when it was read in full.
    public func stored(_ table: String, _ column: String) -> [String]? {
        values?.storedValues(of: table, column: column)
    }

    // MARK: - What the question speaks of

    /// Whether the question speaks of `table.column`: by the words of its name or synonyms, or
    /// through a glossary term it says, or a filter it names (`alunos.data_nascimento LIKE '2010-%'`).
    /// `nameWords`, when given, replaces the words of the column's name (a measure beside others
    /// of the same stem is named by its own words only: "matematica" of nota_matematica).
    public func mentions(_ column: String, of table: String, context: RetrievedContext? = nil, nameWords: [String]? = nil) -> Bool {
        let context = context ?? self.context
        let synonyms = catalog.metadata.table(named: table)?.column(named: column)?.synonyms ?? []
        let said = (context.terms.filter { $0.spoken != nil }.map(\.sql) + context.attributeFilters).joined(separator: " ").lowercased()
        return reading.says(anyOf: (nameWords ?? PortugueseTerms.nameWords(column)) + synonyms) || said.contains(column.lowercased())
    }

    /// "Conforme a pedra", "de cada ano", "por turno": a result per value of a column of a table
    /// the query reads, asked in so many words (by the column's name, a one-word synonym, or
    /// "ano" for its year column), that the outer query does not group or partition by. Only
    /// where the query sums something up, or the question asks for a first, last, best or worst
    /// (a plain list "de cada turma" needs no GROUP BY), and never for "por mês" (as often a rate,
    /// "acessos por mês", as a grouping) or "ordenado por".
    public func ungroupedRequest() -> (said: String, table: String, column: String)? {
        let words = PortugueseTerms.words(reading.text)
        guard QueryShape.aggregates(sql) || words.contains(where: { word in QuestionWords.ranks.contains { word.hasPrefix($0) } }),
            sql.range(of: "partition by", options: .caseInsensitive) == nil
        else { return nil }
        let grouped = Set(QueryShape.outerGrouping(sql)?.columns ?? [])
        let read = Retriever.tables(in: sql).sorted().compactMap { schema.table(named: $0) }
        // Grouped by a name no table has (`GROUP BY periodo`, a CASE's label): the model's own grouping.
        guard grouped.allSatisfy({ name in read.contains { $0.column(named: name) != nil } }) else { return nil }
        for (index, word) in words.enumerated() where QuestionWords.groupMarkers.contains(word) {
            if index > 0, QuestionWords.notGrouping.contains(where: { words[index - 1].hasPrefix($0) }) { continue }
            var next = index + 1
            while next < words.count, QuestionWords.articles.contains(words[next]) { next += 1 }
            guard next < words.count else { continue }
            let said = words[next]
            guard !QuestionWords.month.map(PortugueseTerms.fold).contains(said) else { continue }
            let isYear = QuestionWords.year.contains(said)
            for table in read {
                let described = catalog.metadata.table(named: table.name)
                let periods = Set((schema.yearColumns(of: table) + schema.dateColumns(of: table)).map { $0.lowercased() })
                let named = table.columns.first { column in
                    guard !column.isPrimaryKey else { return false }
                    if isYear { return schema.yearColumns(of: table).contains(column.name) }
                    let names = [column.name] + (described?.column(named: column.name)?.synonyms ?? []).filter { !$0.contains(" ") }
                    return names.contains { PortugueseTerms.terms($0) == PortugueseTerms.terms(said) }
                }
                guard let column = named else { continue }
                // Grouped by it, or, for a year, by any year or date of the table (`substr(data_saida, 1, 4)`).
                if grouped.contains(column.name.lowercased()) || (isYear && !grouped.isDisjoint(with: periods)) { return nil }
                return (said, table.name, column.name)
            }
        }
        return nil
    }

    /// Whether the question says `term` plainly (its own name, a phrase, or a synonym word as
    /// written: a shared stem alone, "estudos" for "estudando", is too loose) and the query writes
    /// none of the quoted values of its definition, nor groups by a column the definition names.
    public func drops(_ term: RetrievedContext.Term, grouping: [String]) -> Bool {
        guard let spoken = term.spoken else { return false }
        let questionWords = Set(PortugueseTerms.words(reading.text))
        // One word said as itself or its plural ("novatos" for "novato"), not only by its stem.
        let word = PortugueseTerms.fold(spoken)
        guard spoken == term.term || spoken.contains(" ") || questionWords.contains(word)
            || questionWords.contains(where: { PortugueseTerms.singulars(of: $0).contains(word) })
        else { return false }
        let values = term.sql.matches(of: RuleInput.termValue).map { PortugueseTerms.fold(String($0.1)) }
        let folded = PortugueseTerms.fold(sql)
        let columns = term.sql.matches(of: RuleInput.qualifiedColumn).map { $0.1.lowercased() }
        // Two columns compared ("aluno novo": alunos.ano_ingresso = matriculas.ano_letivo): one
        // the query never reads is the condition left out.
        if values.isEmpty, term.sql.wholeMatch(of: RuleInput.keyEquality) != nil {
            let read = Set(PortugueseTerms.identifiers(sql))
            return columns.contains { !read.contains($0) }
        }
        guard !values.isEmpty else { return false }
        return !values.contains { folded.contains("'\($0)'") } && !columns.contains { grouping.contains($0) }
    }

    /// Whether the query compares with the value `link` names: quoted ('acesso', 'acesso%'), or,
    /// for a name of several words, by the words the question used ('%Monteiro Lobato%').
    public func writes(_ link: ValueLink) -> Bool {
        let folded = PortugueseTerms.fold(sql), value = PortugueseTerms.fold(link.value)
        return folded.contains("'" + value) || folded.contains(value + "'") || (link.spoken.contains(" ") && folded.contains(link.spoken))
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension RuleInput {
    nonisolated(unsafe) private static let termValue = #/'([^']+)'/#
    nonisolated(unsafe) private static let qualifiedColumn = #/[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)/#
    nonisolated(unsafe) private static let keyEquality = #/\s*[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\s*/#
}
