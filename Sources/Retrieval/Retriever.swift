import Catalog
import Database
import Foundation
import MiniLM

/// What retrieval hands to the prompt, each item with the reasons it is there.
public struct RetrievedContext: Sendable, Encodable {
    public struct Table: Sendable, Encodable {
        public let name: String
        public let score: Double
        public var reasons: [String]
        /// The columns to show, all of them unless the budget cut some.
        public var columns: [String]

        public init(name: String, score: Double, reasons: [String], columns: [String]) {
            self.name = name
            self.score = score
            self.reasons = reasons
            self.columns = columns
        }
    }

    public struct Join: Sendable, Encodable {
        /// "matriculas.aluno_id = alunos.id" steps from one chosen table to another.
        public let steps: [String]
    }

    public struct Term: Sendable, Encodable {
        public let term: String
        public let sql: String
        public let reason: String
        /// The name or synonym the question says it by; nil for a term found by meaning only.
        public var spoken: String? = nil

        public init(term: String, sql: String, reason: String, spoken: String? = nil) {
            self.term = term
            self.sql = sql
            self.reason = reason
            self.spoken = spoken
        }
    }

    public struct Example: Sendable, Encodable {
        public let question: String
        public let sql: String
        public let similarity: Double
    }

    public var tables: [Table]
    public var joins: [Join]
    public var terms: [Term]
    public var examples: [Example]
    /// Rough prompt size of this context (characters / 4).
    public var tokenEstimate: Int
    /// The part of it that describes schema (tables, columns, joins), comparable to the whole schema.
    public var schemaTokenEstimate: Int = 0
    /// Values of the database the question names, to write exactly so in the query.
    public var values: [ValueLink] = []
    /// The years (and months) the question names, first to last.
    public var periods: [Period] = []
    /// How each chosen table is filtered by the first of `periods`.
    public var periodFilters: [PeriodFilter] = []
    /// Years that describe rather than date ("nascidos em 2010"), as conditions on their column.
    public var attributeFilters: [String] = []
    /// Direct joins of two chosen tables of one grain (`avaliacoes_anuais.aluno_id =
    /// matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo`), for advice
    /// when a query lacks one of them. Not in the prompt: shown to every question, a small model
    /// did no better (one `--only` run on the 37 dev questions it changed: 16 right against 19).
    public var sameGrainJoins: [String] = []

    /// Each period condition offered, with its table (`turmas`, `turmas.ano_letivo = 2024`).
    public var periodConditions: [(table: String, condition: String)] {
        periodFilters.flatMap { filter in filter.conditions.map { (table: filter.table, condition: $0) } }
    }

    /// A context with what a rule reads of it: the tables shown, the question's periods, terms and
    /// values, and how its tables are filtered by the period; no joins or examples.
    public init(tables: [Table] = [], terms: [Term] = [], values: [ValueLink] = [], periods: [Period] = [], periodFilters: [PeriodFilter] = []) {
        self.init(tables: tables, joins: [], terms: terms, examples: [], tokenEstimate: 0)
        self.values = values
        self.periods = periods
        self.periodFilters = periodFilters
    }

    init(tables: [Table], joins: [Join], terms: [Term], examples: [Example], tokenEstimate: Int) {
        self.tables = tables
        self.joins = joins
        self.terms = terms
        self.examples = examples
        self.tokenEstimate = tokenEstimate
    }
}

