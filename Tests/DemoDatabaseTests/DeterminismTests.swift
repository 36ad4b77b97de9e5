import Database
import DemoDatabase
import Foundation
import TestSupport
import Testing

@Suite("indaga demo is deterministic and atomic")
struct DeterminismTests {
    @Test("the same seed gives the same content, byte for byte; another seed does not")
    func sameSeedSameContent() throws {
        let first = try DemoFixture.built.get()
        let folder = DemoFixture.folder
        let again = try DemoDatabase.write(to: folder.appendingPathComponent("again.sqlite").path)
        let other = try DemoDatabase.write(to: folder.appendingPathComponent("other.sqlite").path, seed: 7)

        let firstHash = try DemoFixture.contentHash(of: first.path)
        #expect(firstHash.count == 64)
        #expect(try DemoFixture.contentHash(of: again.path) == firstHash)
        #expect(try DemoFixture.contentHash(of: other.path) != firstHash)
        // Stronger than the dump: SQLite wrote the very same file.
        #expect(FileManager.default.contentsEqual(atPath: first.path, andPath: again.path))
        #expect(first.rowCounts.map(\.rows) == again.rowCounts.map(\.rows))
    }

    @Test("an existing file is kept unless overwriting is asked for")
    func refusesToOverwrite() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("escola.sqlite")
        try Data("dados do usuário".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DemoDatabase.Failure.outputExists(path: path)) {
            try DemoDatabase.write(to: path, seed: 3)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "dados do usuário")
        let summary = try DemoDatabase.write(to: path, seed: 3, overwrite: true)
        #expect(summary.rows(in: "alunos") > 0)
        #expect(try Connection(path: path, mode: .readOnly).int("SELECT count(*) FROM alunos") == summary.rows(in: "alunos"))
    }

    @Test("an unwritable place fails before writing and leaves no file behind", arguments: [
        "/proc/indaga-escola.sqlite", "/nao/existe/escola.sqlite",
    ])
    func unwritableOutput(path: String) throws {
        let error = #expect(throws: DemoDatabase.Failure.self) { try DemoDatabase.write(to: path) }
        guard case .cannotWrite(let reported, _) = error else {
            Issue.record("expected cannotWrite, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a finished build leaves no temporary file beside the database")
    func noTemporaryLeftovers() throws {
        let summary = try DemoFixture.built.get()
        let file = URL(fileURLWithPath: summary.path)
        // Other tests build beside it at the same time; only this file's temporary counts.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(file.lastPathComponent).") }
        #expect(leftovers.isEmpty)
    }
}
