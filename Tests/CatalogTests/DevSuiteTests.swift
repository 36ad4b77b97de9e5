import Database
import Foundation
import Testing
import Yams

/// A question file of eval/suite.yaml over a public database, with the SQLite file it names.
struct SuiteSet: Sendable, CustomTestStringConvertible {
    let file: URL
    let text: String
    let database: URL
    let questions: [DevQuestion]

    var name: String { file.deletingPathExtension().lastPathComponent }
    var testDescription: String { name }

    private struct File: Decodable {
        let database: String
        let questions: [DevQuestion]
    }

    init(file: URL) throws {
        self.file = file
        text = try String(contentsOf: file, encoding: .utf8)
        let decoded = try YAMLDecoder().decode(File.self, from: text)
        database = file.deletingLastPathComponent().appendingPathComponent(decoded.database).standardizedFileURL
        questions = decoded.questions
    }

    /// Opens the database read-only; a missing one says how to build it.
    func open() throws -> Connection {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw SuiteError("\(database.path) não existe: rode scripts/dev-databases.sh (scripts/test.sh já roda)")
        }
        return try Connection(path: database.path, mode: .readOnly)
    }
}

struct SuiteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// eval/suite.yaml: every question file the multi-database evaluation runs.
enum DevSuite {
    static let folder = DevSet.file.deletingLastPathComponent()
    static let file = folder.appendingPathComponent("suite.yaml")

    private struct Suite: Decodable { let sets: [String] }

    static let listed: Result<[String], Error> = Result {
        try YAMLDecoder().decode(Suite.self, from: String(contentsOf: file, encoding: .utf8)).sets
    }

    /// The sets over public databases (the escola set, dev.yaml, has its own tests).
    static let publicSets: Result<[SuiteSet], Error> = Result {
        try listed.get().filter { $0 != DevSet.file.lastPathComponent }.map { try SuiteSet(file: folder.appendingPathComponent($0)) }
    }

    static var sets: [SuiteSet] { (try? publicSets.get()) ?? [] }

    /// Every question of every public set, for the parameterized gold test.
    static var questions: [SuiteQuestion] { sets.flatMap { set in set.questions.map { SuiteQuestion(set: set, question: $0) } } }
}

struct SuiteQuestion: Sendable, CustomTestStringConvertible {
    let set: SuiteSet
    let question: DevQuestion
    var testDescription: String { question.id }
}

@Suite("eval/suite.yaml: dev sets over real public databases")
struct DevSuiteTests {
    @Test("the suite lists dev.yaml and every question file beside it, and at least three public databases")
    func listing() throws {
        let listed = try DevSuite.listed.get()
        #expect(listed.contains(DevSet.file.lastPathComponent))
        let files = try FileManager.default.contentsOfDirectory(atPath: DevSuite.folder.path)
            .filter { $0.hasSuffix(".yaml") && $0 != DevSuite.file.lastPathComponent }
        #expect(Set(files) == Set(listed), "eval/suite.yaml não lista: \(Set(files).subtracting(listed).sorted()); lista o que não existe: \(Set(listed).subtracting(files).sorted())")
        #expect(try DevSuite.publicSets.get().count >= 3)
        // Ids are unique across the suite, so a report line names one question.
        let ids = try DevSuite.publicSets.get().flatMap { $0.questions.map(\.id) } + (try DevSet.loaded.get().map(\.id))
        #expect(Set(ids).count == ids.count, "ids repetidos entre os arquivos da suíte")
    }

    @Test("each set parses, has 40 or more questions with 12 of each difficulty, known keys, and its database", arguments: DevSuite.sets)
    func shape(set: SuiteSet) throws {
        try DevSet.expectShape(set.questions, text: set.text, minimum: 40)
        _ = try set.open()
        // The catalog comes from `indaga refresh` alone: what it writes is ignored by git, so no
        // hand-edited metadata or embeddings of these databases can be committed.
        let ignored = try String(contentsOf: DevSuite.folder.deletingLastPathComponent().appendingPathComponent(".gitignore"), encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let catalog = set.database.deletingPathExtension().lastPathComponent
        for folder in ["metadata/\(catalog)/", "embeddings/\(catalog)/"] {
            #expect(ignored.contains(folder), ".gitignore não ignora \(folder): o catálogo de \(set.name) vem só de indaga refresh")
        }
    }

    @Test("the gold queries of each set read every table of its database", arguments: DevSuite.sets)
    func coverage(set: SuiteSet) throws {
        let schema = try set.open().introspect(samplesPerColumn: 0)
        let covered = set.questions.reduce(into: Set<String>()) { covered, question in
            let sql = question.goldSQL.lowercased()
            for table in schema.tables where sql.contains(table.name.lowercased()) { covered.insert(table.name) }
        }
        let missing = Set(schema.tables.map(\.name)).subtracting(covered).sorted()
        #expect(missing.isEmpty, "\(set.name): nenhuma pergunta usa \(missing.joined(separator: ", "))")
    }

    @Test("every gold and alternative query runs read-only and answers", arguments: DevSuite.questions)
    func goldRuns(item: SuiteQuestion) throws {
        try DevSet.expectGoldAnswers(item.question, in: try item.set.open())
    }
}
