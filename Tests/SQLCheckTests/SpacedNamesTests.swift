import Catalog
import Database
import Foundation
@testable import SQLCheck
import TestSupport
import Testing

/// Two databases the size of a spreadsheet import and a sports table: names with spaces,
/// accents, `Nº` and years in them, and plain CamelCase ones.
enum SpacedNamesSetup {
    static let sql = """
        CREATE TABLE "Notas 2024" ("Nº Turma" TEXT, "Nota 2024" REAL, "Data Matrícula" TEXT, "Município" TEXT, "2024" REAL, municipio_id INTEGER);
        CREATE TABLE "SinPatinhas 2025" (uf TEXT, "Espécie" TEXT, "Quantidade de Animais" INTEGER);
        CREATE TABLE Batting (playerID TEXT, yearID INTEGER, HR INTEGER);
        CREATE TABLE People (playerID TEXT, nameFirst TEXT, "birthYear" INTEGER);
        INSERT INTO "Notas 2024" VALUES ('5A', 7.5, '2024-02-01', 'Recife', 1.0, 1);
        INSERT INTO "SinPatinhas 2025" VALUES ('PE', 'Cão', 3);
        """

    static let folder = try! TemporaryFolder()
    static let parts: Result<(String, SQLValidator), Error> = Result {
        let path = folder.path("planilhas.sqlite")
        let writer = try Connection(path: path, mode: .create)
        try writer.execute(sql)
        let catalog = Catalog(name: "planilhas", schema: try writer.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        return (path, SQLValidator(catalog: catalog))
    }
}

@Suite("Names with spaces, accents and signs written without quotes")
struct SpacedNamesTests {
    func repaired(_ sql: String) throws -> (sql: String, failure: ValidationFailure?, repairs: [RuleNote]) {
        let (path, validator) = try SpacedNamesSetup.parts.get()
        return SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: path, mode: .readOnly))
    }

    @Test("spaces dropped, spaces as underscores, two bare words, accents dropped: the real name, quoted, and it runs", arguments: [
        ("SELECT avg(Nota_2024) FROM Notas_2024", #"SELECT avg("Nota 2024") FROM "Notas 2024""#),
        ("SELECT Nº Turma, Nota 2024 FROM Notas 2024 WHERE Municipio = 'Recife'",
         #"SELECT "Nº Turma", "Nota 2024" FROM "Notas 2024" WHERE "Município" = 'Recife'"#),
        ("SELECT n.DataMatricula FROM \"Notas 2024\" n", #"SELECT n."Data Matrícula" FROM "Notas 2024" n"#),
        ("SELECT uf, sum(Quantidade_de_Animais) FROM SinPatinhas_2025 WHERE especie = 'Cão' GROUP BY uf",
         #"SELECT uf, sum("Quantidade de Animais") FROM "SinPatinhas 2025" WHERE "Espécie" = 'Cão' GROUP BY uf"#),
    ])
    func repairs(sql: String, expected: String) throws {
        let result = try repaired(sql)
        #expect(result.sql == expected)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.repairs.map(\.rule) == ["repair.spaced-name"])
    }

    @Test("what is not a spaced name stays: literals, quoted names, numbers, plain names, CamelCase tables", arguments: [
        "SELECT count(*) FROM Batting WHERE yearID = 2024 AND playerID = 'Nota 2024'",
        "SELECT nameFirst, birthYear FROM People",
        #"SELECT "Nota 2024" FROM "Notas 2024" WHERE "2024" > 0 AND municipio_id = 1"#,
    ])
    func leavesAlone(sql: String) throws {
        let (_, validator) = try SpacedNamesSetup.parts.get()
        #expect(SpacedNames.repaired(sql, schema: validator.catalog.schema) == nil)
    }

    @Test("a folded form shared by a plain name, or only digits, is never guessed")
    func ambiguous() throws {
        let (_, validator) = try SpacedNamesSetup.parts.get()
        let index = SpacedNames.index(validator.catalog.schema)
        #expect(index["nota2024"] == "Nota 2024" && index["municipio"] == "Município")
        #expect(index["2024"] == nil)
        #expect(SpacedNames.repaired("SELECT municipio_id FROM Batting WHERE HR > 2024", schema: validator.catalog.schema) == nil)
    }

    @Test("sqlName quotes exactly what SQLite cannot read bare", arguments: [
        ("alunos", "alunos"), ("playerID", "playerID"), ("Nota 2024", #""Nota 2024""#), ("Nº", #""Nº""#), ("order", #""order""#),
        ("2024", #""2024""#), (#"diz "oi""#, #""diz ""oi""""#),
    ])
    func quoting(name: String, written: String) {
        #expect(sqlName(name) == written)
    }
}

@Suite("A column written with other case or underscores")
struct ColumnSpellingTests {
    @Test("name_first on a CamelCase schema is nameFirst, of the qualifier's table; and it runs")
    func camelCaseSchema() throws {
        let (path, validator) = try SpacedNamesSetup.parts.get()
        let result = SQLRepair(catalog: validator.catalog).validated(
            "SELECT T1.name_first FROM People AS T1 JOIN Batting AS T2 ON T2.playerID = T1.playerID WHERE T2.HR > 40",
            by: validator, on: try Connection(path: path, mode: .readOnly))
        #expect(result.sql == "SELECT T1.nameFirst FROM People AS T1 JOIN Batting AS T2 ON T2.playerID = T1.playerID WHERE T2.HR > 40")
        #expect(result.failure == nil && result.repairs.map(\.rule) == ["repair.column-spelling"])
        #expect(result.repairs.first?.note == "T1.name_first lido como T1.nameFirst (a coluna se escreve assim)")
    }

    @Test("no guess: a spelling no column of the query's tables has, or one a table not in the query has", arguments: [
        "SELECT first_name FROM People",
        "SELECT name_first FROM Batting",
    ])
    func leftAlone(sql: String) throws {
        let (path, validator) = try SpacedNamesSetup.parts.get()
        let result = SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: path, mode: .readOnly))
        #expect(!result.repairs.map(\.rule).contains("repair.column-spelling"))
    }
}
