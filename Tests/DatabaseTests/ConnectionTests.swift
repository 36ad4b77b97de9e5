import Database
import Foundation
import TestSupport
import Testing

@Suite("Connection and statements")
struct ConnectionTests {
    static let values: [DatabaseValue] = [
        .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min),
        .real(3.25), .real(-1e300), .real(0.1),
        .text(""), .text("evasão escolar"), .text("aluno 🎓 nº 5"), .text("quote ' and \" and \\ "), .text("nul\u{0}inside"),
        .blob([]), .blob([0, 1, 2, 255]),
        .null,
    ]

    @Test("every storage class comes back as it went in", arguments: values)
    func roundTrip(value: DatabaseValue) throws {
        let folder = try TemporaryFolder()
        // A column with no declared type has no affinity, so SQLite stores values as given.
        let db = try folder.database("t.sqlite", "CREATE TABLE t (v)")
        try db.prepare("INSERT INTO t VALUES (?)").run([value])
        let back = try db.query("SELECT v FROM t")
        #expect(back.count == 1)
        #expect(back[0][0] == value)
        #expect(back[0]["v"] == value)
    }

    @Test("named parameters bind by name, and a missing name is an error")
    func namedBindings() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (a, b)")
        let insert = try db.prepare("INSERT INTO t VALUES (:a, :b)")
        try insert.bind([":a": .integer(1), ":b": .text("um")])
        #expect(try insert.step() == nil)
        #expect(try db.query("SELECT a, b FROM t").first?.values == [.integer(1), .text("um")])
        #expect(throws: DatabaseError.self) { try insert.bind([":c": .integer(3)]) }
    }

    @Test("the wrong number of bindings is refused before running")
    func bindingCount() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (a, b)")
        #expect(throws: DatabaseError.self) { try db.prepare("INSERT INTO t VALUES (?, ?)").run([.integer(1)]) }
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
    }

    @Test("a read-only connection refuses every kind of write and keeps the data")
    func readOnlyRefusesWrites() throws {
        let folder = try TemporaryFolder()
        do {
            let db = try folder.database("t.sqlite", "CREATE TABLE t (v); INSERT INTO t VALUES (1);")
            _ = db
        }
        let reader = try Connection(path: folder.path("t.sqlite"), mode: .readOnly)
        #expect(reader.isReadOnly)
        for sql in ["INSERT INTO t VALUES (2)", "UPDATE t SET v = 3", "DELETE FROM t", "CREATE TABLE u (x)", "DROP TABLE t"] {
            let error = #expect(throws: DatabaseError.self) { try reader.execute(sql) }
            #expect(error?.kind == .readOnly, "\(sql) should fail as read-only, got \(String(describing: error))")
        }
        #expect(try reader.query("SELECT v FROM t").map(\.values) == [[.integer(1)]])
    }

    @Test("SQLite says which statements only read")
    func statementReadOnly() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (v)")
        #expect(try db.prepare("SELECT * FROM t").isReadOnly)
        #expect(try db.prepare("WITH x AS (SELECT 1) SELECT * FROM x").isReadOnly)
        #expect(try !db.prepare("INSERT INTO t VALUES (1)").isReadOnly)
        #expect(try !db.prepare("DELETE FROM t").isReadOnly)
    }

    @Test("prepare compiles exactly one statement", arguments: [
        ("SELECT 1", true), ("SELECT 1;", true), ("SELECT 1; -- fim", true), ("SELECT 1 /* c */ ;  \n", true),
        ("SELECT 1; SELECT 2", false), ("SELECT 1; DROP TABLE t", false), ("", false), ("-- só comentário", false),
    ])
    func singleStatement(sql: String, accepted: Bool) throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (v)")
        if accepted {
            #expect(throws: Never.self) { try db.prepare(sql) }
        } else {
            #expect(throws: DatabaseError.self) { try db.prepare(sql) }
        }
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master") == .integer(1))
    }

    @Test("errors carry SQLite's code, message and the SQL")
    func errorsCarryDetails() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (v INTEGER PRIMARY KEY)")
        let missing = #expect(throws: DatabaseError.self) { try db.prepare("SELECT * FROM nada") }
        #expect(missing?.kind == .syntaxOrSchema)
        #expect(missing?.message.contains("no such table: nada") == true)
        #expect(missing?.sql == "SELECT * FROM nada")
        #expect(missing?.call == "sqlite3_prepare_v3")

        try db.execute("INSERT INTO t VALUES (1)")
        let duplicate = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(duplicate?.kind == .constraint)
        #expect(duplicate?.extendedCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(duplicate?.errorDescription?.contains("recusou") == true)
    }

    @Test("a transaction commits when its body returns and rolls back when it throws")
    func transactions() throws {
        struct Abort: Error {}
        let folder = try TemporaryFolder()
        let db = try folder.database("t.sqlite", "CREATE TABLE t (v)")
        try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        #expect(try db.query("SELECT v FROM t").map(\.values) == [[.integer(1)]])
        // The connection is usable afterwards: no transaction was left open.
        try db.transaction { try db.execute("INSERT INTO t VALUES (3)") }
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(2))
    }

    @Test("a writer waits for the busy timeout, then fails as busy")
    func busyTimeout() throws {
        let folder = try TemporaryFolder()
        let holder = try folder.database("t.sqlite", "CREATE TABLE t (v)")
        try holder.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        let other = try Connection(path: folder.path("t.sqlite"), mode: .readWrite, busyTimeout: .milliseconds(50))
        let error = #expect(throws: DatabaseError.self) { try other.execute("INSERT INTO t VALUES (2)") }
        #expect(error?.kind == .busy)
        try holder.execute("COMMIT")
        try other.execute("INSERT INTO t VALUES (2)")
        #expect(try other.scalar("SELECT count(*) FROM t") == .integer(2))
    }

    @Test("interrupt stops a running query from another thread")
    func interruptFromAnotherThread() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database()
        nonisolated(unsafe) let target = db
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { target.interrupt() }
        let error = #expect(throws: DatabaseError.self) {
            _ = try db.query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
        }
        #expect(error?.kind == .interrupted)
        #expect(try db.scalar("SELECT 42") == .integer(42))
    }

    @Test("opening a file that is not SQLite fails as such, naming the file")
    func notADatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("notas.txt")
        try Data(String(repeating: "isto não é um banco de dados\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DatabaseError.self) { try Connection(path: path, mode: .readOnly) }
        #expect(error?.kind == .notADatabase)
        #expect(error?.path == path)
    }

    @Test("opening a missing file read-only fails and creates nothing")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("nao-existe.sqlite")
        let error = #expect(throws: DatabaseError.self) { try Connection(path: path, mode: .readOnly) }
        #expect(error?.kind == .cannotOpen)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
