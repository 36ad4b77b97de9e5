import CLibPQ
import Database
import Foundation

/// A connection to a PostgreSQL server through libpq, as the pipeline's `SQLDatabase`.
///
/// libpq rather than an async client: the pipeline is synchronous, one connection per thread,
/// like a SQLite handle; libpq reads the `PG*` environment, `~/.pgpass` and service files
/// exactly as `psql` does; its cancel request stops a running statement from any thread; and
/// it comes from Debian's `libpq-dev`, as SQLite comes from `libsqlite3-dev`.
///
/// A read-only connection sets `default_transaction_read_only` for its whole session, and each
/// generated statement also runs in its own `READ ONLY` transaction that is rolled back.
public final class PostgresDatabase: SQLDatabase {
    let handle: OpaquePointer
    /// Made at connect time: `interrupt()` uses it from another thread, which libpq allows.
    private let cancelHandle: OpaquePointer?
    public let address: PostgresAddress
    public let isReadOnly: Bool
    /// The schema's table and column names, read once: for the screen (a user's own `pg_…` name
    /// is no system table) and for quoting names written without their capitals.
    lazy var schemaNames: SchemaNames = (try? readSchemaNames()) ?? SchemaNames(columns: [:])

    public var dialect: SQLDialect { .postgresql }

    /// `user@host:port/database`, from what libpq connected with: never the password.
    public var location: String {
        let user = PQuser(handle).map { String(cString: $0) } ?? ""
        let host = PQhost(handle).map { String(cString: $0) } ?? ""
        let port = PQport(handle).map { String(cString: $0) } ?? ""
        let database = PQdb(handle).map { String(cString: $0) } ?? ""
        let place = host.hasPrefix("/") ? "socket \(host)" : host
        return "postgresql://\(user)@\(place)\(port.isEmpty ? "" : ":" + port)/\(database)" + (address.schema.map { "?schema=\($0)" } ?? "")
    }

    /// Connects, and checks the schema asked for exists.
    ///
    /// - Throws: `PostgresError` with a pt-BR message naming the address without its password.
    public init(address: PostgresAddress, readOnly: Bool = true) throws {
        guard let connection = PQconnectdb(address.connectionString) else {
            throw PostgresError(message: "não foi possível conectar ao PostgreSQL em \(address.display): sem memória para a conexão")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(message: "não foi possível conectar ao PostgreSQL em \(address.display): \(reason)")
        }
        handle = connection
        cancelHandle = PQgetCancel(connection)
        self.address = address
        isReadOnly = readOnly
        // Dates as ISO text, numbers with a dot, whatever the server's defaults.
        try execute("SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; SET client_encoding = 'UTF8'")
        if readOnly { try execute("SET default_transaction_read_only = on") }
        if let schema = address.schema {
            let found = try query("SELECT 1 FROM pg_namespace WHERE nspname = ?", [.text(schema)])
            guard !found.isEmpty else {
                throw PostgresError(message: "o esquema '\(schema)' não existe no banco \(location); confira o ?schema= do endereço")
            }
        }
    }

    public convenience init(url: String, readOnly: Bool = true) throws {
        try self.init(address: PostgresAddress(url), readOnly: readOnly)
    }