/// Retrieval over one catalog: the vectors of its documents, a lexical index, the FK graph.
public struct Retriever: Sendable {
    public let catalog: Catalog
    /// Spells out abbreviations and fixes typos of catalog words before a question is searched.
    public let normalizer: QuestionNormalizer
    private let vectors: [Float]
    private let dimension: Int
    private let lexical: LexicalIndex
    /// Undirected FK graph: table → (neighbour, the join condition).
    private let graph: [String: [(table: String, condition: String)]]
    /// Tables each example's SQL reads, by document index.
    private let exampleTables: [Int: Set<String>]
    private let termDocuments: [Int]
    /// Documents of year, month and date columns: when the question names a period they look
    /// like it in every table that has one, and say nothing of which table it asks about.
    private let periodColumnDocuments: Set<Int>
    /// Table and column names and synonyms as stem sequences (or words, where stems are too
    /// loose: `PortugueseTerms.matchingStems`), to spot them in a question.
    private let synonymPhrases: [(pattern: String, byStems: Bool, first: String, label: String, table: String, column: String?)]
    /// Schema and metadata tables by lowercased name (large catalogs: no linear searches).
    private let schemaTables: [String: Schema.Table]
    private let describedTables: [String: TableMetadata]
    static let tableSynonymBonus = 0.005
    static let columnSynonymBonus = 0.002
    static let valueBonus = 0.012
    /// A chosen table no foreign key connects to the best one needs this share of its score.
    static let unconnectedCutoff = 0.8
    /// How many top documents of each ranking take part in the fusion.
    static let fusionDepth = 60
    /// A referenced table this small is added with its referrer (a lookup table).
    static let lookupTableRows = 100
    /// Columns always shown from the start of a table (identity and name come first).
    static let leadingColumns = 2
    /// A table this narrow is shown whole: hiding a column or two saves a few tokens, and a small
    /// model then invents the column it could not see (`alunos.data_nascimento` for "mais velho").
    static let wholeTableColumns = 8

    public struct Options: Sendable {
        public var maxTables = 5
        /// A table is kept when its score is at least this share of the best one's.
        public var relativeCutoff = 0.45
        public var examples = 3
        public var tokenBudget = 900
        /// Leave-one-out evaluation hides this example question.
        public var excludedQuestion: String?
        /// Values the question names (`ValueIndex`): their tables and columns go into the context.
        public var values: [ValueLink] = []

        public init() {}
    }

