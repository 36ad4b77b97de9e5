import Catalog
import Database
import DemoDatabase
import Foundation
import TestSupport
import Testing

/// The bundled database, built once per test process, and the repository's metadata for it.
enum Bundled {
    static let folder = try! TemporaryFolder()
    static let database: Result<String, Error> = Result {
        try DemoDatabase.write(to: folder.path("escola.sqlite")).path
    }
    static let metadataFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("metadata/escola")

    static func open() throws -> Connection {
        try Connection(path: database.get(), mode: .readOnly)
    }

    /// The tables an SQL statement reads, from its FROM and JOIN clauses.
    static func tables(in sql: String) -> Set<String> {
        Set(tablesNamed(inSQL: sql))
    }
}

@Suite("The bundled data dictionary")
struct BundledMetadataTests {
    @Test("every table and view, and every column, is described, with no warnings")
    func completeness() throws {
        let metadata = try CatalogMetadata.load(from: Bundled.metadataFolder)
        let schema = try Bundled.open().introspect(samplesPerColumn: 0)
        #expect(metadata.warnings(against: schema) == [])
        for table in schema.tables {
            let described = try #require(metadata.table(named: table.name), "no metadata for \(table.name)")
            #expect(!described.description.isEmpty && !described.auto)
            #expect(!described.synonyms.isEmpty, "\(table.name) has no synonyms")
            for column in table.columns {
                let entry = described.column(named: column.name)
                #expect(entry?.description.isEmpty == false, "\(table.name).\(column.name) has no description")
            }
        }
        // The coded values a manager asks about are explained.
        #expect(metadata.table(named: "matriculas")?.column(named: "situacao")?.values["evadida"]?.contains("evasão") == true)
        #expect(metadata.table(named: "avaliacoes_anuais")?.column(named: "pedra")?.values.count == 4)
        for indicator in ["inde", "ieg", "ida", "defasagem"] {
            #expect(metadata.table(named: "avaliacoes_anuais")?.column(named: indicator)?.description.count ?? 0 > 40)
        }
    }

    @Test("at least 40 examples, covering every table and joins of 2, 3 and 4 tables")
    func exampleCoverage() throws {
        let examples = try CatalogMetadata.load(from: Bundled.metadataFolder).examples
        #expect(examples.count >= 40)
        let schema = try Bundled.open().introspect(samplesPerColumn: 0)
        let covered = examples.reduce(into: Set<String>()) { $0.formUnion(Bundled.tables(in: $1.sql)) }
        #expect(covered == Set(schema.tables.map(\.name)))
        let sizes = Set(examples.map { Bundled.tables(in: $0.sql).count })
        #expect(sizes.isSuperset(of: [1, 2, 3, 4]))
        #expect(examples.contains { $0.sql.localizedCaseInsensitiveContains("GROUP BY") })
        #expect(examples.contains { $0.sql.localizedCaseInsensitiveContains("ORDER BY") && $0.sql.localizedCaseInsensitiveContains("LIMIT") })
        #expect(Set(examples.map(\.question)).count == examples.count, "duplicate questions")
    }

    @Test("every verified example runs read-only on the bundled database and answers", arguments: (try? CatalogMetadata.load(from: Bundled.metadataFolder).examples) ?? [])
    func exampleRuns(example: VerifiedExample) throws {
        let db = try Bundled.open()
        let statement = try db.prepare(example.sql)
        #expect(statement.isReadOnly)
        let rows = try statement.all()
        if rows.isEmpty {
            // Only the score tables start empty (they are filled by the scores command).
            let empty = try Bundled.tables(in: example.sql).filter { try db.scalar("SELECT count(*) FROM \(quoteIdentifier($0))") == .integer(0) }
            #expect(!empty.isEmpty, "no rows for: \(example.question)")
        }
    }