    /// Opens a new read-only connection to `address` each time it is called.
    public static func readOnlyOpener(_ address: PostgresAddress) -> DatabaseOpener {
        { try PostgresDatabase(address: address, readOnly: true) }
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    // MARK: - Statements indaga writes

    /// Runs statements that return no rows (settings, DDL when not read-only).
    public func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with `?` placeholders bound in order, returning every row.
    public func query(_ sql: String, _ bindings: [DatabaseValue]) throws -> [Row] {
        let text = bindings.isEmpty ? sql : Self.numberedParameters(sql)
        let parameters = bindings.map(Self.parameterText)
        let result = withParameterPointers(parameters) { values in
            PQexecParams(handle, text, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql: sql)
        return Self.rows(of: result)
    }

    public func interrupt() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
    }

    // MARK: - Values

    /// `?` (SQLite's placeholder, which indaga's own statements use) as `$1`, `$2`…, outside strings and names.
    static func numberedParameters(_ sql: String) -> String {
        var characters = Array(sql)
        var number = 0
        var replacements: [(Int, String)] = []
        for token in SQLLexer.tokens(sql) where token.kind == .parameter && token.text == "?" {
            number += 1
            replacements.append((token.start, "$\(number)"))
        }
        for (start, text) in replacements.reversed() {
            characters.replaceSubrange(start..<start + 1, with: Array(text))
        }
        return String(characters)
    }

    static func parameterText(_ value: DatabaseValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    private func withParameterPointers<T>(_ parameters: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    /// Every row of a result, values typed as SQLite would hold them (booleans as 0 and 1).
    static func rows(of result: OpaquePointer?) -> [Row] {
        guard let result else { return [] }
        let names = columnNames(of: result)
        return (0..<PQntuples(result)).map { row in
            Row(columnNames: names, values: (0..<PQnfields(result)).map { value(result, row: row, column: $0, cellLimit: nil).value })
        }
    }

    static func columnNames(of result: OpaquePointer) -> [String] {
        (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
    }

    /// One value of a text-format result, read by its column's type; text and bytes past
    /// `cellLimit` are cut (text at a character boundary, with "…").
    static func value(_ result: OpaquePointer, row: Int32, column: Int32, cellLimit: Int?) -> (value: DatabaseValue, cut: Bool) {
        guard PQgetisnull(result, row, column) == 0, let raw = PQgetvalue(result, row, column) else { return (.null, false) }
        let length = Int(PQgetlength(result, row, column))
        switch PQftype(result, column) {
        case 16: // bool
            return (.integer(raw.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0), false)
        case 20, 21, 23, 26: // int8, int2, int4, oid
            return (Int64(String(cString: raw)).map(DatabaseValue.integer) ?? .text(String(cString: raw)), false)
        case 700, 701, 1700: // float4, float8, numeric
            return (Double(String(cString: raw)).map(DatabaseValue.real) ?? .text(String(cString: raw)), false)
        case 17: // bytea, as \x hex text
            var size = 0
            guard let bytes = PQunescapeBytea(UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), &size) else { return (.blob([]), false) }
            defer { PQfreemem(bytes) }
            let kept = min(size, cellLimit ?? size)
            return (.blob(Array(UnsafeBufferPointer(start: bytes, count: kept))), kept < size)
        default:
            let bytes = UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self)
            guard let limit = cellLimit, length > limit else {
                return (.text(String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)), false)
            }
            // Back off to the start of a character: continuation bytes are 10xxxxxx.
            var kept = limit
            while kept > 0, bytes[kept] & 0xC0 == 0x80 { kept -= 1 }
            return (.text(String(decoding: UnsafeBufferPointer(start: bytes, count: kept), as: UTF8.self) + "…"), true)
        }
    }

    // MARK: - Errors

    /// Throws the server's error for a failed result.
    func check(_ result: OpaquePointer?, sql: String) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK, status != PGRES_SINGLE_TUPLE, status != PGRES_EMPTY_QUERY else { return }
        throw serverError(result, sql: sql)
    }

    func serverError(_ result: OpaquePointer?, sql: String?) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue ?? 0)) else { return nil }
            return String(cString: value)
        }
        let message = field("M") ?? String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(message: message, state: field("C"), position: field("P").flatMap { Int($0) }, hint: field("H"), sql: sql)
    }
}

// A connection is used from one thread at a time; only interrupt() crosses threads.
@available(*, unavailable)
extension PostgresDatabase: Sendable {}

/// An error from the server or the connection: the server's message, its SQLSTATE code, and
/// where in the statement it points.
public struct PostgresError: Error, Sendable, Equatable, LocalizedError {
    public let message: String
    /// The five-character SQLSTATE (`42703` undefined column, `57014` cancelled…); nil for a connection failure.
    public let state: String?
    /// Where in the statement the error is, in characters from 1.
    public let position: Int?
    public let hint: String?
    public let sql: String?

    public init(message: String, state: String? = nil, position: Int? = nil, hint: String? = nil, sql: String? = nil) {
        self.message = message
        self.state = state
        self.position = position
        self.hint = hint
        self.sql = sql
    }

    public var errorDescription: String? { message }
}
