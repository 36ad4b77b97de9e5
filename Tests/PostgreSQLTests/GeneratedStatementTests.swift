import Database
import Foundation
import PostgreSQL
import TestSupport
import Testing

/// What a generated statement may do on a real server: the same hostile list as for SQLite,
/// and none of it changes a byte or leaves a session behind.
@Suite("PostgreSQL: generated statements run safely", .enabled(if: TestServer.isAvailable, Comment(rawValue: TestServer.skipReason)))
struct GeneratedStatementTests {
    static let setup = """
        CREATE TABLE alunos (id integer PRIMARY KEY, nome text NOT NULL, "anoIngresso" integer);
        INSERT INTO alunos SELECT n, 'Aluno ' || n, 2020 + n % 5 FROM generate_series(1, 3000) AS n;
        """

    /// Everything in the database as one hash, to see that nothing changed.
    static func fingerprint(_ db: PostgresDatabase) throws -> String {
        try db.query("SELECT md5(string_agg(id || ':' || nome || ':' || \"anoIngresso\", ',' ORDER BY id)) || (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) FROM alunos")
            .first?[0].text ?? ""
    }

    static let hostile: [String] = [
        "DELETE FROM alunos",
        "UPDATE alunos SET nome = 'x'",
        "INSERT INTO alunos VALUES (99999, 'x', 2020)",
        "WITH apagados AS (DELETE FROM alunos RETURNING *) SELECT count(*) FROM apagados",
        "DROP TABLE alunos",
        "CREATE TABLE intrusa (x integer)",
        "ALTER TABLE alunos ADD COLUMN x integer",
        "TRUNCATE alunos",
        "COPY alunos TO PROGRAM 'touch /tmp/indaga-invadido'",
        "COPY (SELECT 1) TO '/tmp/indaga-invadido'",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_catalog.pg_read_file('/etc/passwd')",
        "SELECT * FROM dblink('dbname=postgres', 'DELETE FROM alunos') AS t(x text)",
        "SET ROLE postgres",
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        "SELECT 1; DELETE FROM alunos",
        "SELECT pg_sleep(30)",
        "SELECT pg_terminate_backend(pg_backend_pid())",
        "SELECT usename, passwd FROM pg_shadow",
        "SELECT query FROM pg_stat_activity",
        "SELECT table_name FROM information_schema.tables",
        "SELECT lo_import('/etc/passwd')",
        "SELECT nextval('alunos_id_seq')",
        "SELECT query_to_xml('DELETE FROM alunos', true, true, '')",
        "BEGIN; DELETE FROM alunos; COMMIT",
        "PREPARE apaga AS DELETE FROM alunos",
        "EXPLAIN ANALYZE DELETE FROM alunos",
        "CALL qualquer()",
        "DO $$ BEGIN DELETE FROM alunos; END $$",
    ]

    @Test("the hostile list is refused, and the data, the schema and the sessions stay as they were")
    func hostileList() throws {
        let scratch = try ScratchDatabase()
        let writer = try scratch.writer()
        try writer.execute(Self.setup)
        let before = try Self.fingerprint(writer)
        do {
            let db = try scratch.reader()
            for sql in Self.hostile {
                #expect(throws: QueryRefusal.self, "\(sql)") { try db.checkGenerated(sql) }
                #expect(throws: QueryRefusal.self, "\(sql)") { _ = try db.runGenerated(sql, timeout: .seconds(3), maxRows: 10) }
            }
            // After all that, the connection still answers, outside any transaction.
            #expect(try db.runGenerated("SELECT count(*) FROM alunos").rows == [[.integer(3000)]])
            #expect(try db.query("SELECT current_setting('transaction_read_only')").first?[0] == .text("on"))
        }
        #expect(try Self.fingerprint(writer) == before)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/indaga-invadido"))
        // The reader is gone, and nothing of it is left on the server: no session, no open transaction.
        let left = try writer.query("SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", [.text(scratch.name)])
        #expect(left.first?[0] == .integer(0))
    }

