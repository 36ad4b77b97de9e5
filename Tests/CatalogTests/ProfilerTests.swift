@testable import Catalog
import Database
import Foundation
import TestSupport
import Testing

/// Small databases nobody described, with the shapes real ones have: a DATETIME column, dates
/// as dd/mm/aaaa, years in names, keys nobody declared, a category whose first rows show few values.
@Suite("refresh learns roles, values and keys from the data")
struct ProfilerTests {
    /// A shop with undeclared keys, and a spreadsheet with spaces, accents and years in its names.
    static func database(_ folder: TemporaryFolder) throws -> String {
        let path = folder.path("loja.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE clientes (id INTEGER PRIMARY KEY, "Nome Completo" TEXT, pais TEXT, cadastro DATETIME, nascimento TEXT, retroID TEXT);
            CREATE TABLE pedidos (PedidoId INTEGER PRIMARY KEY, ClienteId INTEGER, Data DATE, Valor REAL, mes TEXT, anoFiscal INTEGER);
            CREATE TABLE "censo2023" (UF TEXT, "Nota 2024" REAL, "Nº Turma" TEXT);
            """)
        try db.transaction {
            for index in 1...40 {
                let country = ["Germany", "Brazil", "France"][index % 3]
                _ = try db.query("INSERT INTO clientes VALUES (?, ?, ?, ?, ?, ?)", [
                    .integer(Int64(index)), .text("Cliente \(index) da Silva"), .text(country),
                    .text(String(format: "2024-%02d-%02d 10:%02d:00", index % 12 + 1, index % 28 + 1, index)),
                    .text(String(format: "%02d/%02d/19%02d", index % 28 + 1, index % 12 + 1, 50 + index)), .text("r\(index)x"),
                ])
                _ = try db.query("INSERT INTO pedidos VALUES (?, ?, ?, ?, ?, ?)", [
                    .integer(Int64(index)), .integer(Int64(index % 20 + 1)), .text(String(format: "2023-%02d-15", index % 12 + 1)),
                    .real(Double(index) * 9.5), .text(String(format: "2023-%02d", index % 12 + 1)), .integer(Int64(2020 + index % 4)),
                ])
            }
            // Sorted by state, as public spreadsheets are: the first rows show one state only.
            for index in 0..<(SchemaProfiler.sampleRows + 500) {
                let state = index < SchemaProfiler.sampleRows ? "AC" : ["SP", "RJ"][index % 2]
                _ = try db.query("INSERT INTO censo2023 VALUES (?, ?, ?)", [.text(state), .real(Double(index % 10)), .text("T\(index % 7)")])
            }
        }
        return path
    }

    func profile(_ path: String) throws -> [String: TableMetadata] {
        let connection = try Connection(path: path, mode: .readOnly)
        let tables = try SchemaProfiler(connection: connection, schema: connection.introspect()).profile()
        return Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
    }

    @Test("roles from the values: DATETIME text, dd/mm/aaaa, ISO months, years by range and by name, label, category, identifier")
    func roles() throws {
        let folder = try TemporaryFolder()
        let profiled = try profile(try Self.database(folder))
        let clientes = try #require(profiled["clientes"])
        #expect(clientes.column(named: "id")?.role == .key)
        #expect(clientes.column(named: "cadastro")?.role == .dateTime)
        #expect(clientes.column(named: "nascimento")?.role == .date && clientes.column(named: "nascimento")?.format == "dd/mm/aaaa")
        #expect(clientes.column(named: "Nome Completo")?.role == .label)
        #expect(clientes.column(named: "pais")?.role == .category)
        #expect(clientes.column(named: "pais")?.values.keys.sorted() == ["Brazil", "France", "Germany"])
        #expect(clientes.column(named: "retroID")?.role == .identifier)
        let pedidos = try #require(profiled["pedidos"])
        #expect(pedidos.column(named: "Data")?.role == .date)
        #expect(pedidos.column(named: "mes")?.role == .month)
        #expect(pedidos.column(named: "anoFiscal")?.role == .year)
        #expect(pedidos.column(named: "Valor")?.role == .measure)
    }

    @Test("a key nobody declared is inferred from the names and checked against the values")
    func inferredKeys() throws {
        let folder = try TemporaryFolder()
        let path = try Self.database(folder)
        let pedidos = try #require(try profile(path)["pedidos"])
        #expect(pedidos.column(named: "ClienteId")?.role == .reference)
        #expect(pedidos.column(named: "ClienteId")?.reference == "clientes.id")
        #expect(pedidos.relations.contains("pedidos.ClienteId = clientes.id (deduzida dos valores)"))

        // A value no client has: no longer a key of clientes.
        let db = try Connection(path: path)
        _ = try db.query("UPDATE pedidos SET ClienteId = ClienteId + 1000 WHERE PedidoId <= 10")
        #expect(try profile(path)["pedidos"]?.column(named: "ClienteId")?.reference == nil)
    }

    @Test("a category's values come from the whole table, not its first rows; a year in a name stays in its words")
    func wholeCategory() throws {
        let folder = try TemporaryFolder()
        let censo = try #require(try profile(try Self.database(folder))["censo2023"])
        #expect(censo.column(named: "UF")?.role == .category)
        #expect(censo.column(named: "UF")?.values.keys.sorted() == ["AC", "RJ", "SP"])
        #expect(nameParts("censo2023") == ["censo", "2023"] && nameParts("Nota 2024") == ["nota", "2024"])
    }

    @Test("names split as a person says them", arguments: [
        ("InvoiceLine", ["invoice", "line"]), ("playerID", ["player", "id"]), ("HTTPServer", ["http", "server"]),
        ("censo2024", ["censo", "2024"]), ("Nº Turma", ["nº", "turma"]), ("nota_matematica", ["nota", "matematica"]),
        ("5B", ["5b"]), ("UnitPrice", ["unit", "price"]),
    ])
    func splitNames(name: String, parts: [String]) {
        #expect(nameParts(name) == parts)
    }

    @Test("the catalog's schema carries the roles: a DATETIME column is a date, an inferred key joins")
    func catalogSchema() throws {
        let folder = try TemporaryFolder()
        let path = try Self.database(folder)
        let job = RefreshJob(database: path, catalogName: "loja", metadataFolder: folder.url.appendingPathComponent("metadata"),
                             embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
        _ = try job.run(check: false) { CountingEmbedder() }
        let (catalog, _) = try job.catalog()
        let clientes = try #require(catalog.schema.table(named: "clientes"))
        #expect(catalog.schema.dateColumns(of: clientes) == ["cadastro"], "dd/mm/aaaa is no ISO date for SQLite's functions")
        let pedidos = try #require(catalog.schema.table(named: "pedidos"))
        #expect(catalog.schema.yearColumns(of: pedidos) == ["anoFiscal"])
        #expect(catalog.schema.monthColumns(of: pedidos) == ["mes"])
        #expect(pedidos.foreignKeys.contains { $0.columns == ["ClienteId"] && $0.referencedTable == "clientes" })
        // Without a refresh (no roles), DATETIME text is still seen as a date: it is sampled now.
        let raw = try Connection(path: path, mode: .readOnly).introspect()
        #expect(raw.dateColumns(of: try #require(raw.table(named: "clientes"))) == ["cadastro"])
    }

    @Test("the metadata is readable UTF-8, round-trips, and a second refresh writes nothing")
    func readableYAML() throws {
        let folder = try TemporaryFolder()
        let path = try Self.database(folder)
        let metadata = folder.url.appendingPathComponent("metadata")
        let job = RefreshJob(database: path, catalogName: "loja", metadataFolder: metadata, embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
        let first = try job.run(check: false) { CountingEmbedder() }
        #expect(first.starterFiles.count == 3)
        let text = try String(contentsOf: metadata.appendingPathComponent("censo2023.yaml"), encoding: .utf8)
        #expect(text.contains("nome: Nº Turma") && !text.contains("\\x") && !text.contains("\\u"))
        let clientes = try String(contentsOf: metadata.appendingPathComponent("clientes.yaml"), encoding: .utf8)
        #expect(clientes.contains("Cliente 1 da Silva") || clientes.contains("Cliente 10 da Silva"))
        #expect(!clientes.contains("descrição automática"))

        let loaded = try CatalogMetadata.load(from: metadata)
        #expect(loaded.tables.map(\.name) == ["censo2023", "clientes", "pedidos"])
        #expect(loaded.table(named: "pedidos") == (try profile(path)["pedidos"]))
        let second = try job.run(check: false) { CountingEmbedder() }
        #expect(second.starterFiles.isEmpty && second.embedded == 0)
    }

    @Test("a refresh stopped by a metadata error leaves no empty embeddings folder behind")
    func failedRefreshLeavesNothing() throws {
        let folder = try TemporaryFolder()
        let metadata = folder.url.appendingPathComponent("metadata")
        try FileManager.default.createDirectory(at: metadata, withIntermediateDirectories: true)
        try "tabela: clientes\ncolunas:\n  - nome: pais\n    papel: talvez\n".write(to: metadata.appendingPathComponent("clientes.yaml"), atomically: true, encoding: .utf8)
        let embeddings = folder.url.appendingPathComponent("embeddings")
        let job = RefreshJob(database: try Self.database(folder), catalogName: "loja", metadataFolder: metadata, embeddingsFolder: embeddings)
        #expect(throws: MetadataError.self) { try job.run(check: false) { CountingEmbedder() } }
        #expect(!FileManager.default.fileExists(atPath: embeddings.path))
    }

    @Test("refresh never rewrites what a person wrote, and keeps what the model wrote")
    func personAndModelText() throws {
        let folder = try TemporaryFolder()
        let path = try Self.database(folder)
        let metadata = folder.url.appendingPathComponent("metadata")
        try FileManager.default.createDirectory(at: metadata, withIntermediateDirectories: true)
        let mine = "# meu comentário\ntabela: clientes\ndescricao: Quem compra na loja.\ncolunas:\n  - nome: pais\n    descricao: País do cliente.\n"
        try mine.write(to: metadata.appendingPathComponent("clientes.yaml"), atomically: true, encoding: .utf8)
        let job = RefreshJob(database: path, catalogName: "loja", metadataFolder: metadata, embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
        _ = try job.run(check: false) { CountingEmbedder() }
        #expect(try String(contentsOf: metadata.appendingPathComponent("clientes.yaml"), encoding: .utf8) == mine)

        // The model's words in an auto: describe entry survive a refresh that re-profiles it.
        let file = metadata.appendingPathComponent("pedidos.yaml")
        var entry = try #require(try CatalogMetadata.load(from: metadata).table(named: "pedidos"))
        entry = entry.described(by: TableDescription(table: .init("Pedidos feitos na loja."), columns: ["Valor": .init("Valor do pedido em reais.", synonyms: ["preço"])]))
        try MetadataFile.write(entry, to: file)
        _ = try job.run(check: false) { CountingEmbedder() }
        let after = try #require(try CatalogMetadata.load(from: metadata).table(named: "pedidos"))
        #expect(after.description == "Pedidos feitos na loja." && after.origin == .model)
        #expect(after.column(named: "Valor")?.synonyms == ["preço"] && after.column(named: "Valor")?.role == .measure)
    }
}
