import CLibPQ
import Database
import Foundation

/// Copies a SQLite database into a PostgreSQL schema, so the same data can be asked on both
/// engines (`indaga demo --db postgresql://…`, `indaga copy`): tables with the types their
/// values have, primary and foreign keys, indexes, views, and every row, in one transaction.
///
/// A column's type comes from its values, as SQLite keeps any value in any column: whole numbers
/// → `integer` or `bigint`, numbers → `double precision`, ISO dates → `date`, ISO date-times →
/// `timestamp`, bytes → `bytea`, anything else → `text`. Names keep their case (quoted).
public struct SQLiteCopy {
    public struct Summary: Sendable {
        public var tables = 0
        public var rows = 0
        public var views = 0
        /// What could not be copied as it was, in pt-BR (a view whose SQL PostgreSQL does not take).
        public var notes: [String] = []
        public var duration: Duration = .zero
    }

    let source: Connection
    let target: PostgresDatabase

    public init(from source: Connection, to target: PostgresDatabase) {
        self.source = source
        self.target = target
    }

    /// Runs the copy. Tables of the same names already in the target are an error unless
    /// `replace`, which drops them first.
    public func run(replace: Bool, progress: (String) -> Void = { _ in }) throws -> Summary {
        let started = ContinuousClock.now
        var summary = Summary()
        let schema = try source.introspect(samplesPerColumn: 0)
        let existing = try target.tableNames()
        let clashing = schema.tables.map(\.name).filter(existing.contains)
        if !clashing.isEmpty, !replace {
            throw PostgresError(message: "o banco \(target.location) já tem \(clashing.count == 1 ? "a tabela" : "as tabelas") "
                + clashing.prefix(5).joined(separator: ", ") + (clashing.count > 5 ? "…" : "") + "; use --force para substituí-las")
        }
        // Types first: trying values as dates on the server would abort a transaction.
        progress("lendo os tipos das colunas…")
        var types: [String: [String]] = [:]
        for table in schema.tables {
            types[table.name] = try table.columns.map { try columnType(table.name, $0) }
        }
        let tables = schema.tables.filter { $0.kind == .table }
        try target.execute("BEGIN")
        do {
            // What the name is on the server decides how it goes (a view copied as a table is a table there).
            let serverViews = Set(try target.query("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')
                """).compactMap { $0[0].text })
            for name in clashing.reversed() {
                try target.execute("DROP \(serverViews.contains(name) ? "VIEW" : "TABLE") IF EXISTS \(quoteIdentifier(name)) CASCADE")
            }
            for table in tables {
                try target.execute(Self.createTable(table, types: types[table.name] ?? []))
            }
            for table in tables {
                progress("copiando \(table.name)…")
                summary.rows += try copyRows(of: table.name, columns: table.columns.map(\.name))
                summary.tables += 1
            }
            for table in tables {
                for key in table.foreignKeys where !key.referencedColumns.isEmpty {
                    // NOT VALID: declared for whoever reads the schema, without refusing old rows that break it.
                    try target.execute("ALTER TABLE \(quoteIdentifier(table.name)) ADD FOREIGN KEY (\(key.columns.map(quoteIdentifier).joined(separator: ", "))) "
                        + "REFERENCES \(quoteIdentifier(key.referencedTable)) (\(key.referencedColumns.map(quoteIdentifier).joined(separator: ", "))) NOT VALID")
                }
            }
            for row in try source.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") {
                guard let sql = row[1].text else { continue }
                try target.execute("SAVEPOINT indice")
                do {
                    try target.execute(sql)
                    try target.execute("RELEASE SAVEPOINT indice")
                } catch {
                    try target.execute("ROLLBACK TO SAVEPOINT indice")
                    summary.notes.append("o índice \(row[0].text ?? "") não foi criado (\(error.localizedDescription))")
                }
            }
            for view in schema.tables where view.kind == .view {
                try copyView(view, types: types[view.name] ?? [], into: &summary)
            }
            try target.execute("COMMIT")
        } catch {
            try? target.execute("ROLLBACK")
            throw error
        }
        // The planner's row estimates, which the catalog reads for large tables.
        try target.execute("ANALYZE")
        summary.duration = ContinuousClock.now - started
        return summary
    }

    /// A view as SQLite wrote it, or in PostgreSQL's words (`SQLiteHabits`), when the server takes
    /// it; otherwise a table of its rows, so the questions that read it still find it.
    private func copyView(_ view: Schema.Table, types: [String], into summary: inout Summary) throws {
        let body = view.sql.range(of: #"\bAS\b"#, options: [.regularExpression, .caseInsensitive]).map { String(view.sql[$0.upperBound...]) }
        for text in body.map({ [$0, SQLiteHabits.translated($0)] }) ?? [] {
            try target.execute("SAVEPOINT visao")
            do {
                try target.execute("CREATE VIEW \(quoteIdentifier(view.name)) AS \(text)")
                try target.execute("RELEASE SAVEPOINT visao")
                summary.views += 1
                return
            } catch {
                try target.execute("ROLLBACK TO SAVEPOINT visao")
            }
        }
        try target.execute(Self.createTable(Schema.Table(name: view.name, kind: .table, columns: view.columns, primaryKey: [], foreignKeys: [],
                                                         rowCount: nil, sql: ""), types: types))
        summary.rows += try copyRows(of: view.name, columns: view.columns.map(\.name))
        summary.tables += 1
        summary.notes.append("a visão \(view.name) usa SQL que o PostgreSQL não aceita; foi copiada como tabela, com as linhas de agora")
    }

    static func createTable(_ table: Schema.Table, types: [String]) -> String {
        var lines = zip(table.columns, types).map { column, type in
            "  \(quoteIdentifier(column.name)) \(type)\(column.notNull ? " NOT NULL" : "")"
        }
        if !table.primaryKey.isEmpty { lines.append("  PRIMARY KEY (\(table.primaryKey.map(quoteIdentifier).joined(separator: ", ")))") }
        return "CREATE TABLE \(quoteIdentifier(table.name)) (\n" + lines.joined(separator: ",\n") + "\n)"
    }

    /// The PostgreSQL type every value of the column fits.
    func columnType(_ table: String, _ column: Schema.Column) throws -> String {
        let name = quoteIdentifier(column.name)
        let counts = try source.query("""
            SELECT count(\(name)), sum(typeof(\(name)) = 'integer'), sum(typeof(\(name)) = 'real'), sum(typeof(\(name)) = 'blob'),
                   sum(typeof(\(name)) = 'text' AND \(name) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                   sum(typeof(\(name)) = 'text' AND (\(name) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-5][0-9]*')),
                   min(CASE WHEN typeof(\(name)) = 'integer' THEN \(name) END), max(CASE WHEN typeof(\(name)) = 'integer' THEN \(name) END)
            FROM \(quoteIdentifier(table))
            """)[0]
        let values = counts[0].integer ?? 0
        let (integers, reals, blobs, dates, dateTimes) = (counts[1].integer ?? 0, counts[2].integer ?? 0, counts[3].integer ?? 0,
                                                          counts[4].integer ?? 0, counts[5].integer ?? 0)
        guard values > 0 else { return Self.declaredFallback(column.declaredType) }
        if integers == values {
            let fits = (counts[6].integer ?? 0) >= Int64(Int32.min) && (counts[7].integer ?? 0) <= Int64(Int32.max)
            return fits ? "integer" : "bigint"
        }
        if integers + reals == values { return "double precision" }
        if blobs == values { return "bytea" }
        if dates == values, try validDates(table, column.name, "date") { return "date" }
        if dateTimes == values, try validDates(table, column.name, "timestamp") { return "timestamp" }
        return "text"
    }

    /// Whether the server reads every distinct value as a date (`2024-02-30` looks like one).
    private func validDates(_ table: String, _ column: String, _ type: String) throws -> Bool {
        let values = try source.query("SELECT DISTINCT \(quoteIdentifier(column)) FROM \(quoteIdentifier(table)) WHERE \(quoteIdentifier(column)) IS NOT NULL")
            .compactMap { $0[0].text }
        for chunk in stride(from: 0, to: values.count, by: 500) {
            let part = values[chunk..<min(values.count, chunk + 500)]
            let list = part.map { "('" + $0.replacingOccurrences(of: "'", with: "''") + "')" }.joined(separator: ", ")
            do {
                _ = try target.query("SELECT v::\(type) FROM (VALUES \(list)) AS t(v)")
            } catch {
                return false
            }
        }
        return true
    }

    /// A column with no value at all: its declared type, read the way SQLite reads it.
    static func declaredFallback(_ declared: String) -> String {
        switch Schema.Affinity(declaredType: declared) {
        case .integer: return "bigint"
        case .real, .numeric: return "double precision"
        case .blob: return declared.isEmpty ? "text" : "bytea"
        case .text: return "text"
        }
    }

    /// Streams the rows with `COPY … FROM STDIN` (text format), the fastest way in.
    private func copyRows(of table: String, columns: [String]) throws -> Int {
        let list = columns.map(quoteIdentifier).joined(separator: ", ")
        let start = PQexec(target.handle, "COPY \(quoteIdentifier(table)) (\(list)) FROM STDIN")
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw target.serverError(nil, sql: "COPY \(table)") }
        let statement = try source.prepare("SELECT \(list) FROM \(quoteIdentifier(table))")
        var rows = 0
        var buffer = ""
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withCString { PQputCopyData(target.handle, $0, Int32(strlen($0))) }
            buffer.removeAll(keepingCapacity: true)
            guard sent == 1 else { throw target.serverError(nil, sql: "COPY \(table)") }
        }
        while let row = try statement.step() {
            buffer += row.values.map(Self.copyText).joined(separator: "\t") + "\n"
            rows += 1
            if buffer.utf8.count > 1 << 20 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(target.handle, nil) == 1 else { throw target.serverError(nil, sql: "COPY \(table)") }
        while let result = PQgetResult(target.handle) {
            defer { PQclear(result) }
            try target.check(result, sql: "COPY \(table)")
        }
        return rows
    }

    /// A value in COPY's text format: `\N` for null, backslash escapes, bytes as `\\x` hex.
    static func copyText(_ value: DatabaseValue) -> String {
        switch value {
        case .null: return "\\N"
        case .integer(let number): return String(number)
        case .real(let number): return number.isFinite ? String(number) : (number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity")
        case .blob(let bytes): return "\\\\x" + bytes.map { String(format: "%02x", $0) }.joined()
        case .text(let text):
            var escaped = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                case "\u{0}": continue  // PostgreSQL text cannot hold NUL
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped
        }
    }
}