    @Test("a runaway recursion stops at the time limit, and the connection is usable after")
    func timeout() throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute(Self.setup)
        let db = try scratch.reader()
        let refusal = #expect(throws: QueryRefusal.self) {
            _ = try db.runGenerated("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", timeout: .seconds(1), maxRows: 10)
        }
        #expect(refusal?.kind == .timedOut)
        #expect(try db.runGenerated("SELECT count(*) FROM alunos").rows == [[.integer(3000)]])
    }

    @Test("a cancel from the caller stops the query, and says it was cancelled")
    func cancelled() throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute(Self.setup)
        let db = try scratch.reader()
        let started = ContinuousClock.now
        let refusal = #expect(throws: QueryRefusal.self) {
            _ = try db.runGenerated("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", timeout: .seconds(60), maxRows: 10) {
                ContinuousClock.now - started > .milliseconds(300)
            }
        }
        #expect(refusal?.kind == .cancelled)
    }

    @Test("rows past the cap are counted, not kept")
    func rowCap() throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute(Self.setup)
        let result = try scratch.reader().runGenerated("SELECT id, nome FROM alunos ORDER BY id", timeout: .seconds(10), maxRows: 5)
        #expect(result.columns == ["id", "nome"])
        #expect(result.rows.count == 5)
        #expect(result.totalRows == 3000)
        #expect(result.rows[0] == [.integer(1), .text("Aluno 1")])
    }

    @Test("names written without their capitals read the column a query written for SQLite meant")
    func unquotedCapitals() throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute(Self.setup)
        let db = try scratch.reader()
        try db.checkGenerated("SELECT anoIngresso, count(*) FROM alunos a GROUP BY a.anoIngresso")
        let result = try db.runGenerated("SELECT anoIngresso AS ano, count(*) FROM alunos GROUP BY anoIngresso ORDER BY anoIngresso")
        #expect(result.rows.count == 5)
        #expect(result.rows.first == [.integer(2020), .integer(600)])
        // `UF` in one table and `uf` in another: the word reads the column of the table the query reads.
        try scratch.writer().execute("""
            CREATE TABLE pescadores ("UF" text); INSERT INTO pescadores VALUES ('PA'), ('PA'), ('AM');
            CREATE TABLE animais (uf text); INSERT INTO animais VALUES ('SP');
            """)
        let fresh = try scratch.reader()
        #expect(try fresh.runGenerated("SELECT UF, count(*) FROM pescadores WHERE UF = 'PA' GROUP BY UF").rows == [[.text("PA"), .integer(2)]])
        #expect(try fresh.runGenerated("SELECT uf FROM animais").rows == [[.text("SP")]])
        // A name of the data that starts like the system's is still the data's.
        try scratch.writer().execute("CREATE TABLE pg_metas (pg_valor integer); INSERT INTO pg_metas VALUES (7)")
        #expect(try scratch.reader().runGenerated("SELECT pg_valor FROM pg_metas").rows == [[.integer(7)]])
        // A date field keeps its word even where a column shares it.
        #expect(try db.runGenerated("SELECT EXTRACT(YEAR FROM DATE '2024-03-01') AS y").rows == [[.real(2024)]])
    }

    @Test("the server's complaints reach the validator in the words it reads", arguments: [
        ("SELECT nota FROM alunos", "no such column: nota"),
        ("SELECT a.nota FROM alunos a", "no such column: a.nota"),
        ("SELECT nome FROM aluno", "no such table: aluno"),
        ("SELECT m.nome FROM alunos a", "no such column: m.nome"),
        ("SELECT id FROM alunos a JOIN alunos b ON a.id = b.id", "ambiguous column name: id"),
        ("SELECT mediana(id) FROM alunos", "no such function: mediana"),
    ])
    func errorsInSQLiteWords(sql: String, expected: String) throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute(Self.setup)
        let refusal = #expect(throws: QueryRefusal.self) { try scratch.reader().checkGenerated(sql) }
        #expect(refusal?.kind == .invalid)
        #expect(refusal?.sqliteMessage == expected)
        #expect(refusal?.message.hasPrefix("o SQL não é válido:") == true)
    }
}
