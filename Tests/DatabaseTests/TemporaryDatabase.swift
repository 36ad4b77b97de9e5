import Database
import Foundation

/// A fresh folder per test, removed when the test's value goes away.
final class TemporaryFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// A new database file in this folder, created by running `sql` on it.
    func database(_ name: String = "test.sqlite", _ sql: String = "") throws -> Connection {
        let connection = try Connection(path: path(name), mode: .create)
        if !sql.isEmpty { try connection.execute(sql) }
        return connection
    }
}
