import Catalog
import Database
import Foundation

extension Retriever {
    /// Glossary terms the question uses (by word) or is close to (by meaning). Of each term, the
    /// longest name said; a name said inside a longer name of another term is that other
    /// term's ("estudos" of "largaram os estudos" is no "estudando").
    func glossaryTerms(folded: String, plainWords: String, named: [Period], cosine: [Float],
                       into evidence: inout Evidence) -> [RetrievedContext.Term] {
        let documents = catalog.documents
        let glossary = termDocuments.compactMap { index in
            catalog.metadata.glossary.first { "termo:\($0.term)" == documents[index].id }.map { (index: index, term: $0) }
        }
        var said: [(index: Int, name: String, stems: String)] = []
        for (index, term) in glossary {
            let names = ([term.term] + term.synonyms).filter { PortugueseTerms.says($0, questionTerms: folded, questionWords: plainWords) }
            if let name = names.max(by: { PortugueseTerms.terms($0).count < PortugueseTerms.terms($1).count }) {
                said.append((index, name, PortugueseTerms.terms(name).joined(separator: " ")))
            }
        }
        let spans = said
        said.removeAll { item in spans.contains { $0.index != item.index && $0.stems.count > item.stems.count && " \($0.stems) ".contains(" \(item.stems) ") } }
        var terms: [RetrievedContext.Term] = []
        for (index, term) in glossary {
            let spoken = said.first { $0.index == index }?.name
            if let spoken {
                terms.append(.init(term: term.term, sql: term.sql, reason: "a pergunta diz \"\(spoken)\"", spoken: spoken))
            } else if cosine[index] >= 0.62, !Self.contradicts(term.sql, years: named.map(\.year)) {
                terms.append(.init(term: term.term, sql: term.sql, reason: "próximo da pergunta (cosseno \(String(format: "%.2f", cosine[index])))"))
            } else {
                continue
            }
            for table in term.tables { evidence.add(table, 0.012, "termo do glossário \"\(term.term)\"") }
        }
        return terms
    }

    /// A term's SQL fixing a year (`ano_letivo = 2024`, "ano em andamento") the question, which
    /// names its own years, does not name: close in meaning, but about another year.
    static func contradicts(_ sql: String, years: [Int]) -> Bool {
        guard !years.isEmpty else { return false }
        return sql.matches(of: Retriever.yearInSQL).contains { Int($0.1).map { !years.contains($0) } ?? false }
    }

    /// The nearest verified examples, and the tables their SQL reads. By meaning only: fused with
    /// shared words, they found examples that share a word and a shape the model then copied.
    func nearestExamples(cosine: [Float], options: Options,
                         into evidence: inout Evidence) -> [(example: RetrievedContext.Example, tables: Set<String>)] {
        let documents = catalog.documents
        let exampleDocs = documents.indices.lazy.filter { documents[$0].kind == .example && documents[$0].text != options.excludedQuestion }
        let nearest = topIndices(exampleDocs, k: options.examples) { Double(cosine[$0]) }
        var examples: [(example: RetrievedContext.Example, tables: Set<String>)] = []
        for (rank, index) in nearest.enumerated() {
            guard let example = catalog.metadata.examples.first(where: { $0.question == documents[index].text }) else { continue }
            examples.append((.init(question: example.question, sql: example.sql, similarity: Double(cosine[index])), exampleTables[index] ?? []))
            for table in exampleTables[index] ?? [] {
                evidence.add(table, 0.01 / Double(rank + 1), "usada no exemplo parecido \"\(example.question)\"")
            }
        }
        return examples
    }

    /// The columns of the chosen tables the rankings point at, and those the question names by a
    /// word of their own name.
    func pointColumns(of chosen: [String], question: String, byCosine: [Int], byLexical: [Int], into evidence: inout Evidence) {
        let documents = catalog.documents
        for index in byCosine.prefix(20) + byLexical.prefix(20) {
            let document = documents[index]
            if document.kind == .column, let table = document.table {
                evidence.hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? ""))
            }
        }
        // A column the question names by a word of its own name ("em matematica": nota_matematica)
        // is shown, however many others its table has and wherever the rankings put it.
        let questionWords = Set(PortugueseTerms.words(question).flatMap { [$0] + PortugueseTerms.singulars(of: $0) })
        for name in chosen {
            guard let table = schemaTable(name) else { continue }
            for (column, words) in zip(table.columns, columnNameWords[name.lowercased()] ?? []) where words.contains(where: questionWords.contains) {
                evidence.hitColumns[name, default: []].insert(column.name)
            }
        }
    }

    /// The chosen tables with their columns: keys, the ones the rankings, terms and nearest
    /// examples (`mentionedIn`) point at, the period's (`periodConditions`), and the first few.
    func shownTables(_ chosen: [String], mentionedIn sql: [String], periodConditions: [String], named: [Period],
                     evidence: Evidence) -> [RetrievedContext.Table] {
        let mentioned = Set(sql.flatMap { PortugueseTerms.identifiers($0) })
        var periodColumns = Set(periodConditions.flatMap { PortugueseTerms.identifiers($0) })
        // A column whose name holds a year the question names ("Nota 2024") is what it asks
        // about. (The date of a table others point at, a birth, is not shown for a year: a
        // model shown it adds it as one more filter; a table that stands alone has its filter.)
        for name in chosen where !named.isEmpty {
            for column in schemaTable(name)?.columns ?? [] where named.contains(where: { nameParts(column.name).contains(String($0.year)) }) {
                periodColumns.insert(column.name.lowercased())
            }
        }
        return chosen.map { name -> RetrievedContext.Table in
            let table = schemaTable(name)
            let narrow = (table?.columns.count ?? 0) <= Self.wholeTableColumns
            let columns = (table?.columns ?? []).enumerated().filter { offset, column in
                narrow || column.isPrimaryKey || column.role == .label || offset < Self.leadingColumns || mentioned.contains(column.name.lowercased())
                    || periodColumns.contains(column.name.lowercased())
                    || evidence.hitColumns[name]?.contains(column.name) == true
                    || table?.foreignKeys.contains { $0.columns.contains(column.name) } == true
            }.map(\.element.name)
            return .init(name: name, score: evidence.tableScore[name] ?? 0, reasons: evidence.reasons[name] ?? [], columns: columns)
        }
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension Retriever {
    nonisolated(unsafe) private static let yearInSQL = #/\b((?:19|20)\d\d)\b/#
}
