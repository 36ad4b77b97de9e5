import Catalog
import Database
import DemoDatabase
import Foundation
import PostgreSQL
import TestSupport
import Testing

/// The same data on both engines (copied with `SQLiteCopy`), and queries written for SQLite: on
/// PostgreSQL they must run and give the same rows, on two databases nobody wrote them for.
@Suite("PostgreSQL: the same answers as SQLite, from queries written for SQLite", .serialized,
       .enabled(if: TestServer.isAvailable, Comment(rawValue: TestServer.skipReason)))
struct SameAnswerTests {
    static let folder = try! TemporaryFolder()

    /// The demo network on SQLite and, copied, on the server.
    static let escola: Result<(String, ScratchDatabase), Error> = Result {
        let path = try DemoDatabase.write(to: folder.path("escola.sqlite")).path
        let scratch = try ScratchDatabase()
        _ = try SQLiteCopy(from: Connection(path: path, mode: .readOnly), to: scratch.writer()).run(replace: false)
        return (path, scratch)
    }

    /// A small league in the Lahman style: capitals in names, ISO dates as text, no declared keys.
    static let league: Result<(String, ScratchDatabase), Error> = Result {
        let db = try Connection(path: folder.path("liga.sqlite"), mode: .create)
        try db.execute("""
            CREATE TABLE People (playerID TEXT PRIMARY KEY, nameFirst TEXT, nameLast TEXT, birthCity TEXT, debut TEXT, weight INTEGER);
            CREATE TABLE Batting (playerID TEXT, yearID INTEGER, teamID TEXT, HR INTEGER, AB INTEGER);
            INSERT INTO People VALUES ('aaronha01', 'Hank', 'Aaron', 'Mobile', '1954-04-13', 180), ('ruthba01', 'Babe', 'Ruth', 'Baltimore', '1914-07-11', 215),
                                      ('mayswi01', 'Willie', 'Mays', 'Westfield', '1951-05-25', 170), ('bondsba01', 'Barry', 'Bonds', 'Riverside', '1986-05-30', NULL);
            INSERT INTO Batting VALUES ('aaronha01', 1957, 'ML1', 44, 615), ('aaronha01', 1971, 'ATL', 47, 495), ('ruthba01', 1927, 'NYA', 60, 540),
                                       ('mayswi01', 1965, 'SFN', 52, 558), ('bondsba01', 2001, 'SFN', 73, 476), ('bondsba01', 1993, 'SFN', 46, 539);
            """)
        let scratch = try ScratchDatabase()
        _ = try SQLiteCopy(from: db, to: scratch.writer()).run(replace: false)
        return (db.path, scratch)
    }

    /// Rows as sorted lines of numbers rounded to 6 places and texts: the engines type numbers
    /// differently (`numeric`, `bigint`). An ordered result keeps only its numbers: rows tied on
    /// the sort key come in either order, and a LIMIT may keep either of them.
    static func comparable(_ result: QueryResult, ordered: Bool) -> [String] {
        let lines = result.rows.map { row in
            row.compactMap { value -> String? in
                if let number = value.double { return String(format: "%.6f", number) }
                return ordered ? nil : value.text ?? (value.isNull ? "NULL" : "\(value)")
            }.joined(separator: " | ")
        }
        return lines.sorted()
    }

    static func sameAnswer(_ sql: String, sqlite: Connection, server: PostgresDatabase) throws {
        let expected = try sqlite.runGenerated(sql, timeout: .seconds(30), maxRows: 5000)
        let got = try server.runGenerated(sql, timeout: .seconds(30), maxRows: 5000)
        let ordered = sql.range(of: "ORDER BY", options: .caseInsensitive) != nil
        #expect(got.totalRows == expected.totalRows, "\(sql)")
        #expect(comparable(got, ordered: ordered) == comparable(expected, ordered: ordered), "\(sql)")
    }

    @Test("the copy keeps every table, row and key, with types from the values")
    func copy() throws {
        let (path, scratch) = try Self.escola.get()
        let sqlite = try Connection(path: path, mode: .readOnly)
        let server = try scratch.reader()
        let local = try sqlite.introspect(samplesPerColumn: 0)
        let remote = try server.introspect(samplesPerColumn: 0)
        #expect(remote.tables.map(\.name).sorted() == local.tables.map(\.name).sorted())
        // The view is written for SQLite (substr of a date-time): in PostgreSQL's words, it is still a view.
        #expect(remote.table(named: "cubo_engajamento")?.kind == .view)
        for table in local.tables {
            let copied = try #require(remote.table(named: table.name))
            #expect(copied.columns.map(\.name) == table.columns.map(\.name))
            #expect(try server.query("SELECT count(*) FROM \(quoteIdentifier(table.name))").first?[0] == sqlite.query("SELECT count(*) FROM \(quoteIdentifier(table.name))").first?[0])
            if table.kind == .table {
                #expect(copied.primaryKey == table.primaryKey, "\(table.name)")
                #expect(copied.foreignKeys.count == table.foreignKeys.count, "\(table.name)")
            }
        }
        let alunos = try #require(remote.table(named: "alunos"))
        #expect(alunos.column(named: "data_nascimento")?.declaredType == "date")
        #expect(alunos.column(named: "ano_ingresso")?.declaredType == "integer")
        #expect(remote.table(named: "avaliacoes_anuais")?.column(named: "inde")?.declaredType == "double precision")
        #expect(remote.table(named: "interacoes")?.column(named: "ocorrido_em")?.declaredType == "timestamp without time zone")
        // A month as text ('2024-03') is no date.
        #expect(remote.table(named: "frequencia_mensal")?.column(named: "mes")?.declaredType == "text")
        // Copying again without replacing is refused, and says how.
        let again = #expect(throws: PostgresError.self) { try SQLiteCopy(from: sqlite, to: scratch.writer()).run(replace: false) }
        #expect(again?.message.contains("--force") == true)
        // With replace, the tables (and the view copied as a table) go and come back, rows counted once.
        let replaced = try SQLiteCopy(from: sqlite, to: scratch.writer()).run(replace: true)
        let rows = try local.tables.filter { $0.kind == .table }.map { Int(try sqlite.query("SELECT count(*) FROM \(quoteIdentifier($0.name))").first?[0].integer ?? 0) }
        #expect(replaced.rows == rows.reduce(0, +))
    }

