import Catalog
import Foundation

extension Retriever {
    /// What points at each table for one question: its score, the reasons shown with it, and the
    /// columns the evidence names (shown whatever the budget).
    struct Evidence {
        var tableScore: [String: Double] = [:]
        var reasons: [String: [String]] = [:]
        var hitColumns: [String: Set<String>] = [:]
        /// Tables the question names by a name or synonym of the metadata.
        var namedTables: Set<String> = []

        mutating func add(_ table: String, _ score: Double, _ reason: String) {
            tableScore[table, default: 0] += score
            if reasons[table]?.contains(reason) != true { reasons[table, default: []].append(reason) }
        }
    }

    /// The table and column documents nearest the question by meaning and by shared words, best
    /// first; each table starts with its best fused score, and the top few give their reasons.
    func rankSchemaDocuments(question: String, queryTerms: [String], named: [Period], cosine: [Float],
                             into evidence: inout Evidence) -> (byCosine: [Int], byLexical: [Int]) {
        let documents = catalog.documents
        let bm25 = lexical.scores(for: queryTerms)
        // Reciprocal rank fusion over the best table and column documents of each ranking. A period
        // the question names ("em 2015", "em janeiro") is a filter the period rules write on the
        // chosen tables; the year and date columns it resembles are no evidence for their tables.
        let namesPeriod = !named.isEmpty || PortugueseTerms.words(question).contains { PeriodFilters.months[$0] != nil }
        let isSchemaDoc = { (index: Int) in
            (documents[index].kind == .table || documents[index].kind == .column) && !(namesPeriod && periodColumnDocuments.contains(index))
        }
        let byCosine = topIndices(documents.indices.lazy.filter(isSchemaDoc), k: Self.fusionDepth) { Double(cosine[$0]) }
        let byLexical = topIndices(bm25.keys.filter(isSchemaDoc), k: Self.fusionDepth) { bm25[$0] ?? 0 }
        var fused: [Int: Double] = [:]
        for (rank, index) in byCosine.enumerated() { fused[index, default: 0] += 1 / (60 + Double(rank + 1)) }
        for (rank, index) in byLexical.enumerated() { fused[index, default: 0] += 1 / (60 + Double(rank + 1)) }

        for (index, score) in fused {
            guard let table = documents[index].table else { continue }
            evidence.tableScore[table] = max(evidence.tableScore[table] ?? 0, score)
        }
        for index in byCosine.prefix(6) {
            let document = documents[index]
            guard let table = document.table else { continue }
            if document.kind == .column { evidence.hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? "")) }
            let what = document.kind == .table ? "a tabela" : "a coluna \(document.id.dropFirst(7))"
            if evidence.reasons[table]?.contains(where: { $0.hasPrefix("parecida com a pergunta") }) != true {
                evidence.add(table, 0, "parecida com a pergunta: \(what) (cosseno \(String(format: "%.2f", cosine[index])))")
            }
        }
        for index in byLexical.prefix(6) {
            let document = documents[index]
            guard let table = document.table else { continue }
            if document.kind == .column { evidence.hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? "")) }
            // The start of the text names the table or column; long starter texts list every column after it.
            let shared = Set(PortugueseTerms.terms(String(document.text.prefix(240)))).intersection(queryTerms).sorted().prefix(3)
            if evidence.reasons[table]?.contains(where: { $0.hasPrefix("palavras em comum") }) != true, !shared.isEmpty {
                evidence.add(table, 0, "palavras em comum com \(document.kind == .table ? "a tabela" : "a coluna \(document.id.dropFirst(7))"): \(shared.joined(separator: ", "))")
            }
        }
        return (byCosine, byLexical)
    }

    /// Names and synonyms the metadata gives, said in the question (`folded` to stems and
    /// `plainWords`, each padded with spaces).
    func scoreNames(queryTerms: [String], folded: String, plainWords: String, into evidence: inout Evidence) {
        let questionStems = Set(queryTerms)
        for phrase in synonymPhrases where questionStems.contains(phrase.first) && (phrase.byStems ? folded : plainWords).contains(" \(phrase.pattern) ") {
            if phrase.column == nil { evidence.namedTables.insert(phrase.table) }
            evidence.add(phrase.table, phrase.column == nil ? Self.tableSynonymBonus : Self.columnSynonymBonus,
                         "a pergunta diz \"\(phrase.label)\"" + (phrase.column.map { " (coluna \($0))" } ?? ""))
            if let column = phrase.column { evidence.hitColumns[phrase.table, default: []].insert(column) }
        }
    }

    /// Values the question names: their table is what it asks about. Words that name values in
    /// several tables (a city in three spreadsheets) say less about which: the bonus is shared
    /// among those tables, and counted once per table however many of its values they name.
    func scoreValues(_ values: [ValueLink], into evidence: inout Evidence) {
        var tablesSaid: [String: Set<String>] = [:]
        for link in values { tablesSaid[link.spoken, default: []].insert(link.table) }
        var credited: Set<String> = []
        for link in values {
            let share = credited.insert(link.table + "\u{1}" + link.spoken).inserted ? Self.valueBonus / Double(tablesSaid[link.spoken]?.count ?? 1) : 0
            evidence.add(link.table, share, "a pergunta cita o valor '\(link.value)' (coluna \(link.column))")
            evidence.hitColumns[link.table, default: []].insert(link.column)
        }
    }

    /// A birth year ("nascidos em 2010") is a filter of its own, on a column of its own table.
    func scoreAttributes(question: String, named: [Period],
                         into evidence: inout Evidence) -> [(period: Period, table: String, column: String, condition: String)] {
        let attributes = PeriodFilters.attributeYears(in: question, periods: named, tables: catalog.schema.tables.map(\.name),
                                                      schema: catalog.schema, metadata: catalog.metadata)
        for attribute in attributes {
            evidence.add(attribute.table, Self.valueBonus, "a pergunta cita \(attribute.column) (\(attribute.period.year))")
            evidence.hitColumns[attribute.table, default: []].insert(attribute.column)
        }
        return attributes
    }
}