    /// - Throws: `RetrievalError.storeStale` when a document has no vector with its current hash.
    public init(catalog: Catalog, store: EmbeddingStore) throws {
        self.catalog = catalog
        dimension = store.manifest.dimension
        var index: [String: Int] = [:]
        for (position, entry) in store.manifest.documents.enumerated() { index[entry.id] = position }
        var vectors: [Float] = []
        vectors.reserveCapacity(catalog.documents.count * dimension)
        for document in catalog.documents {
            guard let position = index[document.id], store.manifest.documents[position].hash == document.hash else {
                throw RetrievalError.storeStale(document.id)
            }
            vectors += store.vector(at: position)
        }
        self.vectors = vectors
        lexical = LexicalIndex(texts: catalog.documents.map(\.text))
        normalizer = QuestionNormalizer(texts: catalog.documents.map(\.text))
        var graph: [String: [(String, String)]] = [:]
        for (table, key) in catalog.schema.foreignKeys {
            let condition = Self.joinCondition(table, key, target: key.referencedTable)
            graph[table, default: []].append((key.referencedTable, condition))
            graph[key.referencedTable, default: []].append((table, condition))
        }
        self.graph = graph
        let names = Set(catalog.schema.tables.map(\.name))
        var exampleTables: [Int: Set<String>] = [:]
        for (position, document) in catalog.documents.enumerated() where document.kind == .example {
            if let example = catalog.metadata.examples.first(where: { $0.question == document.text }) {
                exampleTables[position] = Self.tables(in: example.sql).intersection(names)
            }
        }
        self.exampleTables = exampleTables
        termDocuments = catalog.documents.indices.filter { catalog.documents[$0].kind == .term }
        let schema = catalog.schema
        let periodColumns = Set(schema.tables.flatMap { table in
            (schema.yearColumns(of: table) + schema.monthColumns(of: table) + schema.dateColumns(of: table)).map { "coluna:\(table.name).\($0)" }
        })
        periodColumnDocuments = Set(catalog.documents.indices.filter { periodColumns.contains(catalog.documents[$0].id) })
        var phrases: [(String, Bool, String, String, String, String?)] = []
        func phrase(_ label: String, _ table: String, _ column: String?) {
            guard let first = PortugueseTerms.terms(label).first else { return }
            if let stems = PortugueseTerms.matchingStems(label) {
                phrases.append((stems, true, first, label, table, column))
            } else {
                phrases.append((PortugueseTerms.words(label).joined(separator: " "), false, first, label, table, column))
                return
            }
            // A name in CamelCase is split for search (SinPatinhas: sin, patinhas), and typed as
            // one word too ("no sinpatinhas"): said word for word, it names the same thing.
            let words = PortugueseTerms.words(label)
            if label.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).contains(where: { nameParts(String($0)).count > 1 }),
               let typed = words.first.flatMap({ PortugueseTerms.terms($0).first })
            {
                phrases.append((words.joined(separator: " "), false, typed, label, table, column))
            }
        }
        for table in catalog.metadata.tables {
            for label in [table.name] + table.synonyms { phrase(label, table.name, nil) }
            for column in table.columns {
                for label in column.synonyms where label.count > 3 { phrase(label, table.name, column.name) }
            }
        }
        synonymPhrases = phrases
        schemaTables = Dictionary(catalog.schema.tables.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        describedTables = Dictionary(catalog.metadata.tables.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// How `table` joins `target`, the table its foreign key `key` points at (as the caller spells
    /// it), names quoted where they must be: `matriculas.aluno_id = alunos.id`.
    static func joinCondition(_ table: String, _ key: Schema.ForeignKey, target: String) -> String {
        zip(key.columns, key.referencedColumns).map { "\(sqlName(table)).\(sqlName($0)) = \(sqlName(target)).\(sqlName($1))" }
            .joined(separator: " AND ")
    }

    /// A term's SQL fixing a year (`ano_letivo = 2024`, "ano em andamento") the question, which
    /// names its own years, does not name: close in meaning, but about another year.
    static func contradicts(_ sql: String, years: [Int]) -> Bool {
        guard !years.isEmpty else { return false }
        return sql.matches(of: #/\b((?:19|20)\d\d)\b/#).contains { Int($0.1).map { !years.contains($0) } ?? false }
    }

    private func schemaTable(_ name: String) -> Schema.Table? { schemaTables[name.lowercased()] }
    private func describedTable(_ name: String) -> TableMetadata? { describedTables[name.lowercased()] }

    /// The tables an SQL statement reads, from its FROM and JOIN clauses.
    public static func tables(in sql: String) -> Set<String> {
        Set(tablesNamed(inSQL: sql))
    }

    /// The context for a question whose embedding is `vector`.
    public func retrieve(question: String, vector: [Float], options: Options = Options()) -> RetrievedContext {
        let documents = catalog.documents
        let cosine = similarities(to: vector)
        let queryTerms = PortugueseTerms.terms(question)
        let bm25 = lexical.scores(for: queryTerms)

        // Reciprocal rank fusion over the best table and column documents of each ranking. A period
        // the question names ("em 2015", "em janeiro") is a filter the period rules write on the
        // chosen tables; the year and date columns it resembles are no evidence for their tables.
        let named = PeriodFilters.periods(in: question)
        let namesPeriod = !named.isEmpty || PortugueseTerms.words(question).contains { PeriodFilters.months[$0] != nil }
        let isSchemaDoc = { (index: Int) in
            (documents[index].kind == .table || documents[index].kind == .column) && !(namesPeriod && periodColumnDocuments.contains(index))
        }
        let byCosine = topIndices(documents.indices.lazy.filter(isSchemaDoc), k: Self.fusionDepth) { Double(cosine[$0]) }
        let byLexical = topIndices(bm25.keys.filter(isSchemaDoc), k: Self.fusionDepth) { bm25[$0] ?? 0 }
        var fused: [Int: Double] = [:]
        for (rank, index) in byCosine.enumerated() { fused[index, default: 0] += 1 / (60 + Double(rank + 1)) }
        for (rank, index) in byLexical.enumerated() { fused[index, default: 0] += 1 / (60 + Double(rank + 1)) }

        var tableScore: [String: Double] = [:]
        var reasons: [String: [String]] = [:]
        var hitColumns: [String: Set<String>] = [:]
        func add(_ table: String, _ score: Double, _ reason: String) {
            tableScore[table, default: 0] += score
            if reasons[table]?.contains(reason) != true { reasons[table, default: []].append(reason) }
        }
        for (index, score) in fused {
            guard let table = documents[index].table else { continue }
            tableScore[table] = max(tableScore[table] ?? 0, score)
        }
        for index in byCosine.prefix(6) {
            let document = documents[index]
            guard let table = document.table else { continue }
            if document.kind == .column { hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? "")) }
            let what = document.kind == .table ? "a tabela" : "a coluna \(document.id.dropFirst(7))"
            if reasons[table]?.contains(where: { $0.hasPrefix("parecida com a pergunta") }) != true {
                add(table, 0, "parecida com a pergunta: \(what) (cosseno \(String(format: "%.2f", cosine[index])))")
            }
        }
        for index in byLexical.prefix(6) {
            let document = documents[index]
            guard let table = document.table else { continue }
            if document.kind == .column { hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? "")) }
            // The start of the text names the table or column; long starter texts list every column after it.
            let shared = Set(PortugueseTerms.terms(String(document.text.prefix(240)))).intersection(queryTerms).sorted().prefix(3)
            if reasons[table]?.contains(where: { $0.hasPrefix("palavras em comum") }) != true, !shared.isEmpty {
                add(table, 0, "palavras em comum com \(document.kind == .table ? "a tabela" : "a coluna \(document.id.dropFirst(7))"): \(shared.joined(separator: ", "))")
            }
        }

