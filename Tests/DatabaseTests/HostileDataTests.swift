@testable import Database
import Foundation
import TestSupport
import Testing

@Suite("Hostile data and odd files: bounded memory, no hang, the right reason")
struct HostileDataTests {
    @Test("values of 2 MB are kept cut to the cell cap, rows past the byte cap only counted, and the result says so")
    func hugeValues() throws {
        let folder = try TemporaryFolder()
        let connection = try folder.database()
        // 200 rows of 2 MB each (400 MB if kept whole), made by SQLite, never stored.
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i, printf('%.*c', 2000000, 'x') AS big FROM n"
        let result = try connection.runGenerated(sql, timeout: .seconds(60))
        #expect(result.totalRows == 200)
        #expect(result.cutCells == result.rows.count)
        #expect(result.rows.allSatisfy { ($0[1].text?.utf8.count ?? 0) <= QueryCaps.cellBytes + 3 })
        let kept = result.rows.reduce(0) { $0 + $1.reduce(0) { $0 + $1.storedBytes } }
        #expect(kept <= QueryCaps.answerBytes)
        #expect(result.bytesCapped && result.rows.count < 200)
        #expect(result.cutNote?.contains("encurtado") == true && result.cutNote?.contains("primeiras") == true)
    }

    @Test("a text cut at the cap ends on a whole character")
    func cutOnCharacter() throws {
        let folder = try TemporaryFolder()
        let connection = try folder.database()
        let result = try connection.runGenerated("SELECT printf('%.*c', \(QueryCaps.cellBytes), 'a') || 'ção' AS t, 'é' || printf('%.*c', \(QueryCaps.cellBytes), 'b') AS u")
        let first = try #require(result.rows.first?[0].text)
        let second = try #require(result.rows.first?[1].text)
        #expect(!first.contains("\u{FFFD}") && !second.contains("\u{FFFD}"))
        #expect(first.hasSuffix("…") && second.hasSuffix("…") && result.cutCells == 2)
    }

    @Test("table-valued pragmas and dbstat inside a SELECT are refused for reading the internals, not for writing")
    func internalsRefused() throws {
        let folder = try TemporaryFolder()
        let connection = try folder.database("t.sqlite", "CREATE TABLE alunos (id INTEGER PRIMARY KEY, nome TEXT)")
        for sql in ["SELECT * FROM pragma_table_info('alunos')", "SELECT name FROM pragma_table_list", "SELECT * FROM dbstat"] {
            let refusal = #expect(throws: QueryRefusal.self) { try connection.runGenerated(sql) }
            #expect(refusal?.kind == .notAllowed, "\(sql)")
            #expect(refusal?.message.contains("alterar") == false, "\(sql): \(refusal?.message ?? "")")
            #expect(refusal?.message.contains("internas") == true, "\(sql): \(refusal?.message ?? "")")
        }
    }

    @Test("a FIFO is not opened (the open would block forever)")
    func fifo() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("banco.sqlite")
        #expect(mkfifo(path, 0o600) == 0)
        let error = #expect(throws: DatabaseError.self) { try Connection(path: path, mode: .readOnly) }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.errorDescription?.contains("não é um arquivo comum") == true)
    }

    /// A WAL database as a program that writes it leaves it: the file, and `-wal` with `extra` rows when given.
    func walDatabase(in folder: TemporaryFolder, pendingRows: Bool) throws -> String {
        let path = folder.path("wal.sqlite")
        let writer = try Connection(path: path, mode: .create)
        try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1), (2); PRAGMA wal_checkpoint(TRUNCATE);")
        if pendingRows {
            // Keep the changes in -wal: no checkpoint when this connection closes.
            try writer.execute("PRAGMA wal_autocheckpoint = 0; INSERT INTO t VALUES (3);")
            let copy = folder.path("copia")
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + "/wal.sqlite" + suffix) }
            return copy + "/wal.sqlite"
        }
        return path
    }

    @Test("a WAL database where the folder cannot be written is read as it stands (immutable), leaving no -shm")
    func walInReadOnlyFolder() throws {
        // The folder's permissions are given, not made: the tests run as root, whom chmod does not stop.
        let folder = try TemporaryFolder()
        let path = try walDatabase(in: folder, pendingRows: false)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        #expect(Connection.isWAL(path))
        let target = try Connection.readOnlyTarget(path, folderWritable: false)
        #expect(target.hasPrefix("file:") && target.hasSuffix("?immutable=1"))
        let reader = try Connection(path: target, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(2))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm") && !FileManager.default.fileExists(atPath: path + "-wal"))
        // Where the folder can be written, SQLite's own WAL reading is used, as before.
        #expect(try Connection.readOnlyTarget(path, folderWritable: true) == path)
    }

    @Test("a WAL database with changes still in -wal, in a folder that cannot be written: a clear refusal, not stale rows")
    func walPendingInReadOnlyFolder() throws {
        let folder = try TemporaryFolder()
        let path = try walDatabase(in: folder, pendingRows: true)
        let error = #expect(throws: DatabaseError.self) { try Connection.readOnlyTarget(path, folderWritable: false) }
        #expect(error?.message.contains("-wal") == true && error?.message.contains("copie o banco") == true)
    }

    /// A WAL database with no `-wal` or `-shm` beside it, as a program that wrote it and closed leaves it.
    func closedWALDatabase(in folder: TemporaryFolder) throws -> String {
        let path = try walDatabase(in: folder, pendingRows: false)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm"))
        return path
    }

    func leftovers(_ path: String) -> [String] {
        ["-wal", "-shm"].filter { FileManager.default.fileExists(atPath: path + $0) }
    }

    @Test("reading a WAL database in a writable folder leaves no -wal or -shm, and does not change the file")
    func walLeftovers() throws {
        let folder = try TemporaryFolder()
        let path = try closedWALDatabase(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let first = try Connection(path: path, mode: .readOnly)
            let second = try Connection(path: path, mode: .readOnly)
            #expect(try first.scalar("SELECT count(*) FROM t") == .integer(2))
            #expect(try second.scalar("SELECT sum(x) FROM t") == .integer(3))
            #expect(leftovers(path) == ["-wal", "-shm"], "SQLite makes them to read")
        }
        #expect(leftovers(path).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("while another process has the WAL database open, its -wal and -shm stay")
    func walInUseElsewhere() throws {
        let folder = try TemporaryFolder()
        let path = try closedWALDatabase(in: folder)
        let marker = folder.path("aberto")
        var other: Process?
        do {
            let reader = try Connection(path: path, mode: .readOnly)
            #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(2))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", """
                import sqlite3, sys, time
                c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM t').fetchone()
                open(sys.argv[2], 'w').close(); time.sleep(3)
                """, path, marker]
            try process.run()
            other = process
            let deadline = ContinuousClock.now + .seconds(20)
            while !FileManager.default.fileExists(atPath: marker), process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            #expect(FileManager.default.fileExists(atPath: marker))
        }
        #expect(leftovers(path).contains("-shm"), "the other process still uses them")
        other?.waitUntilExit()
    }
}
