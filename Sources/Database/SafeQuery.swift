import CSQLite
import Foundation

/// What a generated query may do: read tables, call ordinary functions, recurse in a CTE.
/// Everything else — writes, ATTACH, PRAGMA, temporary objects, transactions,
/// load_extension — is denied, and the denial says why in pt-BR.
final class ReadOnlyAuthorizer {
    /// The first thing denied during the current prepare, for the error message.
    var denial: String?

    static let forbiddenFunctions: Set<String> = ["load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"]

    func decide(action: Int32, first: String?, second: String?) -> Int32 {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_FUNCTION:
            if let name = second?.lowercased(), Self.forbiddenFunctions.contains(name) {
                return deny("a função \(name) não é permitida")
            }
            return SQLITE_OK
        case SQLITE_ATTACH, SQLITE_DETACH:
            return deny("ATTACH/DETACH de outros bancos não é permitido")
        case SQLITE_PRAGMA:
            return deny("PRAGMA não é permitido em consultas")
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return deny("transações não são permitidas em consultas")
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE where ["sqlite_master", "sqlite_schema", "sqlite_temp_master"].contains(first?.lowercased() ?? ""):
            // What SQLite reports when a query names an eponymous virtual table (pragma_table_info, dbstat).
            return deny("a consulta lê as estruturas internas do banco (pragma_*, dbstat), o que não é permitido; consulte as tabelas de dados")
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            return deny("a consulta tentou alterar dados (\(first ?? "tabela"))")
        default:
            // CREATE/DROP/ALTER of anything, temporary or not, ANALYZE, REINDEX, virtual tables…
            return deny("a consulta tentou mudar a estrutura do banco")
        }
    }

    private func deny(_ reason: String) -> Int32 {
        if denial == nil { denial = reason }
        return SQLITE_DENY
    }
}

/// The rows of a checked query, capped, with the true count and the time it took.
public struct QueryResult: Sendable, Equatable {
    public let columns: [String]
    /// At most the row cap.
    public let rows: [[DatabaseValue]]
    /// Every row the query produced, counted even past the cap.
    public let totalRows: Int
    public var truncated: Bool { totalRows > rows.count }
    public let duration: Duration
    /// Values longer than the cell cap, kept cut (with "…").
    public let cutCells: Int
    /// Rows stopped being kept because the byte cap was reached (before the row cap).
    public let bytesCapped: Bool

    public init(columns: [String], rows: [[DatabaseValue]], totalRows: Int, duration: Duration, cutCells: Int = 0, bytesCapped: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows
        self.duration = duration
        self.cutCells = cutCells
        self.bytesCapped = bytesCapped
    }

    /// What the caps left out, in pt-BR, for the line under the answer; nil when nothing was.
    public var cutNote: String? {
        var parts: [String] = []
        if cutCells > 0 {
            parts.append("\(cutCells) \(cutCells == 1 ? "valor longo demais foi encurtado" : "valores longos demais foram encurtados") (limite de \(QueryCaps.cellBytes >> 10) KB por valor)")
        }
        if bytesCapped {
            parts.append("só as primeiras \(rows.count) linhas foram guardadas (limite de \(QueryCaps.answerBytes >> 20) MB por resposta)")
        }
        return parts.isEmpty ? nil : "resultado cortado: " + parts.joined(separator: "; ")
    }
}

/// How much of a result is kept in memory: a query can return values of any size.
public enum QueryCaps {
    /// Bytes kept of one text or blob value.
    public static let cellBytes = 256 << 10
    /// Bytes kept of one answer's rows, all values together.
    public static let answerBytes = 32 << 20
}

/// A result's rows as they come from the engine: kept up to the row cap and the byte cap, and
/// counted past them (a row past the caps is only counted, never read).
public struct CappedRows {
    public private(set) var rows: [[DatabaseValue]] = []
    public private(set) var total = 0
    public private(set) var cutCells = 0
    public private(set) var bytesCapped = false
    private var kept = 0
    let maxRows: Int

    public init(maxRows: Int) {
        self.maxRows = maxRows
    }

    /// Counts one more row; true when its values are still wanted.
    public mutating func countRow() -> Bool {
        total += 1
        return rows.count < maxRows && !bytesCapped
    }

    /// Keeps a row's values (`cut` of them shortened to the cell cap), unless they pass the byte cap.
    public mutating func keep(_ values: [DatabaseValue], cut: Int) {
        let size = values.reduce(0) { $0 + $1.storedBytes }
        if kept + size > QueryCaps.answerBytes {
            bytesCapped = true
            return
        }
        kept += size
        cutCells += cut
        rows.append(values)
    }

    public func result(columns: [String], duration: Duration) -> QueryResult {
        QueryResult(columns: columns, rows: rows, totalRows: total, duration: duration, cutCells: cutCells, bytesCapped: bytesCapped)
    }
}

