import Crypto
import Database
import DemoDatabase
import Foundation

/// One demo database per test process, built with the default seed, shared read-only.
enum DemoFixture {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-demo-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static let built: Result<DemoDatabase.Summary, Error> = Result {
        try DemoDatabase.write(to: folder.appendingPathComponent("escola.sqlite").path)
    }

    static func open() throws -> Connection {
        try Connection(path: built.get().path, mode: .readOnly)
    }

    /// SHA-256 of the canonical dump, in hex.
    static func contentHash(of path: String) throws -> String {
        var hasher = SHA256()
        try Connection(path: path, mode: .readOnly).writeCanonicalDump { line in
            hasher.update(data: Data((line + "\n").utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension Connection {
    func double(_ sql: String) throws -> Double {
        try scalar(sql)?.double ?? .nan
    }

    func int(_ sql: String) throws -> Int {
        Int(try scalar(sql)?.integer ?? -1)
    }
}
