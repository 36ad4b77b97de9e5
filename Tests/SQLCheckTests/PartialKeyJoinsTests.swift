import Catalog
import Database
import Foundation
import SQLCheck
import TestSupport
import Testing

/// Keys of two columns: a team in a year (a sports table) and an airport at an hour (flights and
/// the weather), joined by one of their columns only.
@Suite("A join by one column of a key of several")
struct PartialKeyJoinsTests {
    static let folder = try! TemporaryFolder()
    static let catalog: Result<(String, Catalog), Error> = Result {
        let path = folder.path("chaves.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE Teams (yearID INTEGER, teamID TEXT, name TEXT, W INTEGER, PRIMARY KEY (yearID, teamID));
            CREATE TABLE Batting (playerID TEXT, yearID INTEGER, teamID TEXT, G INTEGER, FOREIGN KEY (yearID, teamID) REFERENCES Teams (yearID, teamID));
            CREATE TABLE weather (origin TEXT, time_hour TEXT, temp REAL, PRIMARY KEY (origin, time_hour));
            CREATE TABLE flights (origin TEXT, time_hour TEXT, dep_delay INTEGER, FOREIGN KEY (origin, time_hour) REFERENCES weather (origin, time_hour));
            INSERT INTO Teams VALUES (2015, 'BOS', 'Red Sox', 78), (2015, 'NYA', 'Yankees', 87);
            INSERT INTO Batting VALUES ('a', 2015, 'BOS', 150), ('b', 2015, 'NYA', 100);
            """)
        return (path, Catalog(name: "chaves", schema: try db.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: [])))
    }

    @Test("the ON gets every pair of the key, either way round, and the rows stop multiplying", arguments: [
        ("SELECT t.name, b.G FROM Teams AS t INNER JOIN Batting AS b ON b.yearID = t.yearID WHERE t.yearID = 2015",
         "SELECT t.name, b.G FROM Teams AS t INNER JOIN Batting b ON b.yearID = t.yearID AND b.teamID = t.teamID WHERE t.yearID = 2015", 2),
        ("SELECT f.dep_delay, w.temp FROM flights f JOIN weather w ON f.time_hour = w.time_hour",
         "SELECT f.dep_delay, w.temp FROM flights f JOIN weather w ON w.origin = f.origin AND w.time_hour = f.time_hour", 0),
    ])
    func completed(sql: String, expected: String, rows: Int) throws {
        let (path, catalog) = try Self.catalog.get()
        let fixed = try #require(SQLRepair(catalog: catalog).partialKeyJoinsCompleted(sql))
        #expect(fixed.sql == expected)
        #expect(fixed.notes.count == 1 && fixed.notes[0].hasPrefix("junção "))
        #expect(try Connection(path: path, mode: .readOnly).query(fixed.sql).count == rows)
    }

    @Test("a whole key, or a key of one column (escola's joins), is left as written", arguments: [
        "SELECT t.name FROM Teams t JOIN Batting b ON b.yearID = t.yearID AND b.teamID = t.teamID",
        "SELECT b.G FROM Batting b JOIN Teams t ON t.teamID = b.teamID WHERE t.W > 80 AND t.yearID = b.yearID",
    ])
    func leftAlone(sql: String) throws {
        let (_, catalog) = try Self.catalog.get()
        #expect(SQLRepair(catalog: catalog).partialKeyJoinsCompleted(sql) == nil)
    }

    @Test("escola has no key of several columns: its single-key joins stay")
    func escola() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let repairer = SQLRepair(catalog: validator.catalog)
        #expect(repairer.partialKeyJoinsCompleted("SELECT t.codigo, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id GROUP BY t.codigo") == nil)
        #expect(repairer.partialKeyJoinsCompleted("SELECT count(*) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id") == nil)
    }
}