/// Why a generated query was not run or did not finish, in pt-BR, with SQLite's own message kept.
public struct QueryRefusal: Error, Sendable, Equatable, LocalizedError {
    public enum Kind: Sendable, Equatable {
        /// The authorizer or the read-only check refused it.
        case notAllowed
        /// It did not compile: unknown table or column, syntax, more than one statement.
        case invalid
        /// It ran past the time budget.
        case timedOut
        /// Someone cancelled it.
        case cancelled
        /// It failed while running.
        case failed
    }

    public let kind: Kind
    public let message: String
    /// SQLite's message, when SQLite gave one ("no such column: x").
    public let sqliteMessage: String?

    public init(kind: Kind, message: String, sqliteMessage: String?) {
        self.kind = kind
        self.message = message
        self.sqliteMessage = sqliteMessage
    }

    public var errorDescription: String? { message }
}

extension Connection {
    /// Runs one generated statement safely: read-only checks, the authorizer, a time budget
    /// (SQLite's progress handler), and a cap on the rows kept (all rows are still counted).
    ///
    /// - Parameters:
    ///   - timeout: wall-clock budget for preparing, running and counting.
    ///   - maxRows: rows kept in the result.
    ///   - cancelled: polled with the time budget; returning true stops the query.
    public func runGenerated(
        _ sql: String, timeout: Duration = .seconds(10), maxRows: Int = 1_000, cancelled: @escaping () -> Bool = { false }
    ) throws -> QueryResult {
        let clock = ContinuousClock()
        let started = clock.now
        let statement = try prepareGenerated(sql)
        let budget = ProgressBudget(deadline: started + timeout, cancelled: cancelled)
        let budgetContext = Unmanaged.passRetained(budget)
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            budgetContext.release()
        }
        // Called every 1,000 virtual-machine steps; a non-zero return interrupts the statement.
        sqlite3_progress_handler(handle, 1_000, { context in
            guard let context else { return 0 }
            return Unmanaged<ProgressBudget>.fromOpaque(context).takeUnretainedValue().exhausted ? 1 : 0
        }, budgetContext.toOpaque())

        var rows = CappedRows(maxRows: maxRows)
        do {
            while try statement.advance() {
                guard rows.countRow() else { continue }
                let (values, cut) = statement.currentValues(cellLimit: QueryCaps.cellBytes)
                rows.keep(values, cut: cut)
            }
        } catch let error as DatabaseError where error.kind == .interrupted {
            throw budget.wasCancelled
                ? QueryRefusal(kind: .cancelled, message: "consulta cancelada", sqliteMessage: nil)
                : QueryRefusal(kind: .timedOut, message: "a consulta passou do tempo limite de \(timeout.components.seconds) s e foi interrompida", sqliteMessage: nil)
        } catch let error as DatabaseError {
            throw QueryRefusal(kind: .failed, message: "a consulta falhou ao rodar: \(error.message)", sqliteMessage: error.message)
        }
        return rows.result(columns: statement.columnNames, duration: clock.now - started)
    }
}

extension Connection {
    /// Compiles a generated statement under the read-only authorizer without running it:
    /// the check that finds unknown names, bad syntax and anything not allowed.
    ///
    /// - Throws: `QueryRefusal` (`.notAllowed` or `.invalid`, with SQLite's message kept).
    public func prepareGenerated(_ sql: String) throws -> Statement {
        let authorizer = ReadOnlyAuthorizer()
        let context = Unmanaged.passRetained(authorizer)
        defer {
            sqlite3_set_authorizer(handle, nil, nil)
            context.release()
        }
        sqlite3_set_authorizer(handle, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let authorizer = Unmanaged<ReadOnlyAuthorizer>.fromOpaque(context).takeUnretainedValue()
            return authorizer.decide(action: action, first: first.map { String(cString: $0) }, second: second.map { String(cString: $0) })
        }, context.toOpaque())
        let statement: Statement
        do {
            statement = try prepare(sql)
        } catch let error as DatabaseError {
            if let denial = authorizer.denial {
                throw QueryRefusal(kind: .notAllowed, message: denial, sqliteMessage: error.message)
            }
            if error.message == "more than one statement" {
                throw QueryRefusal(kind: .invalid, message: "a resposta tem mais de um comando SQL; só um é permitido", sqliteMessage: nil)
            }
            throw QueryRefusal(kind: .invalid, message: "o SQL não é válido: \(error.message)", sqliteMessage: error.message)
        }
        guard statement.isReadOnly else {
            throw QueryRefusal(kind: .notAllowed, message: "só consultas de leitura (SELECT) são permitidas", sqliteMessage: nil)
        }
        return statement
    }
}

/// The deadline and cancellation the progress handler checks.
private final class ProgressBudget {
    let deadline: ContinuousClock.Instant
    let cancelled: () -> Bool
    private(set) var wasCancelled = false

    init(deadline: ContinuousClock.Instant, cancelled: @escaping () -> Bool) {
        self.deadline = deadline
        self.cancelled = cancelled
    }

    var exhausted: Bool {
        if cancelled() {
            wasCancelled = true
            return true
        }
        return ContinuousClock.now > deadline
    }
}
