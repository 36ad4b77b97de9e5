@testable import Assistant
@testable import Catalog
import Database
import Foundation
import LLM
import MiniLM
import TestSupport
import Testing

/// Vectors that do not matter here: what is tested is which texts the catalog holds.
private struct FixedEmbedder: TextEmbedder {
    let modelIdentifier = "sentence-transformers/all-MiniLM-L6-v2"
    let dimension = 384
    func embed(_ texts: [String]) -> [[Float]] {
        texts.map { _ in [1] + [Float](repeating: 0, count: 383) }
    }
}

/// `indaga refresh --describe` against a fake Ollama on loopback: what is kept of the model's
/// words, what is dropped, and that the model is asked once per schema.
@Suite("refresh --describe: the local model describes a catalog, once, checked")
struct DescribeTests {
    /// A small music store nobody described, with English names and values.
    static func store(_ folder: TemporaryFolder) throws -> RefreshJob {
        let path = folder.path("musica.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE Customer (CustomerId INTEGER PRIMARY KEY, FirstName TEXT, Country TEXT);
            CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, CustomerId INTEGER REFERENCES Customer(CustomerId), InvoiceDate DATETIME, Total REAL);
            """)
        try db.transaction {
            for index in 1...30 {
                _ = try db.query("INSERT INTO Customer VALUES (?, ?, ?)", [.integer(Int64(index)), .text("Nome\(index)"), .text(["Germany", "Brazil"][index % 2])])
                _ = try db.query("INSERT INTO Invoice VALUES (?, ?, ?, ?)", [.integer(Int64(index)), .integer(Int64(index)), .text("2021-0\(index % 9 + 1)-02 00:00:00"), .real(Double(index))])
            }
        }
        return RefreshJob(database: path, catalogName: "musica", metadataFolder: folder.url.appendingPathComponent("metadata"),
                          embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
    }

    static func describer(_ server: FakeOllama) throws -> ModelDescriber {
        let client = OllamaClient(endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: "fake"), retry: .none)
        return try ModelDescriber(client: client, promptsFolder: Setup.repository.appendingPathComponent("prompts"))
    }

    /// A model that knows the store, and also names a column that does not exist.
    static func knowing(_ prompt: String) -> String {
        if prompt.contains("Você responde perguntas sobre ___") { return #"{"assunto": "uma loja de música."}"# }
        if prompt.contains("Tabela Customer") {
            return """
                Aqui está: {"descricao": "Cada cliente da loja.", "sinonimos": ["clientes", "compradores"],
                 "colunas": {"Country": {"descricao": "País do cliente.", "sinonimos": ["país"]}, "Phone": {"descricao": "inventada", "sinonimos": []}},
                 "valores": {"Country": {"Germany": "Alemanha", "Brazil": "BRAZIL", "Atlantis": "Atlântida"}}}
                """
        }
        return #"{"descricao": "Cada fatura.", "sinonimos": ["faturas", "vendas"], "colunas": {"Total": {"descricao": "Valor da fatura.", "sinonimos": ["valor"]}}}"#
    }

    @Test("descriptions, synonyms and value names land in the metadata as auto: describe; names that do not exist are dropped")
    func describes() throws {
        let folder = try TemporaryFolder()
        let job = try Self.store(folder)
        let server = try FakeOllama(reply: Self.knowing)
        var steps: [String] = []
        let summary = try job.run(check: false, describer: try Self.describer(server), progress: { steps.append($0) }) { FixedEmbedder() }
        #expect(summary.described?.described.sorted() == ["Customer", "Invoice"] && summary.described?.problems == [])
        #expect(steps == ["[1/3] a tabela Customer", "[2/3] a tabela Invoice", "[3/3] o assunto do banco"])

        let metadata = try CatalogMetadata.load(from: job.metadataFolder)
        #expect(metadata.settings.domain == "uma loja de música" && metadata.settings.origin == .model)
        let customer = try #require(metadata.table(named: "Customer"))
        #expect(customer.description == "Cada cliente da loja." && customer.origin == .model)
        // 'BRAZIL' for 'Brazil' changes only the case: no translation; 'Atlantis' is no stored value.
        #expect(customer.column(named: "Country")?.values == ["Brazil": "", "Germany": "Alemanha"])
        #expect(customer.column(named: "Country")?.synonyms == ["país"] && customer.column(named: "Phone") == nil)
        let text = try String(contentsOf: job.metadataFolder.appendingPathComponent("Customer.yaml"), encoding: .utf8)
        #expect(text.contains("auto: describe") && text.contains("Alemanha") && !text.contains("inventada"))

        // What the model read: names, types, roles, keys and values, not rows.
        let asked = try #require(server.prompts.first { $0.contains("Tabela Invoice") })
        #expect(asked.contains("CustomerId INTEGER, referencia de Customer.CustomerId") && asked.contains("InvoiceDate DATETIME, data_hora"))
        #expect(asked.contains("Assunto do banco: os dados do banco musica."))
        // The domain is asked last, with what each table was found to hold.
        #expect(server.prompts.last?.contains("- Customer (CustomerId, FirstName, Country): Cada cliente da loja.") == true)

        // The model's words reach the catalog the pipeline searches.
        let (catalog, _) = try job.catalog()
        #expect(catalog.documents.contains { $0.id == "coluna:Customer.Country" && $0.text.contains("Germany = Alemanha") })
    }

    @Test("a second refresh of the same schema makes no model call")
    func cached() throws {
        let folder = try TemporaryFolder()
        let job = try Self.store(folder)
        let server = try FakeOllama(reply: Self.knowing)
        _ = try job.run(check: false, describer: try Self.describer(server)) { FixedEmbedder() }
        let calls = server.prompts.count
        #expect(calls == 3)
        let again = try job.run(check: false, describer: try Self.describer(server)) { FixedEmbedder() }
        #expect(again.described?.cached == true && server.prompts.count == calls && again.embedded == 0)
    }

    @Test("a model that answers nonsense: nothing of it is kept, the refresh is whole, and the next --describe asks again")
    func nonsense() throws {
        let folder = try TemporaryFolder()
        let job = try Self.store(folder)
        let server = try FakeOllama { prompt in prompt.contains("Você responde perguntas sobre ___") ? #"{"assunto": "o banco de dados SQLite"}"# : "SELECT * FROM Customer; -- não sei" }
        let summary = try job.run(check: false, describer: try Self.describer(server)) { FixedEmbedder() }
        #expect(summary.described?.described == [] && summary.described?.problems.count == 3)
        #expect(summary.described?.problems.contains { $0.reason.contains("não respondeu um JSON legível") } == true)
        let metadata = try CatalogMetadata.load(from: job.metadataFolder)
        #expect(metadata.tables.allSatisfy { $0.origin == .schema && $0.description.isEmpty })
        #expect(metadata.settings.schemaHash == nil)
        #expect(try job.run(check: true) { FixedEmbedder() }.stale == false, "the store was still written")
        _ = try job.run(check: false, describer: try Self.describer(server)) { FixedEmbedder() }
        #expect(server.prompts.count == 6)
    }

    @Test("a wide table is asked about twelve columns at a time, and every part lands")
    func wideTable() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("largo.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("CREATE TABLE Stats (" + (1...30).map { "c\($0) INTEGER" }.joined(separator: ", ") + "); INSERT INTO Stats (c1) VALUES (1);")
        let job = RefreshJob(database: path, catalogName: "largo", metadataFolder: folder.url.appendingPathComponent("metadata"),
                             embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
        // Describes exactly the columns its prompt lists.
        let server = try FakeOllama { prompt in
            if prompt.contains("Você responde perguntas sobre ___") { return #"{"assunto": "estatísticas"}"# }
            let listed = prompt.split(separator: "\n").filter { $0.hasPrefix("- c") }.map { String($0.dropFirst(2).prefix { $0 != " " }) }
            let columns = listed.map { "\"\($0)\": {\"descricao\": \"Coluna \($0).\", \"sinonimos\": []}" }.joined(separator: ", ")
            return "{\"descricao\": \"Números.\", \"sinonimos\": [], \"colunas\": {\(columns)}}"
        }
        _ = try job.run(check: false, describer: try Self.describer(server)) { FixedEmbedder() }
        #expect(server.prompts.count == 4, "three parts of the table and the domain")
        let stats = try #require(try CatalogMetadata.load(from: job.metadataFolder).table(named: "Stats"))
        #expect(stats.columns.allSatisfy { $0.description == "Coluna \($0.name)." } && stats.description == "Números.")
    }

    @Test("JSON that names only columns that do not exist is no description")
    func onlyInventedColumns() throws {
        let table = Schema.Table(name: "Track", kind: .table, columns: [
            Schema.Column(name: "TrackId", declaredType: "INTEGER", notNull: true, isPrimaryKey: true, sampleValues: []),
        ], primaryKey: ["TrackId"], foreignKeys: [], rowCount: 1, sql: "")
        #expect(throws: DescribeError.empty) {
            try ModelDescriber.parse(#"{"colunas": {"Composer": {"descricao": "x"}}}"#, table: table, metadata: nil)
        }
        let kept = try ModelDescriber.parse(#"{"descricao": "Faixa\n\nSQL: DROP", "colunas": {"trackid": {"descricao": "Código", "sinonimos": ["id", "id", 3]}}}"#,
                                            table: table, metadata: nil)
        #expect(kept.table.description == "Faixa SQL: DROP" && kept.columns["TrackId"]?.synonyms == ["id"])
    }

    @Test("without a model server the refresh still writes the profile and the embeddings, and says so")
    func noServer() throws {
        let folder = try TemporaryFolder()
        let job = try Self.store(folder)
        let client = OllamaClient(endpoint: LLMEndpoint(baseURL: "http://127.0.0.1:9", api: .ollama, model: "fake"), retry: .none)
        let describer = try ModelDescriber(client: client, promptsFolder: Setup.repository.appendingPathComponent("prompts"))
        let summary = try job.run(check: false, describer: describer) { FixedEmbedder() }
        #expect(summary.described?.problems.count == 3 && summary.embedded > 0 && summary.starterFiles.count == 2)
    }
}
