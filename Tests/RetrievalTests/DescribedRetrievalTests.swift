import Catalog
import Database
import Foundation
import Retrieval
import TestSupport
import Testing

/// Synonyms as `indaga refresh --describe` writes them, from a fixed table instead of a model.
private struct SynonymDescriber: CatalogDescriber {
    let synonyms: [String: [String]]
    func domain(of catalog: Catalog) throws -> String { "dados de teste" }
    func describe(_ table: String, in catalog: Catalog) throws -> TableDescription {
        TableDescription(table: .init("A tabela \(table).", synonyms: synonyms[table] ?? []))
    }
}

/// Retrieval on databases nobody described by hand: refresh and describe, then the question.
/// The escola side of the same rules is in RetrievalTests (its view and its leave-one-out recall).
@Suite("Retrieval on catalogs refresh wrote")
struct DescribedRetrievalTests {
    static let folder = try! TemporaryFolder()

    static func retriever(_ name: String, sql: String, synonyms: [String: [String]]) throws -> Retriever {
        let path = folder.path("\(name).sqlite")
        if !FileManager.default.fileExists(atPath: path) {
            try Connection(path: path, mode: .create).execute(sql)
        }
        let metadata = folder.url.appendingPathComponent("metadata/\(name)"), embeddings = folder.url.appendingPathComponent("embeddings/\(name)")
        let job = RefreshJob(database: path, catalogName: name, metadataFolder: metadata, embeddingsFolder: embeddings)
        _ = try job.run(check: false, describer: SynonymDescriber(synonyms: synonyms), embedder: { try Fixture.encoder.get() })
        return try Retriever.load(database: path, catalogName: name, metadataFolder: metadata, embeddingsFolder: embeddings)
    }

    /// Five tables with a yearID each, all joined to Teams by year and team.
    static let baseball: Result<Retriever, Error> = Result {
        var sql = "CREATE TABLE Teams (yearID INTEGER, teamID TEXT, name TEXT, W INTEGER, L INTEGER, PRIMARY KEY (yearID, teamID));\n"
        for (table, extra) in [("Salaries", "salary INTEGER"), ("AllstarFull", "gameID TEXT"), ("Pitching", "SO INTEGER"), ("Managers", "inseason INTEGER")] {
            sql += "CREATE TABLE \(table) (playerID TEXT, yearID INTEGER, teamID TEXT, \(extra), FOREIGN KEY (yearID, teamID) REFERENCES Teams (yearID, teamID));\n"
        }
        for year in 2010...2019 {
            for team in ["BOS", "NYA", "LAN"] {
                sql += "INSERT INTO Teams VALUES (\(year), '\(team)', 'Time \(team)', \(year % 7 + 80), 70);\n"
                sql += "INSERT INTO Salaries VALUES ('p\(year)\(team)', \(year), '\(team)', 500000);\n"
            }
        }
        return try retriever("beisebol", sql: sql, synonyms: ["Teams": ["times", "equipes"], "Salaries": ["salários"], "Pitching": ["arremessos"]])
    }

    /// Three spreadsheets that no key links, one named in CamelCase.
    static let spreadsheets: Result<Retriever, Error> = Result {
        var sql = """
            CREATE TABLE "Pescadores e Pescadoras Profissionais" ("UF" TEXT, "Municipio" TEXT, "Sexo" TEXT);
            CREATE TABLE "Tabela de Aldeias" (nomuf TEXT, cod_municipio TEXT, nome_aldeia TEXT, data_cadastro TEXT);
            CREATE TABLE "SinPatinhas 2025" (uf TEXT, no_municipio TEXT, especie TEXT, idade INTEGER);

            """
        for (index, (uf, city)) in [("TO", "Palmas"), ("AP", "Macapá"), ("PA", "Belém"), ("TO", "Araguaína")].enumerated() {
            sql += "INSERT INTO \"Pescadores e Pescadoras Profissionais\" VALUES ('\(uf)', '\(city)', '\(index % 2 == 0 ? "Feminino" : "Masculino")');\n"
            sql += "INSERT INTO \"Tabela de Aldeias\" VALUES ('\(uf)', '17\(index)', 'Aldeia \(index)', '2018-0\(index + 1)-10');\n"
            sql += "INSERT INTO \"SinPatinhas 2025\" VALUES ('\(uf)', '\(city)', '\(index % 2 == 0 ? "Cão" : "Gato")', \(index + 2));\n"
        }
        return try retriever("planilhas", sql: sql, synonyms: [
            "Pescadores e Pescadoras Profissionais": ["pescadores", "pescadoras"], "Tabela de Aldeias": ["aldeias"], "SinPatinhas 2025": ["SinPatinhas"],
        ])
    }