        // Names and synonyms the metadata gives, said in the question.
        let folded = " " + PortugueseTerms.terms(question).joined(separator: " ") + " "
        let plainWords = " " + PortugueseTerms.words(question).joined(separator: " ") + " "
        let questionStems = Set(queryTerms)
        var namedTables: Set<String> = []
        for phrase in synonymPhrases where questionStems.contains(phrase.first) && (phrase.byStems ? folded : plainWords).contains(" \(phrase.pattern) ") {
            if phrase.column == nil { namedTables.insert(phrase.table) }
            add(phrase.table, phrase.column == nil ? Self.tableSynonymBonus : Self.columnSynonymBonus,
                "a pergunta diz \"\(phrase.label)\"" + (phrase.column.map { " (coluna \($0))" } ?? ""))
            if let column = phrase.column { hitColumns[phrase.table, default: []].insert(column) }
        }

        // Values the question names: their table is what it asks about. Words that name values in
        // several tables (a city in three spreadsheets) say less about which: the bonus is shared
        // among those tables, and counted once per table however many of its values they name.
        var tablesSaid: [String: Set<String>] = [:]
        for link in options.values { tablesSaid[link.spoken, default: []].insert(link.table) }
        var credited: Set<String> = []
        for link in options.values {
            let share = credited.insert(link.table + "\u{1}" + link.spoken).inserted ? Self.valueBonus / Double(tablesSaid[link.spoken]?.count ?? 1) : 0
            add(link.table, share, "a pergunta cita o valor '\(link.value)' (coluna \(link.column))")
            hitColumns[link.table, default: []].insert(link.column)
        }
        // A birth year ("nascidos em 2010") is a filter of its own, on a column of its own table.
        let attributes = PeriodFilters.attributeYears(in: question, periods: named, tables: catalog.schema.tables.map(\.name),
                                                      schema: catalog.schema, metadata: catalog.metadata)
        for attribute in attributes {
            add(attribute.table, Self.valueBonus, "a pergunta cita \(attribute.column) (\(attribute.period.year))")
            hitColumns[attribute.table, default: []].insert(attribute.column)
        }

