import Foundation
import CSQLite

/// An error reported by SQLite, with the call that failed and the SQL or path involved.
public struct DatabaseError: Error, Sendable, Equatable {
    /// SQLite's extended result code (`SQLITE_READONLY_DBMOVED`, …).
    public let extendedCode: Int32
    /// SQLite's message for the error.
    public let message: String
    /// The C call that failed (`sqlite3_prepare_v3`, …).
    public let call: String
    /// The SQL statement, when the error concerns one.
    public let sql: String?
    /// The database file, when the error concerns opening one.
    public let path: String?

    public init(extendedCode: Int32, message: String, call: String, sql: String? = nil, path: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.call = call
        self.sql = sql
        self.path = path
    }

    /// SQLite's primary result code (`SQLITE_BUSY`, `SQLITE_READONLY`, …).
    public var code: Int32 { extendedCode & 0xFF }

    public var kind: Kind { Kind(code: code) }

    /// The result codes callers tell apart.
    public enum Kind: Sendable, Equatable {
        case cannotOpen, notADatabase, readOnly, busy, interrupted, constraint, authorization, syntaxOrSchema, other

        init(code: Int32) {
            switch code {
            case SQLITE_CANTOPEN: self = .cannotOpen
            case SQLITE_NOTADB: self = .notADatabase
            case SQLITE_READONLY: self = .readOnly
            case SQLITE_BUSY, SQLITE_LOCKED: self = .busy
            case SQLITE_INTERRUPT: self = .interrupted
            case SQLITE_CONSTRAINT: self = .constraint
            case SQLITE_AUTH: self = .authorization
            case SQLITE_ERROR: self = .syntaxOrSchema
            default: self = .other
            }
        }
    }
}

extension DatabaseError: CustomStringConvertible {
    public var description: String {
        var text = "\(call) falhou (código \(extendedCode)): \(message)"
        if let path { text += " [arquivo: \(path)]" }
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }
}

extension DatabaseError: LocalizedError {
    /// A pt-BR sentence for a person; the CLI adds what to do where it knows more.
    public var errorDescription: String? {
        switch kind {
        case .cannotOpen:
            return "não foi possível abrir o banco de dados \(path.map { "'\($0)'" } ?? ""): \(message)"
        case .notADatabase:
            return "o arquivo \(path.map { "'\($0)'" } ?? "") não é um banco de dados SQLite"
        case .readOnly:
            return "o banco de dados está aberto somente para leitura: \(message)"
        case .busy:
            return "o banco de dados está ocupado por outro processo; tente de novo em instantes"
        case .interrupted:
            return "a consulta foi interrompida"
        case .authorization:
            return "a consulta tentou uma operação não permitida: \(message)"
        case .constraint, .syntaxOrSchema, .other:
            return "o SQLite recusou a operação: \(message)"
        }
    }
}
