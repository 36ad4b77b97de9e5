import Database
import Foundation
import TestSupport

extension TemporaryFolder {
    /// A new database file in this folder, created by running `sql` on it.
    func database(_ name: String = "test.sqlite", _ sql: String = "") throws -> Connection {
        let connection = try Connection(path: path(name), mode: .create)
        if !sql.isEmpty { try connection.execute(sql) }
        return connection
    }
}