        // Glossary terms the question uses (by word) or is close to (by meaning). Of each term, the
        // longest name said; a name said inside a longer name of another term is that other
        // term's ("estudos" of "largaram os estudos" is no "estudando").
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
            for table in term.tables { add(table, 0.012, "termo do glossário \"\(term.term)\"") }
        }

        // The nearest verified examples, and the tables their SQL reads. By meaning only: fused with
        // shared words, they found examples that share a word and a shape the model then copied.
        let exampleDocs = documents.indices.lazy.filter { documents[$0].kind == .example && documents[$0].text != options.excludedQuestion }
        let nearest = topIndices(exampleDocs, k: options.examples) { Double(cosine[$0]) }
        var examples: [(example: RetrievedContext.Example, tables: Set<String>)] = []
        for (rank, index) in nearest.enumerated() {
            guard let example = catalog.metadata.examples.first(where: { $0.question == documents[index].text }) else { continue }
            examples.append((.init(question: example.question, sql: example.sql, similarity: Double(cosine[index])), exampleTables[index] ?? []))
            for table in exampleTables[index] ?? [] {
                add(table, 0.01 / Double(rank + 1), "usada no exemplo parecido \"\(example.question)\"")
            }
        }

        // The best tables, then whatever connects them.
        let ranked = tableScore.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }
        let best = ranked.first?.value ?? 0
        var chosen = ranked.prefix(options.maxTables).filter { $0.value >= best * options.relativeCutoff }.map(\.key)
        // Connect the chosen tables as a tree: each joins the nearest table already in it,
        // preferring routes through chosen tables; each join condition is listed once.
        var joins: [RetrievedContext.Join] = []
        if let anchor = chosen.first {
            var tree: Set<String> = [anchor]
            var conditions: [String] = []
            for target in chosen.dropFirst() where !tree.contains(target) {
                guard let path = shortestPath(from: target, toAnyOf: tree, preferring: Set(chosen)) else {
                    // A table nothing links to the others (no key, no relation in its metadata; a
                    // view has none to declare and is joined by what it summarises), which a small
                    // model joins anyway by any column that looks alike (a spreadsheet of villages
                    // with one of fishers, by UF): it stays when the question names it, or is about
                    // it nearly as much as about the best.
                    if schemaTable(target)?.kind == .table, describedTable(target)?.relations.isEmpty ?? true, !namedTables.contains(target),
                       (tableScore[target] ?? 0) < best * Self.unconnectedCutoff
                    {
                        chosen.removeAll { $0 == target }
                    }
                    continue
                }
                for step in path {
                    if !conditions.contains(step.condition) { conditions.append(step.condition) }
                    if !chosen.contains(step.table) {
                        chosen.append(step.table)
                        reasons[step.table, default: []].append("liga \(target) às outras tabelas")
                    }
                    tree.insert(step.table)
                }
                tree.insert(target)
            }
            joins = conditions.map { RetrievedContext.Join(steps: [$0]) }
        }

        // Small tables the chosen ones point to (schools, subjects): their names are nearly
        // always wanted, since codes like "5B" repeat across them, and they cost little.
        for name in chosen {
            for key in schemaTable(name)?.foreignKeys ?? [] where !chosen.contains(key.referencedTable) {
                guard let parent = schemaTable(key.referencedTable), (parent.rowCount ?? .max) <= Self.lookupTableRows else { continue }
                chosen.append(parent.name)
                reasons[parent.name, default: []].append("tabela de referência de \(name) (nomes)")
                joins.append(.init(steps: [Self.joinCondition(name, key, target: parent.name)]))
            }
        }

        // An example reading a table the context leaves out answers some other question: shown it,
        // a small model copied it whole, tables and all (3 of the 7 copied answers of a dev run).
        let shownExamples = examples.filter { $0.tables.isSubset(of: chosen) }.map(\.example)

        // Columns: keys, the ones the rankings, terms and nearest examples point at, and the first few.
        let mentioned = Set((shownExamples.map(\.sql) + terms.map(\.sql)).flatMap { PortugueseTerms.identifiers($0) })
        for index in byCosine.prefix(20) + byLexical.prefix(20) {
            let document = documents[index]
            if document.kind == .column, let table = document.table {
                hitColumns[table, default: []].insert(String(document.id.split(separator: ".").last ?? ""))
            }
        }
        // A column the question names by a word of its own name ("em matematica": nota_matematica)
        // is shown, however many others its table has and wherever the rankings put it.
        let questionWords = Set(PortugueseTerms.words(question).flatMap { [$0] + PortugueseTerms.singulars(of: $0) })
        for name in chosen {
            for column in schemaTable(name)?.columns ?? [] where PortugueseTerms.nameWords(column.name).contains(where: questionWords.contains) {
                hitColumns[name, default: []].insert(column.name)
            }
        }
        // The period the question names, and the columns each table filters it by (shown, then).
        // The years left are the period of the facts.
        let shownAttributes = attributes.filter { chosen.contains($0.table) }
        let periods = named.filter { period in !shownAttributes.contains { $0.period == period } }
        let periodFilters = periods.first.map { PeriodFilters.filters(for: $0, tables: chosen, schema: catalog.schema, preferred: hitColumns) } ?? []
        var periodColumns = Set((periodFilters.flatMap(\.conditions) + shownAttributes.map(\.condition)).flatMap { PortugueseTerms.identifiers($0) })
        // A column whose name holds a year the question names ("Nota 2024") is what it asks
        // about. (The date of a table others point at, a birth, is not shown for a year: a
        // model shown it adds it as one more filter; a table that stands alone has its filter.)
        for name in chosen where !named.isEmpty {
            for column in schemaTable(name)?.columns ?? [] where named.contains(where: { nameParts(column.name).contains(String($0.year)) }) {
                periodColumns.insert(column.name.lowercased())
            }
        }
        let tables = chosen.map { name -> RetrievedContext.Table in
            let table = schemaTable(name)
            let narrow = (table?.columns.count ?? 0) <= Self.wholeTableColumns
            let columns = (table?.columns ?? []).enumerated().filter { offset, column in
                narrow || column.isPrimaryKey || column.role == .label || offset < Self.leadingColumns || mentioned.contains(column.name.lowercased())
                    || periodColumns.contains(column.name.lowercased())
                    || hitColumns[name]?.contains(column.name) == true
                    || table?.foreignKeys.contains { $0.columns.contains(column.name) } == true
            }.map(\.element.name)
            return .init(name: name, score: tableScore[name] ?? 0, reasons: reasons[name] ?? [], columns: columns)
        }
        var context = RetrievedContext(tables: tables, joins: joins, terms: terms, examples: shownExamples, tokenEstimate: 0)
        context.values = options.values
        context.periods = periods
        context.periodFilters = periodFilters
        context.attributeFilters = shownAttributes.map(\.condition)
        // Two tables of one student and one year (grades and enrolment): the join by both, which
        // the path through the student leaves out, so each year's grades met every year's class.
        context.sameGrainJoins = sameGrainJoins(among: chosen)
        context.tokenEstimate = estimateTokens(context)
        while context.tokenEstimate > options.tokenBudget, context.examples.count > 1 {
            context.examples.removeLast()
            context.tokenEstimate = estimateTokens(context)
        }
        context.schemaTokenEstimate = schemaCharacters(context) / 4
        return context
    }

    /// The join of each pair of `tables` of one grain (`Schema.sameGrainCondition`):
    /// `avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo =
    /// matriculas.ano_letivo`, or `interacoes` and `matriculas` by student and class.
    func sameGrainJoins(among tables: [String]) -> [String] {
        tables.enumerated().flatMap { position, firstName in
            tables[(position + 1)...].compactMap { secondName in
                guard let first = schemaTable(firstName), let second = schemaTable(secondName) else { return nil }
                return catalog.schema.sameGrainCondition(first, second)
            }
        }
    }

    /// Cosine similarity (vectors are unit length, so a dot product) of every document.
    func similarities(to vector: [Float]) -> [Float] {
        dotProducts(query: vector, rows: vectors, dimension: dimension)
    }

    /// Breadth-first over the FK graph from `start` to the nearest table of `goals`, exploring
    /// `preferred` tables first; returns the tables entered and the conditions used.
    private func shortestPath(from start: String, toAnyOf goals: Set<String>, preferring preferred: Set<String>) -> [(table: String, condition: String)]? {
        var previous: [String: (table: String, condition: String)] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        var reached: String?
        while !queue.isEmpty, reached == nil {
            let current = queue.removeFirst()
            let edges = (graph[current] ?? []).sorted {
                (preferred.contains($0.table) ? 0 : 1, $0.table) < (preferred.contains($1.table) ? 0 : 1, $1.table)
            }
            for edge in edges where !seen.contains(edge.table) {
                seen.insert(edge.table)
                previous[edge.table] = (current, edge.condition)
                if goals.contains(edge.table) {
                    reached = edge.table
                    break
                }
                queue.append(edge.table)
            }
        }
        guard let goal = reached else { return nil }
        var path: [(String, String)] = []
        var node = goal
        while node != start, let step = previous[node] {
            path.append((step.table, step.condition))
            node = step.table
        }
        return path.reversed()
    }

    /// About a quarter of the characters of the rendered context.
    func estimateTokens(_ context: RetrievedContext) -> Int {
        var characters = schemaCharacters(context)
        characters += context.terms.reduce(0) { $0 + $1.term.count + $1.sql.count + 10 }
        characters += context.examples.reduce(0) { $0 + $1.question.count + $1.sql.count + 10 }
        return characters / 4
    }

    private func schemaCharacters(_ context: RetrievedContext) -> Int {
        var characters = 0
        for table in context.tables {
            let described = describedTable(table.name)
            characters += 30 + table.name.count + (described?.description.count ?? 0)
            for column in table.columns {
                characters += 12 + column.count + (described?.column(named: column)?.description.count ?? 0) / 2
            }
        }
        characters += context.joins.reduce(0) { $0 + $1.steps.joined(separator: " ").count }
        return characters
    }

    /// The same estimate for the whole schema, the baseline a one-shot prompt would pay.
    public func wholeSchemaTokens() -> Int {
        wholeSchemaContext().tokenEstimate
    }

    /// Every table with every column and nothing else: what a prompt holds without retrieval
    /// (the one-shot baseline most tools use).
    public func wholeSchemaContext() -> RetrievedContext {
        let all = catalog.schema.tables.map {
            RetrievedContext.Table(name: $0.name, score: 0, reasons: ["esquema inteiro"], columns: $0.columns.map(\.name))
        }
        var context = RetrievedContext(tables: all, joins: [], terms: [], examples: [], tokenEstimate: 0)
        context.tokenEstimate = estimateTokens(context)
        context.schemaTokenEstimate = context.tokenEstimate
        return context
    }
}

public enum RetrievalError: Error, Sendable, Equatable, LocalizedError {
    case storeStale(String)

    public var errorDescription: String? {
        switch self {
        case .storeStale(let id):
            return "os embeddings não correspondem ao metadata (falta \(id)); rode indaga refresh"
        }
    }
}

extension Retriever {
    /// Reads the database and metadata, and the embeddings store; tells to refresh when they disagree.
    public static func load(database: String, catalogName: String, metadataFolder: URL, embeddingsFolder: URL) throws -> Retriever {
        let job = RefreshJob(database: database, catalogName: catalogName, metadataFolder: metadataFolder, embeddingsFolder: embeddingsFolder)
        let (catalog, _) = try job.catalog()
        guard let store = try EmbeddingStore.load(from: embeddingsFolder, encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384) else {
            throw RetrievalError.storeStale("todos os documentos: \(embeddingsFolder.path) está vazio")
        }
        return try Retriever(catalog: catalog, store: store)
    }
}
