import Database
import Foundation
import PostgreSQL
import Testing

/// The PostgreSQL server the tests run against: `INDAGA_TEST_POSTGRES`, which `scripts/test.sh`
/// sets after starting a throwaway cluster. Without it, the suites say they were skipped, and why.
enum TestServer {
    static let url: String? = ProcessInfo.processInfo.environment["INDAGA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    static let skipReason: Comment = "sem servidor PostgreSQL: rode scripts/test.sh (que inicia um temporário) ou defina INDAGA_TEST_POSTGRES=postgresql://…"
}

/// A database of its own on the test server for one test, dropped when the value goes away.
final class ScratchDatabase {
    let name: String
    let url: String
    private let adminURL: String

    init() throws {
        guard let admin = TestServer.url else { throw PostgresError(message: "INDAGA_TEST_POSTGRES não está definido") }
        adminURL = admin
        name = "indaga_teste_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let server = try PostgresDatabase(url: admin, readOnly: false)
        try server.execute("CREATE DATABASE \(name)")
        var components = URLComponents(string: admin)!
        components.path = "/" + name
        url = components.string!
    }

    /// A connection that may write (to set the database up).
    func writer() throws -> PostgresDatabase { try PostgresDatabase(url: url, readOnly: false) }

    /// A read-only connection, as the pipeline opens one.
    func reader() throws -> PostgresDatabase { try PostgresDatabase(url: url, readOnly: true) }

    deinit {
        if let server = try? PostgresDatabase(url: adminURL, readOnly: false) {
            try? server.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
