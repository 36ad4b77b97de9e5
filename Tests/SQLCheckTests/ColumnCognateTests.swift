import Catalog
import Database
import Foundation
@testable import SQLCheck
import TestSupport
import Testing

/// A sports database and a spreadsheet import beside escola: English and Portuguese names,
/// abbreviations, and names two tables share.
enum CognateSetup {
    static let sql = """
        CREATE TABLE Teams (teamID TEXT, yearID INTEGER, franchID TEXT, name TEXT, W INTEGER);
        CREATE TABLE TeamsFranchises (franchID TEXT, franchName TEXT);
        CREATE TABLE People (playerID TEXT, nameFirst TEXT, nameLast TEXT);
        CREATE TABLE Schools (schoolID TEXT, name_full TEXT);
        CREATE TABLE "Pescadores Profissionais" (Municipio TEXT, UF TEXT, "Faixa de Renda" TEXT);
        CREATE TABLE Calendario (data_inicio_aulas TEXT, data_inicio_ferias TEXT);
        INSERT INTO Teams VALUES ('BOS', 2004, 'BOS', 'Boston Red Sox', 98);
        INSERT INTO "Pescadores Profissionais" VALUES ('Recife', 'PE', 'até 1 salário');
        """

    static let folder = try! TemporaryFolder()
    static let parts: Result<(String, SQLValidator), Error> = Result {
        let path = folder.path("misto.sqlite")
        let writer = try Connection(path: path, mode: .create)
        try writer.execute(sql)
        let catalog = Catalog(name: "misto", schema: try writer.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        return (path, SQLValidator(catalog: catalog))
    }
}

@Suite("A column written as the word the model knows (repair.column-cognate)")
struct ColumnCognateTests {
    func repaired(_ sql: String, on setup: Result<(String, SQLValidator), Error>) throws -> (sql: String, failure: ValidationFailure?, repairs: [RuleNote]) {
        let (path, validator) = try setup.get()
        return SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: path, mode: .readOnly))
    }

    var escola: Result<(String, SQLValidator), Error> { ValidationTests.setup.map { ($0.1, $0.0) } }

    @Test("probability for probabilidade, in every place it is written, and the query runs (escola)")
    func englishCognate() throws {
        let result = try repaired(
            "SELECT a.nome, r.probability FROM scores_risco r JOIN alunos a ON a.id = r.aluno_id WHERE r.ano_letivo = 2024 ORDER BY r.probability DESC LIMIT 5",
            on: escola)
        #expect(result.sql == "SELECT a.nome, r.probabilidade FROM scores_risco r JOIN alunos a ON a.id = r.aluno_id WHERE r.ano_letivo = 2024 ORDER BY r.probabilidade DESC LIMIT 5")
        #expect(result.failure == nil && result.repairs.map(\.rule) == ["repair.column-cognate"])
        #expect(result.repairs.first?.note == "r.probability lido como r.probabilidade (a coluna da tabela que começa como ela)")
    }

    @Test("an abbreviation spelled out and an English name for a Portuguese one (sports, spreadsheet)", arguments: [
        ("SELECT T.franchiseID, sum(T.W) FROM Teams T GROUP BY T.franchiseID", "SELECT T.franchID, sum(T.W) FROM Teams T GROUP BY T.franchID"),
        (#"SELECT Municipality, count(*) FROM "Pescadores Profissionais" GROUP BY Municipality"#,
         #"SELECT Municipio, count(*) FROM "Pescadores Profissionais" GROUP BY Municipio"#),
    ])
    func otherDatabases(sql: String, expected: String) throws {
        let result = try repaired(sql, on: CognateSetup.parts)
        #expect(result.sql == expected)
        #expect(result.failure == nil && result.repairs.map(\.rule) == ["repair.column-cognate"])
    }

    @Test("no guess: a column another table has, a beginning too short, two columns alike, nothing alike", arguments: [
        "SELECT T1.franchName FROM Teams T1",            // TeamsFranchises has it: a join is missing, not a spelling
        "SELECT T1.name_full FROM People T1",            // Schools has it
        "SELECT P.nameFull FROM People P",               // namef: five letters say name, not which name
        "SELECT data_inicial FROM Calendario",           // aulas or ferias
        "SELECT T.wins FROM Teams T",                    // nothing starts like it
    ])
    func leftAlone(sql: String) throws {
        let result = try repaired(sql, on: CognateSetup.parts)
        #expect(result.repairs.isEmpty)
        #expect(result.failure?.kind == .unknownColumn)
    }

    @Test("escola: data, which begins two dates of matriculas, and a word no column begins like stay unknown")
    func escolaLeftAlone() throws {
        #expect(try repaired("SELECT m.data FROM matriculas m", on: escola).repairs.isEmpty)
        #expect(try repaired("SELECT r.chance FROM scores_risco r", on: escola).repairs.isEmpty)
    }
}
