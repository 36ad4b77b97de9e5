import CSQLite
import Foundation
import Synchronization

/// One open SQLite database handle.
///
/// Not `Sendable`: a connection belongs to one thread at a time. Only
/// `interrupt()` may be called from another thread, as SQLite allows.
public final class Connection {
    /// How the file is opened.
    public enum Mode: Sendable {
        /// Reads only; every write fails with `SQLITE_READONLY`.
        case readOnly
        /// Reads and writes an existing file.
        case readWrite
        /// Reads and writes, creating the file when it is missing.
        case create
    }

    let handle: OpaquePointer
    public let path: String
    public let mode: Mode
    /// The file as the WAL cleanup knows it (its real path).
    private let registeredPath: String

    /// Opens the database at `path` and checks that it really is SQLite.
    ///
    /// - Parameter busyTimeout: how long a statement waits for another process's lock.
    /// - Throws: `DatabaseError` (`.cannotOpen`, `.notADatabase`, …) naming the path.
    public init(path: String, mode: Mode = .readWrite, busyTimeout: Duration = .seconds(5)) throws {
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
            // A FIFO would block the open forever; a device or socket is no database either.
            throw DatabaseError(extendedCode: SQLITE_CANTOPEN, message: "não é um arquivo comum (pipe, dispositivo ou pasta)", call: "stat", path: path)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let folderWritable = access(folder.isEmpty ? "." : folder, W_OK) == 0
        let target = mode == .readOnly ? try Self.readOnlyTarget(path, folderWritable: folderWritable) : path
        // Registered before opening, so a last reader of this process closing at the same time
        // cannot remove the files this one is about to use.
        let registered = Self.register(path, readOnlyInWritableFolder: mode == .readOnly && folderWritable)
        var didOpen = false
        defer { if !didOpen { Self.unregister(registered) } }
        var flags = SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(target, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            // SQLite may hand back a handle even on failure; it must still be closed.
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let extended = opened.map { sqlite3_extended_errcode($0) } ?? code
            sqlite3_close_v2(opened)
            throw DatabaseError(extendedCode: extended, message: message, call: "sqlite3_open_v2", path: path)
        }
        sqlite3_extended_result_codes(opened, 1)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(opened, Int32(clamping: milliseconds))
        // Opening is lazy: only the first read of the header tells a text file
        // or a truncated one from a database. Checked on the raw handle, before
        // this object owns it, so a failure closes it exactly once (a throwing
        // init of a fully initialised class would also run deinit).
        var errorMessage: UnsafeMutablePointer<CChar>?
        let check = sqlite3_exec(opened, "SELECT count(*) FROM sqlite_master; PRAGMA foreign_keys = ON;", nil, nil, &errorMessage)
        guard check == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(opened))
            let extended = sqlite3_extended_errcode(opened)
            sqlite3_free(errorMessage)
            sqlite3_close_v2(opened)
            throw DatabaseError(extendedCode: extended, message: message, call: "sqlite3_exec", path: path)
        }
        handle = opened
        self.path = path
        self.mode = mode
        registeredPath = registered
        didOpen = true
    }

    /// What to open read-only: the path, or for a WAL database in a folder this user cannot
    /// write an `immutable` URI. A WAL reader needs to create `-shm` beside the file; where it
    /// cannot, nobody can be writing either (a writer needs the same folder), so the file is
    /// read as it stands, unless a `-wal` holds changes not yet in it.
    static func readOnlyTarget(_ path: String, folderWritable: Bool) throws -> String {
        guard !folderWritable, isWAL(path) else { return path }
        let folder = (path as NSString).deletingLastPathComponent
        var wal = stat()
        if stat(path + "-wal", &wal) == 0, wal.st_size > 0 {
            throw DatabaseError(
                extendedCode: SQLITE_CANTOPEN,
                message: "o banco está em modo WAL e há alterações em \(path)-wal que só podem ser lidas com permissão de escrita "
                    + "na pasta \(folder); copie o banco e o arquivo -wal para uma pasta sua, ou peça a quem grava no banco um checkpoint",
                call: "sqlite3_open_v2", path: path)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(encoded)?immutable=1"
    }

    /// Bytes 18 and 19 of the header are 2 in a WAL database.
    static func isWAL(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
        return header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2
    }

    deinit {
        // close_v2 defers the close until the last statement is finalized; statements keep
        // their connection alive, so here there are none and the close is immediate.
        sqlite3_close_v2(handle)
        Self.unregister(registeredPath)
    }

    // MARK: - The -wal and -shm a reader leaves

    /// Connections of this process per database file, and whether their reading made the
    /// `-wal` and `-shm` beside it (a WAL database read where neither was): a read-only
    /// connection cannot checkpoint, so SQLite leaves them behind when it closes.
    private static let openFiles = Mutex<[String: (count: Int, madeWALFiles: Bool)]>([:])

    private static func register(_ path: String, readOnlyInWritableFolder: Bool) -> String {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        openFiles.withLock { files in
            if let entry = files[real] {
                files[real] = (entry.count + 1, entry.madeWALFiles)
            } else {
                // Opening reads nothing of the WAL yet: the files, if made, come with the first read.
                let made = readOnlyInWritableFolder && isWAL(real) && !FileManager.default.fileExists(atPath: real + "-wal")
                    && !FileManager.default.fileExists(atPath: real + "-shm")
                files[real] = (1, made)
            }
        }
        return real
    }

    private static func unregister(_ real: String) {
        // Under the lock: no connection of this process registers (and opens) while the files go.
        openFiles.withLock { files in
            guard let entry = files[real] else { return }
            if entry.count > 1 {
                files[real] = (entry.count - 1, entry.madeWALFiles)
                return
            }
            files[real] = nil
            if entry.madeWALFiles { removeUnusedWALFiles(of: real) }
        }
    }

    /// Removes `-wal` and `-shm` when the WAL holds nothing and no process has the database
    /// open: every WAL connection holds a read lock on byte 128 of `-shm` (SQLite's "DMS"
    /// lock) while it is connected, so a write lock there is granted only to the last one.
    static func removeUnusedWALFiles(of path: String) {
        var wal = stat()
        if stat(path + "-wal", &wal) == 0, wal.st_size > 0 { return }
        let shm = open(path + "-shm", O_RDWR | O_CLOEXEC)
        guard shm >= 0 else { return }
        defer { close(shm) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(shm, F_SETLK, &lock) == 0 else { return }
        unlink(path + "-wal")
        unlink(path + "-shm")
    }

    /// True when SQLite will refuse writes on this connection.
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs one or more statements that return no rows (DDL, pragmas, scripts).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw DatabaseError(extendedCode: sqlite3_extended_errcode(handle), message: message, call: "sqlite3_exec", sql: sql)
        }
    }

    /// Compiles one statement; the caller binds, steps and lets it go.
    ///
    /// - Parameter persistent: a hint that the statement will be reused many times.
    /// - Throws: `DatabaseError` when the SQL does not compile or holds more than one statement.
    public func prepare(_ sql: String, persistent: Bool = false) throws -> Statement {
        try Statement(connection: self, sql: sql, persistent: persistent)
    }

    /// Runs a statement with bindings and returns every row.
    public func query(_ sql: String, _ bindings: [DatabaseValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        return try statement.all()
    }

    /// Runs a statement and returns the first column of its first row, or nil when there is none.
    public func scalar(_ sql: String, _ bindings: [DatabaseValue] = []) throws -> DatabaseValue? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        return try statement.step()?[0]
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute(mode == .readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // The transaction may already be gone (SQLite rolls back on some errors).
            if sqlite3_get_autocommit(handle) == 0 {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }

    /// Stops the statement running on this connection as soon as it can; safe from another thread.
    public func interrupt() {
        sqlite3_interrupt(handle)
    }

    /// The error SQLite holds for this connection, for the call that just failed.
    func lastError(call: String, sql: String? = nil) -> DatabaseError {
        DatabaseError(
            extendedCode: sqlite3_extended_errcode(handle),
            message: String(cString: sqlite3_errmsg(handle)),
            call: call,
            sql: sql
        )
    }
}

/// Quotes an SQL identifier (table or column name) so any name is safe to splice into SQL.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

// A connection is used from one thread at a time; only interrupt() crosses threads.
@available(*, unavailable)
extension Connection: Sendable {}

/// The tables an SQL text reads (after FROM, JOIN or a comma of a FROM list, quoted or not),
/// lowercased, in order of appearance.
///
/// A lexical look, for hints and measurements; SQLite's own compilation is the authority.
public func tablesNamed(inSQL sql: String) -> [String] {
    SQLLexer.tableNames(SQLLexer.tokens(sql)).map { $0.name.lowercased() }
}
