import Crypto
import Database
import Foundation
import Testing

@Suite("Generated SQL runs safely on the bundled database")
struct SafeQueryTests {
    static func fileHash(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    @Test("hostile statements are refused with a clear reason, even on a writable connection, and the file does not change", arguments: [
        "DROP TABLE alunos", "DELETE FROM matriculas", "UPDATE alunos SET nome = 'x'", "INSERT INTO escolas VALUES (99, 'x', 'y', 'municipal')",
        "ATTACH DATABASE '/tmp/outro.sqlite' AS outro", "PRAGMA writable_schema = 1", "PRAGMA table_info(alunos)",
        "SELECT load_extension('/tmp/x.so')", "CREATE TEMP TABLE t AS SELECT 1", "CREATE TABLE copia AS SELECT * FROM alunos",
        "BEGIN", "SELECT 1; DROP TABLE alunos", "VACUUM", "ALTER TABLE alunos ADD COLUMN x",
        "WITH x AS (SELECT 1) DELETE FROM alunos", "REINDEX",
    ])
    func hostile(sql: String) throws {
        let path = try DemoFixture.built.get().path
        let before = try Self.fileHash(path)
        let writable = try Connection(path: path, mode: .readWrite)
        let refusal = #expect(throws: QueryRefusal.self) { try writable.runGenerated(sql) }
        #expect(refusal?.kind == .notAllowed || refusal?.kind == .invalid, "\(sql): \(String(describing: refusal))")
        #expect(refusal?.message.isEmpty == false)
        #expect(try Self.fileHash(path) == before, "\(sql) changed the file")
        // The connection still answers ordinary questions afterwards.
        #expect(try writable.runGenerated("SELECT count(*) FROM escolas").rows.first?.first?.integer ?? 0 > 0)
    }

    @Test("a write says it tried to change data; an attach says so")
    func messages() throws {
        let db = try DemoFixture.open()
        #expect(throws: QueryRefusal(kind: .notAllowed, message: "a consulta tentou alterar dados (matriculas)", sqliteMessage: "not authorized")) {
            try db.runGenerated("DELETE FROM matriculas")
        }
        let attach = #expect(throws: QueryRefusal.self) { try db.runGenerated("ATTACH DATABASE ':memory:' AS x") }
        #expect(attach?.message.contains("ATTACH") == true)
    }

    @Test("a query that runs too long is stopped at the budget")
    func timeBudget() throws {
        let db = try DemoFixture.open()
        let started = ContinuousClock.now
        let refusal = #expect(throws: QueryRefusal.self) {
            try db.runGenerated("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n", timeout: .milliseconds(300))
        }
        #expect(refusal?.kind == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("rows past the cap are counted, not kept")
    func rowCap() throws {
        let db = try DemoFixture.open()
        let result = try db.runGenerated("SELECT id, tipo FROM interacoes", maxRows: 10)
        #expect(result.columns == ["id", "tipo"])
        #expect(result.rows.count == 10)
        #expect(result.totalRows == (try db.scalar("SELECT count(*) FROM interacoes")?.integer).map(Int.init))
        #expect(result.truncated)
    }

    @Test("unknown names and bad syntax are invalid, with SQLite's message kept for hints")
    func invalid() throws {
        let db = try DemoFixture.open()
        let unknown = #expect(throws: QueryRefusal.self) { try db.runGenerated("SELECT nome_aluno FROM alunos") }
        #expect(unknown?.kind == .invalid)
        #expect(unknown?.sqliteMessage == "no such column: nome_aluno")
        let syntax = #expect(throws: QueryRefusal.self) { try db.runGenerated("SELEC * FROM alunos") }
        #expect(syntax?.kind == .invalid)
    }

    @Test("cancellation stops a running query")
    func cancellation() throws {
        let db = try DemoFixture.open()
        let refusal = #expect(throws: QueryRefusal.self) {
            try db.runGenerated("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n", cancelled: { true })
        }
        #expect(refusal?.kind == .cancelled)
    }
}
