import Catalog
import Database
import Foundation
import MiniLM

/// Retrieval over one catalog: the vectors of its documents, a lexical index, the FK graph.
public struct Retriever: Sendable {
    public let catalog: Catalog
    /// Spells out abbreviations and fixes typos of catalog words before a question is searched.
    public let normalizer: QuestionNormalizer
    private let vectors: [Float]
    private let dimension: Int
    let lexical: LexicalIndex
    /// Undirected FK graph: table → (neighbour, the join condition).
    let graph: [String: [(table: String, condition: String)]]
    /// Tables each example's SQL reads, by document index.
    let exampleTables: [Int: Set<String>]
    let termDocuments: [Int]
    /// Documents of year, month and date columns: when the question names a period they look
    /// like it in every table that has one, and say nothing of which table it asks about.
    let periodColumnDocuments: Set<Int>
    /// Table and column names and synonyms as stem sequences (or words, where stems are too
    /// loose: `PortugueseTerms.matchingStems`), to spot them in a question.
    let synonymPhrases: [(pattern: String, byStems: Bool, first: String, label: String, table: String, column: String?)]
    /// Schema and metadata tables by lowercased name (large catalogs: no linear searches).
    private let schemaTables: [String: Schema.Table]
    private let describedTables: [String: TableMetadata]
    /// The words of each column's name (`PortugueseTerms.nameWords`), in the order of its schema
    /// table's columns: read for every column of every chosen table, on every question.
    let columnNameWords: [String: [[String]]]
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
        columnNameWords = Dictionary(catalog.schema.tables.map { ($0.name.lowercased(), $0.columns.map { PortugueseTerms.nameWords($0.name) }) },
                                     uniquingKeysWith: { first, _ in first })
    }

    func schemaTable(_ name: String) -> Schema.Table? { schemaTables[name.lowercased()] }
    func describedTable(_ name: String) -> TableMetadata? { describedTables[name.lowercased()] }

    /// The tables an SQL statement reads, from its FROM and JOIN clauses.
    public static func tables(in sql: String) -> Set<String> {
        Set(tablesNamed(inSQL: sql))
    }

    /// The context for a question whose embedding is `vector`.
    public func retrieve(question: String, vector: [Float], options: Options = Options()) -> RetrievedContext {
        let cosine = similarities(to: vector)
        let queryTerms = PortugueseTerms.terms(question)
        let named = PeriodFilters.periods(in: question)
        var evidence = Evidence()
        let (byCosine, byLexical) = rankSchemaDocuments(question: question, queryTerms: queryTerms, named: named, cosine: cosine, into: &evidence)
        // The question as stems and as plain words, padded so a phrase matches whole words only.
        let folded = " " + PortugueseTerms.terms(question).joined(separator: " ") + " "
        let plainWords = " " + PortugueseTerms.words(question).joined(separator: " ") + " "
        scoreNames(queryTerms: queryTerms, folded: folded, plainWords: plainWords, into: &evidence)
        scoreValues(options.values, into: &evidence)
        let attributes = scoreAttributes(question: question, named: named, into: &evidence)
        let terms = glossaryTerms(folded: folded, plainWords: plainWords, named: named, cosine: cosine, into: &evidence)
        let examples = nearestExamples(cosine: cosine, options: options, into: &evidence)
        let (chosen, joins) = chooseTables(options: options, evidence: &evidence)

        // An example reading a table the context leaves out answers some other question: shown it,
        // a small model copied it whole, tables and all (3 of the 7 copied answers of a dev run).
        let shownExamples = examples.filter { $0.tables.isSubset(of: chosen) }.map(\.example)
        pointColumns(of: chosen, question: question, byCosine: byCosine, byLexical: byLexical, into: &evidence)
        // The period the question names, and the columns each table filters it by (shown, then).
        // The years left are the period of the facts.
        let shownAttributes = attributes.filter { chosen.contains($0.table) }
        let periods = named.filter { period in !shownAttributes.contains { $0.period == period } }
        let periodFilters = periods.first.map { PeriodFilters.filters(for: $0, tables: chosen, schema: catalog.schema, preferred: evidence.hitColumns) } ?? []
        let tables = shownTables(chosen, mentionedIn: shownExamples.map(\.sql) + terms.map(\.sql),
                                 periodConditions: periodFilters.flatMap(\.conditions) + shownAttributes.map(\.condition), named: named, evidence: evidence)
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

    /// Cosine similarity (vectors are unit length, so a dot product) of every document.
    func similarities(to vector: [Float]) -> [Float] {
        dotProducts(query: vector, rows: vectors, dimension: dimension)
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
    public static func load(database: String, catalogName: String, metadataFolder: URL, embeddingsFolder: URL,
                            open: DatabaseOpener? = nil) throws -> Retriever {
        let job = RefreshJob(database: database, catalogName: catalogName, metadataFolder: metadataFolder, embeddingsFolder: embeddingsFolder, open: open)
        let (catalog, _) = try job.catalog()
        guard let store = try EmbeddingStore.load(from: embeddingsFolder, encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384) else {
            throw RetrievalError.storeStale("todos os documentos: \(embeddingsFolder.path) está vazio")
        }
        return try Retriever(catalog: catalog, store: store)
    }
}
