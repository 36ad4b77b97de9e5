import Database
import Foundation
import PostgreSQL

/// The PostgreSQL server the tests run against: `INDAGA_TEST_POSTGRES`, which `scripts/test.sh`
/// sets after starting a throwaway cluster. Without it, the suites say they were skipped, and why.
public enum TestServer {
    public static let url: String? = ProcessInfo.processInfo.environment["INDAGA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    public static var isAvailable: Bool { url != nil }
    public static let skipReason = "sem servidor PostgreSQL: rode scripts/test.sh (que inicia um temporário) ou defina INDAGA_TEST_POSTGRES=postgresql://…"
}

/// A database of its own on the test server for one test, dropped when the value goes away.
public final class ScratchDatabase: Sendable {
    public let name: String
    public let url: String
    private let adminURL: String

    /// - Parameter name: the database's name (a question file's catalog, say); a new random one by default.
    public init(name: String? = nil) throws {
        guard let admin = TestServer.url else { throw PostgresError(message: "INDAGA_TEST_POSTGRES não está definido") }
        adminURL = admin
        self.name = name ?? "indaga_teste_" + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let server = try PostgresDatabase(url: admin, readOnly: false)
        try server.execute("DROP DATABASE IF EXISTS \(quoteIdentifier(self.name)) WITH (FORCE)")
        try server.execute("CREATE DATABASE \(quoteIdentifier(self.name))")
        var components = URLComponents(string: admin)!
        components.path = "/" + self.name
        url = components.string!
    }

    /// A connection that may write (to set the database up).
    public func writer() throws -> PostgresDatabase { try PostgresDatabase(url: url, readOnly: false) }

    /// A read-only connection, as the pipeline opens one.
    public func reader() throws -> PostgresDatabase { try PostgresDatabase(url: url, readOnly: true) }

    deinit {
        if let server = try? PostgresDatabase(url: adminURL, readOnly: false) {
            try? server.execute("DROP DATABASE IF EXISTS \(quoteIdentifier(name)) WITH (FORCE)")
        }
    }
}