    /// One table per census year, the year only in the table's name.
    static let censuses: Result<Retriever, Error> = Result {
        var sql = ""
        for year in [2022, 2023] {
            sql += "CREATE TABLE censo\(year) (escola TEXT, matriculas INTEGER);\n"
            sql += "INSERT INTO censo\(year) VALUES ('EMEF A', \(year - 2000)), ('EMEF B', 30);\n"
        }
        return try retriever("censos", sql: sql, synonyms: [:])
    }

    static func context(_ retriever: Retriever, _ question: String) throws -> RetrievedContext {
        retriever.retrieve(question: question, vector: try Fixture.encoder.get().encode(question))
    }

    @Test("a named year is no reason to bring every table with a year column; the chosen table keeps its own")
    func periodIsNoEvidence() throws {
        let context = try Self.context(Self.baseball.get(), "qual time ganhou mais jogos em 2015")
        #expect(context.tables.first?.name == "Teams")
        let reasons = context.tables.flatMap(\.reasons)
        #expect(!reasons.contains { $0.contains(".yearID") }, "\(reasons)")
        #expect(context.tables.first?.columns.contains("yearID") == true)
        // Without a period, a year column asked about is still found by its likeness.
        let asked = try Self.context(Self.baseball.get(), "qual o maior salario pago")
        #expect(asked.tables.first?.name == "Salaries")
    }

    @Test("a year written in a table's name (censo2023) picks that table for a question about the year", arguments: [
        ("quantas matriculas no censo de 2023", "censo2023"), ("total de matriculas em 2022", "censo2022"),
    ])
    func yearInTableName(question: String, table: String) throws {
        #expect(try Self.context(Self.censuses.get(), question).tables.first?.name == table)
    }

    @Test("a spreadsheet nothing links comes only when the question is about it as much", arguments: [
        ("qual municipio do tocantins tem mais pescadores", ["Pescadores e Pescadoras Profissionais"]),
        ("ranking dos estados por numero de pescadores registrados", ["Pescadores e Pescadoras Profissionais"]),
        ("quantas aldeias foram cadastradas em 2018", ["Tabela de Aldeias"]),
    ])
    func unlinkedTables(question: String, tables: [String]) throws {
        #expect(try Self.context(Self.spreadsheets.get(), question).tables.map(\.name) == tables)
    }

    @Test("words that name values in several tables are shared evidence: each table gets a part, once however many of its values they name")
    func sharedValueEvidence() throws {
        let retriever = try Self.spreadsheets.get()
        let question = "registros de palmas"
        let vector = try Fixture.encoder.get().encode(question)
        var options = Retriever.Options()
        let plain = Dictionary(uniqueKeysWithValues: retriever.retrieve(question: question, vector: vector, options: options).tables.map { ($0.name, $0.score) })
        options.values = [
            ValueLink(table: "Pescadores e Pescadoras Profissionais", column: "Municipio", value: "Palmas", spoken: "palmas"),
            ValueLink(table: "SinPatinhas 2025", column: "no_municipio", value: "Palmas", spoken: "palmas"),
            ValueLink(table: "Tabela de Aldeias", column: "nome_aldeia", value: "PALMAS", spoken: "palmas"),
            ValueLink(table: "Tabela de Aldeias", column: "nome_aldeia", value: "Palmas", spoken: "palmas"),
        ]
        let linked = retriever.retrieve(question: question, vector: vector, options: options).tables
        let gains = linked.compactMap { table in plain[table.name].map { table.score - $0 } }
        #expect(linked.count == 3 && gains.count == 3, "\(linked.map(\.name))")
        #expect(gains.allSatisfy { abs($0 - gains[0]) < 1e-9 && $0 > 0 }, "\(gains)")
    }

    @Test("a CamelCase name typed as one word names its table: both spreadsheets the question names are there")
    func camelCaseTyped() throws {
        let context = try Self.context(Self.spreadsheets.get(), "cidades com mais de mil animais no sinpatinhas e mais de mil pescadores")
        #expect(Set(context.tables.map(\.name)) == ["SinPatinhas 2025", "Pescadores e Pescadoras Profissionais"])
        #expect(context.tables.flatMap(\.reasons).contains("a pergunta diz \"SinPatinhas\""))
    }
}
