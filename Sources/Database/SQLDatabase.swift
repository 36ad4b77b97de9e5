import Foundation

/// The SQL a database engine speaks, for the prompt's wording and the few statements indaga
/// writes itself (profiling, value lists), where SQLite and PostgreSQL differ.
public enum SQLDialect: String, Sendable, Codable, CaseIterable {
    case sqlite, postgresql

    /// The engine's name as the prompt and messages say it.
    public var displayName: String {
        switch self {
        case .sqlite: return "SQLite"
        case .postgresql: return "PostgreSQL"
        }
    }

    /// What kind of values a column holds. A SQLite column may hold any type in any row, so
    /// only the row's value can say; a PostgreSQL column holds its declared type.
    public enum ValueClass: Sendable, Equatable {
        case integer, real, text, other
    }

    /// The class every value of a PostgreSQL column of this declared type has (`bigint` →
    /// integer, `numeric(5,2)` → real, `date` → text, as its ISO text is what indaga reads).
    public static func postgresClass(of declaredType: String) -> ValueClass {
        let type = declaredType.lowercased()
        if ["smallint", "integer", "bigint", "int2", "int4", "int8", "smallserial", "serial", "bigserial"].contains(type) { return .integer }
        if type.hasPrefix("numeric") || type.hasPrefix("decimal") || ["real", "double precision", "float4", "float8"].contains(type) { return .real }
        if type.hasPrefix("character") || type.hasPrefix("varchar") || type.hasPrefix("char") || type == "text" || type == "citext"
            || type == "date" || type.hasPrefix("timestamp") || type.hasPrefix("time") || type == "uuid" || type == "name"
        {
            return .text
        }
        return .other
    }

    /// An SQL expression that is 1 when `expression` (a column of `declaredType`) holds a value
    /// of `wanted` class and 0 otherwise, summable on both engines.
    public func holds(_ wanted: ValueClass, _ expression: String, declaredType: String) -> String {
        switch self {
        case .sqlite:
            let name = wanted == .integer ? "integer" : wanted == .real ? "real" : wanted == .text ? "text" : "blob"
            return "(CASE WHEN typeof(\(expression)) = '\(name)' THEN 1 ELSE 0 END)"
        case .postgresql:
            return Self.postgresClass(of: declaredType) == wanted ? "(CASE WHEN \(expression) IS NOT NULL THEN 1 ELSE 0 END)" : "0"
        }
    }

    /// `expression` read as text where the engine would not treat it as text by itself (a
    /// PostgreSQL `date`, `timestamp` or `integer`); as it is on SQLite, whose values carry their own type.
    public func asText(_ expression: String, declaredType: String) -> String {
        switch self {
        case .sqlite: return expression
        case .postgresql: return Self.isPostgresText(declaredType) ? expression : "(\(expression))::text"
        }
    }

    /// A PostgreSQL character type, which text functions (`trim`, `LIKE`) take as it is.
    public static func isPostgresText(_ declaredType: String) -> Bool {
        let type = declaredType.lowercased()
        return type.hasPrefix("character") || type.hasPrefix("varchar") || type.hasPrefix("char") || ["text", "citext", "name"].contains(type)
    }

    /// At most `rows` rows of `table` (already quoted), as a subquery to read FROM, spread over a
    /// large table where the engine can sample pages cheaply, else its first rows.
    public func sample(of table: String, rows: Int, rowCount: Int?) -> String {
        if self == .postgresql, let count = rowCount, count > rows * 10 {
            // SYSTEM reads whole pages at random: a percentage a little over what is needed.
            let percent = min(100, max(0.01, Double(rows) * 150 / Double(count)))
            return "(SELECT * FROM \(table) TABLESAMPLE SYSTEM (\(String(format: "%.4f", percent))) LIMIT \(rows)) AS sampled"
        }
        return "(SELECT * FROM \(table) LIMIT \(rows)) AS sampled"
    }
}

/// A database the pipeline reads: the seam between questions and the engine behind them.
///
/// The pipeline (retrieval, validation, the assistant, eval, the conversation) talks to this
/// and never to SQLite or PostgreSQL directly. Not `Sendable`: one thread at a time, as a
/// SQLite handle or a libpq connection; only `interrupt()` may come from another thread.
public protocol SQLDatabase: AnyObject {
    /// The engine's dialect, for the prompt and the statements indaga writes.
    var dialect: SQLDialect { get }
    /// Where the database is, for messages: a file's path, or a server address without its password.
    var location: String { get }
    /// The names of its tables and views, without reading their columns.
    func tableNames() throws -> Set<String>
    /// Tables and views, columns, keys, row counts and a few sample values.
    func introspect(samplesPerColumn: Int) throws -> Schema
    /// Runs one statement indaga wrote itself (placeholders `?`), returning every row.
    func query(_ sql: String, _ bindings: [DatabaseValue]) throws -> [Row]
    /// Checks a generated statement without running it: one read-only statement whose names
    /// all exist. Throws `QueryRefusal` (`.notAllowed` or `.invalid`).
    func checkGenerated(_ sql: String) throws
    /// Runs one generated statement read-only, within `timeout`, keeping `maxRows` rows and
    /// counting the rest; `cancelled` is polled and stops it. Throws `QueryRefusal`.
    func runGenerated(_ sql: String, timeout: Duration, maxRows: Int, cancelled: @escaping () -> Bool) throws -> QueryResult
    /// Stops the statement running now, as soon as the engine can; safe from another thread.
    func interrupt()
}

extension SQLDatabase {
    public func introspect() throws -> Schema { try introspect(samplesPerColumn: 3) }

    public func query(_ sql: String) throws -> [Row] { try query(sql, []) }

    public func runGenerated(_ sql: String, timeout: Duration = .seconds(10), maxRows: Int = 1_000) throws -> QueryResult {
        try runGenerated(sql, timeout: timeout, maxRows: maxRows, cancelled: { false })
    }
}

/// Opens the database a command was pointed at, once per thread that needs one.
public typealias DatabaseOpener = @Sendable () throws -> any SQLDatabase

extension Connection: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }
    public var location: String { path }

    public func checkGenerated(_ sql: String) throws {
        _ = try prepareGenerated(sql)
    }

    public func tableNames() throws -> Set<String> {
        Set(try query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')").compactMap { $0[0].text })
    }

    /// Opens the SQLite file at `path` read-only, each time it is called.
    public static func readOnlyOpener(_ path: String) -> DatabaseOpener {
        { try Connection(path: path, mode: .readOnly) }
    }
}