    @Test("glossary terms name tables and columns that exist")
    func glossary() throws {
        let metadata = try CatalogMetadata.load(from: Bundled.metadataFolder)
        let schema = try Bundled.open().introspect(samplesPerColumn: 0)
        #expect(metadata.glossary.count >= 15)
        #expect(metadata.glossary.contains { $0.term == "evasão" && $0.synonyms.contains("sumiu") })
        let reference = try Regex(#"\b([a-z_]+)\.([a-z_]+)\b"#)
        for term in metadata.glossary {
            #expect(!term.tables.isEmpty, "\(term.term) names no table")
            for match in term.sql.matches(of: reference) {
                let table = String(match.output[1].substring ?? "")
                let column = String(match.output[2].substring ?? "")
                guard let real = schema.table(named: table) else { continue }  // an alias like atual.inde
                #expect(real.column(named: column) != nil, "\(term.term): \(table).\(column)")
            }
        }
    }
}

@Suite("Loading metadata: bad files and names")
struct MetadataLoadingTests {
    @Test("malformed YAML names the file and the line")
    func malformed() throws {
        let folder = try TemporaryFolder()
        try "tabela: alunos\ndescricao: ok\ncolunas:\n  - nome: ra\n    descricao: Registro: único\n".write(toFile: folder.path("alunos.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: MetadataError.self) { try CatalogMetadata.load(from: folder.url) }
        #expect(error?.file == folder.path("alunos.yaml"))
        #expect(error?.line == 5)
        #expect(error?.errorDescription?.hasPrefix("\(folder.path("alunos.yaml")), linha 5") == true)
    }

    @Test("a missing required field is named")
    func missingField() throws {
        let folder = try TemporaryFolder()
        try "tabela: alunos\ncolunas:\n  - descricao: sem nome\n".write(toFile: folder.path("alunos.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: MetadataError.self) { try CatalogMetadata.load(from: folder.url) }
        #expect(error?.problem.contains("'nome'") == true)
    }

    @Test("entries for tables or columns the database lacks are warnings; the rest loads")
    func unknownNames() throws {
        let folder = try TemporaryFolder()
        try "tabela: alunos\ndescricao: Os alunos.\ncolunas:\n  - nome: ra\n    descricao: RA.\n  - nome: apelido\n    descricao: não existe.\n"
            .write(toFile: folder.path("alunos.yaml"), atomically: true, encoding: .utf8)
        try "tabela: professores\ndescricao: Não existe.\n".write(toFile: folder.path("professores.yaml"), atomically: true, encoding: .utf8)
        let metadata = try CatalogMetadata.load(from: folder.url)
        #expect(metadata.tables.map(\.name) == ["alunos", "professores"])
        let warnings = metadata.warnings(against: try Bundled.open().introspect(samplesPerColumn: 0))
        #expect(warnings == [
            "metadata descreve a coluna 'alunos.apelido', que não existe no banco",
            "metadata descreve a tabela 'professores', que não existe no banco",
        ])
    }

    @Test("no metadata folder is an empty catalog, not an error")
    func missingFolder() throws {
        let metadata = try CatalogMetadata.load(from: URL(fileURLWithPath: "/nao/existe/metadata"))
        #expect(metadata.tables.isEmpty && metadata.examples.isEmpty && metadata.glossary.isEmpty)
    }
}

@Suite("saving a verified example")
struct ExampleStoreTests {
    @Test("a repeated question is refused and the file is left as it was")
    func duplicate() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("examples.yaml")
        let original = "# conferidos à mão\nexemplos:\n  - pergunta: Quantos alunos há?\n    sql: SELECT count(*) FROM alunos\n"
        try original.write(to: file, atomically: true, encoding: .utf8)
        let store = ExampleStore(metadataFolder: folder.url)
        #expect(throws: ExampleStore.SaveError.duplicate("Quantos alunos há?")) {
            try store.append(question: "Quantos alunos há?", sql: "SELECT 1")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == original)
    }

    @Test("a question with quotes, colons and a line break round-trips; a missing file is created")
    func awkwardText() throws {
        let folder = try TemporaryFolder()
        let store = ExampleStore(metadataFolder: folder.url)
        let question = "Alunos com \"nota: 10\" em # matemática?"
        let sql = "SELECT nome\nFROM alunos WHERE nome LIKE '%: %'"
        try store.append(question: question, sql: sql)
        let examples = try CatalogMetadata.load(from: folder.url).examples
        #expect(examples == [VerifiedExample(question: question, sql: sql)])
    }

    @Test("a file that would stop parsing is put back and the error says so")
    func restoresOnFailure() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("examples.yaml")
        let original = "exemplos: []\n"
        try original.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ExampleStore.SaveError.self) {
            try ExampleStore(metadataFolder: folder.url).append(question: "Quantas escolas?", sql: "SELECT count(*) FROM escolas")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == original)
    }
}
