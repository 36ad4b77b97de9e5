import CLibPQ
import Database
import Foundation

/// Generated SQL on a server: screened for what a read-only transaction still allows (reading
/// server files, reaching other servers, changing settings, reading the system catalogs),
/// checked by the server's own parser without running, and run in a `READ ONLY` transaction
/// with a statement timeout, a row cap, and a rollback whatever happens.
extension PostgresDatabase {
    /// Functions a read-only transaction does not stop: they read server files (`pg_read_file`),
    /// reach other servers (`dblink`), change settings (`set_config`), run a query given as text
    /// (`query_to_xml`), or stall and signal (`pg_sleep`, `pg_terminate_backend`). Every `pg_*`
    /// function is refused too: none is needed to answer a question about the data.
    static let forbiddenFunctions: Set<String> = [
        "set_config", "lo_import", "lo_export", "lo_get", "lo_put", "lo_from_bytea", "lo_open", "lo_unlink", "lo_create", "lo_creat",
        "lo_truncate", "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
        "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
        "nextval", "setval", "currval", "lastval", "txid_current", "current_setting",
    ]

    /// Why `sql` may not run, before the server sees it; nil when nothing is refused.
    func screen(_ sql: String) -> String? {
        let tokens = SQLLexer.tokens(sql).filter { $0.kind != .comment }
        guard let first = tokens.first(where: { !($0.kind == .symbol && $0.text == "(") }),
              first.isKeyword("SELECT") || first.isKeyword("WITH") || first.isKeyword("VALUES")
        else { return "só consultas de leitura (SELECT) são permitidas" }
        for (index, token) in tokens.enumerated() {
            guard let name = token.name else { continue }
            let parts = token.kind == .word ? name.split(separator: ".").map { $0.lowercased() } : [name.lowercased()]
            let last = parts.last ?? ""
            let isCall = index + 1 < tokens.count && tokens[index + 1].kind == .symbol && tokens[index + 1].text == "("
            if isCall, last.hasPrefix("pg_") || last.hasPrefix("dblink") || Self.forbiddenFunctions.contains(last) {
                return "a função \(last) não é permitida"
            }
            if token.kind == .word, ["INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE"].contains(where: token.isKeyword) {
                return "a consulta tentou alterar dados (\(token.text.uppercased()))"
            }
            let system = parts.contains { $0 == "pg_catalog" || $0 == "information_schema" || $0 == "pg_toast" }
                || (!isCall && last.hasPrefix("pg_") && !schemaNames.lowercased.contains(last))
            if system {
                return "a consulta lê as tabelas internas do PostgreSQL (\(name)), o que não é permitido; consulte as tabelas de dados"
            }
        }
        return nil
    }

    /// Words PostgreSQL reads in lowercase that name a table or column written with capitals
    /// (`playerID` → `"playerID"`), so a query written as for SQLite, where case does not
    /// matter, reads the same names here. Columns are those of the tables the query reads: `UF`
    /// is `"UF"` in a table that has it, though another table has a `uf`. Keywords and words of
    /// date functions stay as written.
    ///
    /// - Parameter read: the columns of the tables the query reads (`SchemaNames.columns(of:)`).
    func quotingNames(_ sql: String, read: [(name: String, type: String)]) -> String {
        let namesByLowercase = SchemaNames.needingQuotes(Array(schemaNames.columns.keys) + read.map(\.name))
        guard !namesByLowercase.isEmpty else { return sql }
        var characters = Array(sql)
        var replacements: [(start: Int, length: Int, text: String)] = []
        for token in SQLLexer.tokens(sql) where token.kind == .word {
            let parts = token.text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            var changed = false
            let quoted = parts.map { part -> String in
                guard part != part.lowercased(), let exact = namesByLowercase[part.lowercased()], !Self.keepsCase(part) else { return part }
                changed = true
                return quoteIdentifier(exact)
            }
            if changed { replacements.append((token.start, token.text.count, quoted.joined(separator: "."))) }
        }
        for replacement in replacements.reversed() {
            characters.replaceSubrange(replacement.start..<replacement.start + replacement.length, with: Array(replacement.text))
        }
        return String(characters)
    }