    @Test("every verified example of escola, written for SQLite, gives the same rows on PostgreSQL")
    func escolaExamples() throws {
        let (path, scratch) = try Self.escola.get()
        let sqlite = try Connection(path: path, mode: .readOnly)
        let server = try scratch.reader()
        let home = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = try CatalogMetadata.load(from: home.appendingPathComponent("metadata/escola")).examples
        #expect(examples.count > 30)
        for example in examples {
            try Self.sameAnswer(example.sql, sqlite: sqlite, server: server)
        }
    }

    @Test("SQLite habits on another schema: capitals, dates as text, LIKE, rounding, booleans averaged, bare columns", arguments: [
        "SELECT nameFirst, nameLast FROM People WHERE birthCity LIKE 'mob%'",
        "SELECT p.nameLast FROM People p WHERE p.debut LIKE '195%' AND p.nameLast NOT LIKE 'a%' ORDER BY p.nameLast",
        "SELECT strftime('%Y', debut) AS ano, count(*) FROM People GROUP BY strftime('%Y', debut) ORDER BY ano",
        "SELECT substr(debut, 1, 7) AS mes FROM People ORDER BY mes",
        "SELECT round(avg(weight), 2) FROM People",
        "SELECT avg(HR >= 50), sum(teamID = 'SFN') FROM Batting",
        "SELECT p.nameLast, p.birthCity, sum(b.HR) AS total FROM People p JOIN Batting b ON b.playerID = p.playerID GROUP BY b.playerID ORDER BY total DESC",
        "SELECT ifnull(weight, 0) FROM People ORDER BY playerID",
        "SELECT group_concat(nameLast) FROM (SELECT nameLast FROM People ORDER BY nameLast)",
        "SELECT playerID FROM People WHERE instr(nameLast, 'o') > 0 ORDER BY playerID",
        "SELECT yearID, 1.0 * HR / AB FROM Batting WHERE julianday('2001-01-01') - julianday('2000-01-01') = 366 ORDER BY yearID",
    ])
    func leagueHabits(sql: String) throws {
        let (path, scratch) = try Self.league.get()
        try Self.sameAnswer(sql, sqlite: Connection(path: path, mode: .readOnly), server: scratch.reader())
    }
}

extension SameAnswerTests {
    @Test("EXTRACT, PostgreSQL's own, reads a month kept as text as it reads a date")
    func extractFromText() throws {
        let (path, scratch) = try Self.escola.get()
        let sqlite = try Connection(path: path, mode: .readOnly)
        let expected = try sqlite.runGenerated("SELECT count(*) FROM frequencia_mensal WHERE mes LIKE '2023-%'").rows
        let server = try scratch.reader()
        #expect(try server.runGenerated("SELECT count(*) FROM frequencia_mensal WHERE EXTRACT(YEAR FROM mes) = 2023").rows == expected)
        let births = try sqlite.runGenerated("SELECT count(*) FROM alunos WHERE substr(data_nascimento, 6, 2) = '09'").rows
        #expect(try server.runGenerated("SELECT count(*) FROM alunos a WHERE EXTRACT(MONTH FROM a.data_nascimento) = 9").rows == births)
    }

    @Test("refresh's profile of the copy reads each column's role as the original's, on both schemas")
    func profiles() throws {
        for (path, scratch) in [try Self.escola.get(), try Self.league.get()] {
            let sqlite = try Connection(path: path, mode: .readOnly)
            let server = try scratch.reader()
            let original = try SchemaProfiler(connection: sqlite, schema: sqlite.introspect()).profile()
            let copied = try SchemaProfiler(connection: server, schema: server.introspect()).profile()
            for table in original {
                let twin = try #require(copied.first { $0.name == table.name })
                for column in table.columns {
                    let other = twin.columns.first { $0.name == column.name }
                    #expect(other?.role == column.role, "\(table.name).\(column.name)")
                    #expect(other?.values.keys.sorted() == column.values.keys.sorted(), "\(table.name).\(column.name)")
                }
            }
        }
    }
}
