import Catalog
import Database
import Foundation
@testable import SQLCheck
import TestSupport
import Testing

/// A school system's students beside grades and classes imported from a spreadsheet: plain names
/// and names with spaces, accents and `Nº`, linked by foreign keys.
enum QuotedNameRepairsSetup {
    static let sql = """
        CREATE TABLE alunos (id INTEGER PRIMARY KEY, nome TEXT);
        CREATE TABLE "Turmas 2024" ("Código" INTEGER PRIMARY KEY, "Nº Turma" TEXT);
        CREATE TABLE "Notas Finais" (id INTEGER PRIMARY KEY, "Aluno ID" INTEGER REFERENCES alunos (id),
            Turma INTEGER REFERENCES "Turmas 2024" ("Código"), "Nota Final" REAL);
        INSERT INTO alunos VALUES (1, 'Ana');
        INSERT INTO "Turmas 2024" VALUES (10, '5A');
        INSERT INTO "Notas Finais" VALUES (1, 1, 10, 7.5);
        """

    static let folder = try! TemporaryFolder()
    static let parts: Result<(String, SQLValidator), Error> = Result {
        let path = folder.path("escola-planilha.sqlite")
        let writer = try Connection(path: path, mode: .create)
        try writer.execute(sql)
        let catalog = Catalog(name: "escola-planilha", schema: try writer.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        return (path, SQLValidator(catalog: catalog))
    }
}

/// Issue #28: the joins a repair writes and the joins and names a validation hint shows are
/// written as `sqlName` writes them, so they run on a database whose names need quotes.
@Suite("Repairs and hints that write names needing quotes")
struct QuotedNameRepairsTests {
    @Test("a parent table read and never joined is joined by its key, every name quoted as it must be, and it runs", arguments: [
        (#"SELECT alunos.nome, n."Nota Final" FROM "Notas Finais" n"#,
         #"SELECT alunos.nome, n."Nota Final" FROM "Notas Finais" n JOIN alunos ON alunos.id = n."Aluno ID""#),
        (#"SELECT "Turmas 2024"."Nº Turma", avg("Nota Final") FROM "Notas Finais" GROUP BY 1"#,
         #"SELECT "Turmas 2024"."Nº Turma", avg("Nota Final") FROM "Notas Finais" JOIN "Turmas 2024" ON "Turmas 2024"."Código" = "Notas Finais".Turma GROUP BY 1"#),
    ])
    func parentJoined(sql: String, expected: String) throws {
        let (path, validator) = try QuotedNameRepairsSetup.parts.get()
        let result = SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: path, mode: .readOnly))
        #expect(result.sql == expected)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.repairs.map(\.rule) == ["repair.alias-or-join"])
    }

    @Test("a table the query never joins: the hint's JOIN is written with quotes, and it runs")
    func joinHint() throws {
        let (path, validator) = try QuotedNameRepairsSetup.parts.get()
        let connection = try Connection(path: path, mode: .readOnly)
        let failure = try #require(validator.validate(#"SELECT a.nome, "Notas Finais"."Nota Final" FROM alunos a"#, on: connection))
        #expect(failure.hints == [#"junte com JOIN "Notas Finais" ON "Notas Finais"."Aluno ID" = alunos.id"#])
        let joined = #"SELECT alunos.nome, "Notas Finais"."Nota Final" FROM alunos JOIN "Notas Finais" ON "Notas Finais"."Aluno ID" = alunos.id"#
        #expect(validator.validate(joined, on: connection) == nil)
    }

    @Test("a misspelt column of a spreadsheet: the name suggested is quoted")
    func suggestion() throws {
        let (path, validator) = try SpacedNamesSetup.parts.get()
        let failure = try #require(validator.validate(#"SELECT Nota_2023 FROM "Notas 2024""#, on: try Connection(path: path, mode: .readOnly)))
        #expect(failure.hints.contains(#"você quis dizer "Notas 2024"."Nota 2024"?"#), "\(failure.hints)")
    }
}