    /// SQL keywords and the fields of `EXTRACT` and `date_trunc`, which a column may share a name with.
    private static func keepsCase(_ word: String) -> Bool {
        let upper = word.uppercased()
        return ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "EPOCH", "DOW", "DOY", "WEEK", "QUARTER", "DECADE", "CENTURY",
                "DATE", "TIME", "TIMESTAMP", "INTERVAL", "NAME", "TEXT", "INTEGER", "NUMERIC", "REAL"].contains(upper)
            || !isPlainIdentifier(word)
    }

    /// The statement as it will be sent: screened, SQLite's habits in PostgreSQL's words, names
    /// with capitals quoted, and the columns it shows but does not group added to its GROUP BY;
    /// parsed by the server (an unnamed prepared statement, never executed) in a read-only
    /// transaction rolled back at once. Throws the refusal.
    private func prepared(_ sql: String) throws -> String {
        if let refusal = screen(sql) {
            throw QueryRefusal(kind: .notAllowed, message: refusal, sqliteMessage: nil)
        }
        // Columns that hold text in the tables the query reads: only there does EXTRACT need the ISO text.
        let tables = SQLLexer.tableNames(SQLLexer.tokens(sql)).map(\.name)
        let read = schemaNames.columns(of: tables)
        let timed = Set(read.filter { SQLDialect.postgresClass(of: $0.type) == .text && !SQLDialect.isPostgresText($0.type) }.map { $0.name.lowercased() })
        let texts = Set(read.filter { SQLDialect.isPostgresText($0.type) }.map { $0.name.lowercased() }).subtracting(timed)
        var text = quotingNames(SQLiteHabits.translated(sql, textColumns: texts), read: read)
        // Each round adds one column; a query shows only so many.
        for _ in 0..<8 {
            try execute("BEGIN TRANSACTION READ ONLY")
            let result = PQprepare(handle, "", text, 0, nil)
            defer { PQclear(result) }
            let failure: PostgresError? = (try? check(result, sql: text)) == nil ? serverError(result, sql: text) : nil
            try? execute("ROLLBACK")
            guard let failure else { return text }
            guard failure.state == "42803", failure.message.contains("must appear in the GROUP BY clause"), let position = failure.position,
                  let grouped = SQLiteHabits.grouping(text, at: position), grouped != text
            else { throw refusal(for: failure, sql: text, running: false) }
            text = grouped
        }
        return text
    }

    /// Checks the statement on the server without running it.
    public func checkGenerated(_ sql: String) throws {
        _ = try prepared(sql)
    }

    public func runGenerated(_ sql: String, timeout: Duration, maxRows: Int, cancelled: @escaping () -> Bool) throws -> QueryResult {
        let clock = ContinuousClock()
        let started = clock.now
        let text = try prepared(sql)
        let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        try execute("BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = \(milliseconds); SET LOCAL lock_timeout = \(milliseconds)")
        defer { try? execute("ROLLBACK") }
        // The extended protocol takes one statement only: a second one is refused by the server.
        guard PQsendQueryParams(handle, text, 0, nil, nil, nil, nil, 0) == 1 else {
            throw QueryRefusal(kind: .failed, message: "a consulta falhou ao rodar: \(String(cString: PQerrorMessage(handle)))", sqliteMessage: nil)
        }
        PQsetSingleRowMode(handle)
        var rows = CappedRows(maxRows: maxRows)
        var columns: [String] = []
        var stopped: QueryRefusal.Kind?
        var failure: PostgresError?
        while true {
            // Wait for the server in short steps, so a deadline or a cancel is noticed while it works.
            while PQisBusy(handle) == 1 {
                if stopped == nil {
                    if cancelled() {
                        stopped = .cancelled
                    } else if clock.now - started > timeout {
                        stopped = .timedOut
                    }
                    if stopped != nil { interrupt() }
                }
                var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 50)
                guard PQconsumeInput(handle) == 1 else { break }
            }
            guard let result = PQgetResult(handle) else { break }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                if columns.isEmpty { columns = Self.columnNames(of: result) }
                guard rows.countRow() else { continue }
                var cut = 0
                let values = (0..<PQnfields(result)).map { column -> DatabaseValue in
                    let (value, wasCut) = Self.value(result, row: 0, column: column, cellLimit: QueryCaps.cellBytes)
                    if wasCut { cut += 1 }
                    return value
                }
                rows.keep(values, cut: cut)
            case PGRES_TUPLES_OK:
                if columns.isEmpty { columns = Self.columnNames(of: result) }
            default:
                if failure == nil { failure = serverError(result, sql: text) }
            }
        }
        if let failure {
            if failure.state == "57014" {
                throw stopped == .cancelled
                    ? QueryRefusal(kind: .cancelled, message: "consulta cancelada", sqliteMessage: nil)
                    : QueryRefusal(kind: .timedOut, message: "a consulta passou do tempo limite de \(timeout.components.seconds) s e foi interrompida",
                                   sqliteMessage: nil)
            }
            throw refusal(for: failure, sql: text, running: true)
        }
        return rows.result(columns: columns, duration: clock.now - started)
    }

    /// The server's error as the pipeline reads refusals: `.notAllowed` for a write or a missing
    /// privilege, `.invalid` for a statement that does not compile, with the message in the
    /// words SQLite uses for the same mistakes (`no such column: t.x`), which the validator's
    /// hints and repairs read; the server's own words stay in the message shown.
    func refusal(for error: PostgresError, sql: String, running: Bool) -> QueryRefusal {
        switch error.state {
        case "25006":
            return QueryRefusal(kind: .notAllowed, message: "a consulta tentou alterar dados", sqliteMessage: error.message)
        case "42501":
            return QueryRefusal(kind: .notAllowed, message: "sem permissão para isso: \(error.message)", sqliteMessage: error.message)
        case "42P05", "42P14":
            return QueryRefusal(kind: .invalid, message: "a resposta tem mais de um comando SQL; só um é permitido", sqliteMessage: nil)
        default:
            break
        }
        if error.message.hasPrefix("cannot insert multiple commands") {
            return QueryRefusal(kind: .invalid, message: "a resposta tem mais de um comando SQL; só um é permitido", sqliteMessage: nil)
        }
        let shown = error.hint.map { "\(error.message) (\($0))" } ?? error.message
        if running, error.state.map({ !$0.hasPrefix("42") }) ?? true {
            return QueryRefusal(kind: .failed, message: "a consulta falhou ao rodar: \(shown)", sqliteMessage: error.message)
        }
        return QueryRefusal(kind: .invalid, message: "o SQL não é válido: \(shown)", sqliteMessage: Self.inSQLiteWords(error, sql: sql) ?? error.message)
    }

    /// `column "x" does not exist` → `no such column: x`, and the other messages the validator knows.
    static func inSQLiteWords(_ error: PostgresError, sql: String) -> String? {
        let message = error.message
        func quotedPart(after prefix: String, before suffix: String) -> String? {
            guard message.hasPrefix(prefix), message.hasSuffix(suffix) else { return nil }
            let inner = message.dropFirst(prefix.count).dropLast(suffix.count)
            return inner.replacingOccurrences(of: "\"", with: "")
        }
        switch error.state {
        case "42703":
            return quotedPart(after: "column ", before: " does not exist").map { "no such column: \($0)" }
        case "42P01":
            if let table = quotedPart(after: "relation ", before: " does not exist") { return "no such table: \(table)" }
            // `missing FROM-clause entry for table "m"`: SQLite names the column, found where the server points.
            if message.hasPrefix("missing FROM-clause entry"), let position = error.position {
                let token = SQLLexer.tokens(sql).first { $0.start <= position - 1 && position - 1 < $0.end && $0.kind == .word }
                return token.map { "no such column: \($0.text)" }
            }
            return nil
        case "42702":
            return quotedPart(after: "column reference ", before: " is ambiguous").map { "ambiguous column name: \($0)" }
        case "42883":
            guard message.hasPrefix("function ") else { return nil }
            let name = message.dropFirst("function ".count).prefix { $0 != "(" && $0 != " " }
            return "no such function: \(name)"
        case "42803":
            return message.hasPrefix("aggregate function") ? "misuse of aggregate: \(message)" : nil
        default:
            return nil
        }
    }
}
