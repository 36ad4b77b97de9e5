import CSQLite

/// A compiled SQL statement, finalized when released.
public final class Statement {
    let handle: OpaquePointer
    // Kept so the connection outlives every statement compiled on it.
    let connection: Connection
    public let sql: String

    init(connection: Connection, sql: String, persistent: Bool) throws {
        var compiled: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sql.withCString { text in
            let result = sqlite3_prepare_v3(connection.handle, text, -1, flags, &compiled, &tail)
            // Anything but whitespace and comments after the first statement is a second statement.
            if result == SQLITE_OK, let tail, !Self.isBlank(tail) {
                return SQLITE_MISUSE
            }
            return result
        }
        if code == SQLITE_MISUSE {
            sqlite3_finalize(compiled)
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "more than one statement", call: "sqlite3_prepare_v3", sql: sql)
        }
        guard code == SQLITE_OK, let compiled else {
            let error = connection.lastError(call: "sqlite3_prepare_v3", sql: sql)
            sqlite3_finalize(compiled)
            if code == SQLITE_OK {
                // Only whitespace or comments: SQLite compiles nothing.
                throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "no statement", call: "sqlite3_prepare_v3", sql: sql)
            }
            throw error
        }
        handle = compiled
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// True when the statement cannot change the database (SQLite's own judgement).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The result column names, in order; read once, shared by every row.
    public private(set) lazy var columnNames: [String] =
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }

    /// Binds values to the parameters `?1…?n`, in order; clears earlier bindings first.
    public func bind(_ values: [DatabaseValue]) throws {
        guard values.count == parameterCount else {
            throw DatabaseError(
                extendedCode: SQLITE_RANGE,
                message: "expected \(parameterCount) bindings, got \(values.count)",
                call: "sqlite3_bind", sql: sql
            )
        }
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds values by name (`:name`, `@name` or `$name`, written with its prefix).
    public func bind(_ values: [String: DatabaseValue]) throws {
        sqlite3_clear_bindings(handle)
        for (name, value) in values {
            let index = sqlite3_bind_parameter_index(handle, name)
            guard index > 0 else {
                throw DatabaseError(extendedCode: SQLITE_RANGE, message: "no parameter named \(name)", call: "sqlite3_bind", sql: sql)
            }
            try bind(value, at: index)
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    public func bind(_ value: DatabaseValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .integer(let number):
            code = sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            code = sqlite3_bind_double(handle, index, number)
        case .text(let string):
            var string = string
            code = string.withUTF8 { bytes in
                // A non-null pointer even for "", so empty text is not bound as NULL.
                let base = UnsafeRawPointer(bytes.baseAddress) ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                return sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), indaga_sqlite_transient())
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                raw.baseAddress.map { sqlite3_bind_blob(handle, index, $0, Int32(raw.count), indaga_sqlite_transient()) }
                    ?? sqlite3_bind_zeroblob(handle, index, 0)
            }
        case .null:
            code = sqlite3_bind_null(handle, index)
        }
        guard code == SQLITE_OK else {
            throw connection.lastError(call: "sqlite3_bind", sql: sql)
        }
    }

    /// Advances one row; nil when the statement is done (and it is reset for reuse).
    public func step() throws -> Row? {
        try advance() ? currentRow() : nil
    }

    /// Advances one row without reading it; false when the statement is done (and reset).
    public func advance() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return false
        default:
            let error = connection.lastError(call: "sqlite3_step", sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// The current row's values, each text or blob read up to `cellLimit` bytes (text cut at a
    /// character boundary), and how many were cut: a 100 MB value is never copied whole.
    public func currentValues(cellLimit: Int) -> (values: [DatabaseValue], cut: Int) {
        var cut = 0
        let values = (0..<sqlite3_column_count(handle)).map { column -> DatabaseValue in
            let type = sqlite3_column_type(handle, column)
            guard type == SQLITE_TEXT || type == SQLITE_BLOB else { return value(at: column) }
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > cellLimit else { return value(at: column) }
            cut += 1
            if type == SQLITE_BLOB {
                guard let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: cellLimit)))
            }
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            // Back off to the start of a character: continuation bytes are 10xxxxxx.
            var length = cellLimit
            while length > 0, text[length] & 0xC0 == 0x80 { length -= 1 }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self) + "…")
        }
        return (values, cut)
    }

    /// Steps to the end, collecting every row.
    public func all() throws -> [Row] {
        var rows: [Row] = []
        while let row = try step() {
            rows.append(row)
        }
        return rows
    }

    /// Binds `values`, runs the statement to completion and resets it: the insert loop's call.
    public func run(_ values: [DatabaseValue] = []) throws {
        try bind(values)
        while try step() != nil {}
    }

    /// Rewinds the statement so it can run again (bindings are kept).
    public func reset() {
        sqlite3_reset(handle)
    }

    private func currentRow() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [DatabaseValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(at: column))
        }
        return Row(columnNames: columnNames, values: values)
    }

    private func value(at column: Int32) -> DatabaseValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private static func isBlank(_ text: UnsafePointer<CChar>) -> Bool {
        // sqlite3_complete-style scan: skip whitespace, `-- …` and `/* … */`.
        var cursor = text
        while cursor.pointee != 0 {
            let char = UInt8(bitPattern: cursor.pointee)
            if char == UInt8(ascii: " ") || char == UInt8(ascii: "\n") || char == UInt8(ascii: "\t") || char == UInt8(ascii: "\r") || char == UInt8(ascii: ";") {
                cursor += 1
            } else if char == UInt8(ascii: "-"), cursor[1] == CChar(UInt8(ascii: "-")) {
                while cursor.pointee != 0, cursor.pointee != CChar(UInt8(ascii: "\n")) { cursor += 1 }
            } else if char == UInt8(ascii: "/"), cursor[1] == CChar(UInt8(ascii: "*")) {
                cursor += 2
                while cursor.pointee != 0, !(cursor.pointee == CChar(UInt8(ascii: "*")) && cursor[1] == CChar(UInt8(ascii: "/"))) { cursor += 1 }
                if cursor.pointee != 0 { cursor += 2 }
            } else {
                return false
            }
        }
        return true
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
