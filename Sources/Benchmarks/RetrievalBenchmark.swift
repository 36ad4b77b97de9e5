import Catalog
import Database
import Foundation
import MiniLM
import Retrieval

/// What `indaga bench retrieval` reports.
public struct RetrievalMeasurement: Sendable, Codable {
    /// A held-out question whose context lacked some of its gold tables.
    public struct Miss: Sendable, Codable {
        public var question: String
        public var missing: [String]
    }

    public var examples = 0
    /// Share of held-out examples whose gold tables are all in the retrieved context.
    public var recall = 0.0
    public var misses: [Miss] = []
    public var meanContextTokens = 0.0
    /// Tables, columns and joins only: the part comparable to the whole schema.
    public var meanSchemaTokens = 0.0
    public var wholeSchemaTokens = 0
    @Milliseconds public var retrieveP50: Duration = .zero
    @Milliseconds public var retrieveP95: Duration = .zero
    @Milliseconds public var withEncodingP50: Duration = .zero
    @Milliseconds public var withEncodingP95: Duration = .zero
    public var syntheticDocuments = 0
    @Milliseconds public var syntheticP50: Duration = .zero
    @Milliseconds public var syntheticP95: Duration = .zero
}

/// `indaga bench retrieval --json`: snake_case keys, times in milliseconds.
extension RetrievalMeasurement {
    enum CodingKeys: String, CodingKey {
        case examples, recall, misses
        case meanContextTokens = "mean_context_tokens", meanSchemaTokens = "mean_schema_tokens", wholeSchemaTokens = "whole_schema_tokens"
        case retrieveP50 = "retrieve_p50_ms", retrieveP95 = "retrieve_p95_ms"
        case withEncodingP50 = "with_encoding_p50_ms", withEncodingP95 = "with_encoding_p95_ms"
        case syntheticDocuments = "synthetic_documents", syntheticP50 = "synthetic_p50_ms", syntheticP95 = "synthetic_p95_ms"
    }
}

public enum RetrievalBenchmark {
    /// Leave-one-out over the verified examples: each question is retrieved with its own example hidden.
    public static func measure(_ retriever: Retriever, encoder: MiniLMEncoder, syntheticColumns: Int) -> RetrievalMeasurement {
        var result = RetrievalMeasurement()
        let examples = retriever.catalog.metadata.examples
        let names = Set(retriever.catalog.schema.tables.map(\.name))
        var tokens = 0
        var schemaTokens = 0
        var covered = 0
        var retrieveTimes: [Duration] = []
        var totalTimes: [Duration] = []
        let clock = ContinuousClock()
        for example in examples {
            var options = Retriever.Options()
            options.excludedQuestion = example.question
            let started = clock.now
            let vector = encoder.encode(example.question)
            let encoded = clock.now
            let context = retriever.retrieve(question: example.question, vector: vector, options: options)
            let finished = clock.now
            retrieveTimes.append(finished - encoded)
            totalTimes.append(finished - started)
            let gold = Retriever.tables(in: example.sql).intersection(names)
            let missing = gold.subtracting(context.tables.map(\.name)).sorted()
            if missing.isEmpty { covered += 1 } else { result.misses.append(.init(question: example.question, missing: missing)) }
            tokens += context.tokenEstimate
            schemaTokens += context.schemaTokenEstimate
        }
        result.examples = examples.count
        result.recall = Double(covered) / Double(max(1, examples.count))
        result.meanContextTokens = Double(tokens) / Double(max(1, examples.count))
        result.meanSchemaTokens = Double(schemaTokens) / Double(max(1, examples.count))
        result.wholeSchemaTokens = retriever.wholeSchemaTokens()
        (result.retrieveP50, result.retrieveP95) = (percentile(retrieveTimes, 0.5), percentile(retrieveTimes, 0.95))
        (result.withEncodingP50, result.withEncodingP95) = (percentile(totalTimes, 0.5), percentile(totalTimes, 0.95))

        if syntheticColumns > 0 {
            let (synthetic, questions) = syntheticRetriever(columns: syntheticColumns)
            result.syntheticDocuments = synthetic.catalog.documents.count
            var times: [Duration] = []
            for (text, vector) in questions {
                let started = clock.now
                _ = synthetic.retrieve(question: text, vector: vector)
                times.append(clock.now - started)
            }
            (result.syntheticP50, result.syntheticP95) = (percentile(times, 0.5), percentile(times, 0.95))
        }
        return result
    }

    /// A catalog of `columns` column documents (1,000 tables) with random unit vectors, and 50 queries.
    static func syntheticRetriever(columns: Int) -> (Retriever, [(String, [Float])]) {
        var state: UInt64 = 0x9E37_79B9
        func random() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        func unitVector() -> [Float] {
            let vector = (0..<384).map { _ in random() }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / norm }
        }
        let words = ["aluno", "turma", "nota", "frequencia", "escola", "matricula", "entrega", "prazo", "risco", "valor", "data", "codigo"]
        let tableCount = 1_000
        let perTable = max(1, columns / tableCount)
        var tables: [Schema.Table] = []
        for t in 0..<tableCount {
            let columns = (0..<perTable).map { c in
                Schema.Column(name: "\(words[(t + c) % words.count])_\(c)", declaredType: "TEXT", notNull: false, isPrimaryKey: c == 0, sampleValues: [])
            }
            let keys = t > 0 ? [Schema.ForeignKey(columns: [columns[0].name], referencedTable: "tabela_\(t / 2)", referencedColumns: [])] : []
            tables.append(Schema.Table(name: "tabela_\(t)", kind: .table, columns: columns, primaryKey: [columns[0].name],
                                       foreignKeys: keys, rowCount: 0, sql: ""))
        }
        let catalog = Catalog(name: "sintetico", schema: Schema(tables: tables), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        var vectors: [Float] = []
        vectors.reserveCapacity(catalog.documents.count * 384)
        for _ in catalog.documents { vectors += unitVector() }
        let store = EmbeddingStore(encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384,
                                   documents: catalog.documents.map { ($0.id, $0.hash) }, vectors: vectors)
        let retriever = try! Retriever(catalog: catalog, store: store)
        let queries = (0..<50).map { i in ("qual a \(words[i % words.count]) do \(words[(i * 7) % words.count]) por \(words[(i * 3) % words.count])", unitVector()) }
        return (retriever, queries)
    }
}
