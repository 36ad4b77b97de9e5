import Catalog
import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck
import TestSupport
import Testing

/// Each example database of the book, built once: a real SQLite file, its schema as a catalog
/// with the synonyms a person gave some columns, and the index of the values it stores.
enum ExampleDatabases {
    static let folder = try! TemporaryFolder()
    static let built: [ExampleDatabase: Result<(path: String, catalog: Catalog, values: ValueIndex), Error>] = Dictionary(
        uniqueKeysWithValues: ExampleDatabase.allCases.map { database in
            (database, Result {
                let path = folder.path("\(database.rawValue).sqlite")
                let connection = try Connection(path: path, mode: .create)
                try connection.execute(database.statements)
                let schema = try connection.introspect()
                let catalog = Catalog(name: database.rawValue, schema: schema, metadata: database.metadata)
                return (path, catalog, ValueIndex.build(connection: connection, schema: schema))
            })
        })

    static func input(for example: RuleExample) throws -> RuleInput {
        let (_, catalog, values) = try built[example.database]!.get()
        // One filter per table, in the order the example lists them, as retrieval gives them.
        var tables: [String] = []
        for filter in example.context.periodFilters where !tables.contains(filter.table) { tables.append(filter.table) }
        let filters = tables.map { table in
            PeriodFilter(table: table, conditions: example.context.periodFilters.filter { $0.table == table }.map(\.condition))
        }
        let shown = example.context.tables.compactMap { catalog.schema.table(named: $0) }.map { table in
            RetrievedContext.Table(name: table.name, score: 1, reasons: ["exemplo"], columns: table.columns.map(\.name))
        }
        let context = RetrievedContext(
            tables: shown,
            terms: example.context.terms.map { RetrievedContext.Term(term: $0.term, sql: $0.sql, reason: "exemplo", spoken: $0.spoken) },
            values: example.context.values.map { ValueLink(table: $0.table, column: $0.column, value: $0.value, spoken: $0.spoken) },
            periods: PeriodFilters.periods(in: example.question), periodFilters: filters)
        return RuleInput(sql: example.sql, reading: QuestionReading(example.question), context: context, catalog: catalog, values: values)
    }
}

/// The book's one generic test, as SwiftLint's `verifyRule`: every rewrite is shown acting and
/// not acting, on more than one database, and does on each example what the example says.
@Suite("Rewrites of the rule book, on their own examples")
struct RewriteExamplesTests {
    @Test("every rewrite has an example it fixes, one it leaves alone, and examples from two databases or more",
          arguments: (RuleBook.rewrites + RuleBook.late).map(\.id))
    func described(id: String) throws {
        let rewrite = try #require(RuleBook.rewrite(id))
        #expect(rewrite.examples.contains { $0.fixed != nil }, "\(id): nenhum exemplo que ela conserta")
        #expect(rewrite.examples.contains { $0.fixed == nil }, "\(id): nenhum exemplo que ela deixa como está")
        #expect(Set(rewrite.examples.map(\.database)).count >= 2, "\(id): exemplos de um banco só")
    }

    @Test("each example is rewritten as it says, and the rewritten query runs on its database", arguments: (RuleBook.rewrites + RuleBook.late).map(\.id))
    func examples(id: String) throws {
        let rewrite = try #require(RuleBook.rewrite(id))
        for example in rewrite.examples {
            let input = try ExampleDatabases.input(for: example)
            let result = rewrite.apply(to: input)
            if let fixed = example.fixed {
                #expect(result?.sql == fixed, "\(id) em \(example.database.rawValue): \(example.sql)")
                #expect(result.map { !$0.notes.isEmpty } == true, "\(id): conserto sem nota")
                let path = try ExampleDatabases.built[example.database]!.get().path
                #expect(throws: Never.self, "\(id): a consulta consertada não roda") { _ = try Connection(path: path, mode: .readOnly).query(fixed) }
            } else {
                #expect(result == nil || result?.sql == example.sql, "\(id) agiu em \(example.database.rawValue): \(result?.sql ?? "")")
            }
        }
    }

    @Test("a rewrite whose need the catalog lacks does not run: no column is spoken of in a catalog no person wrote")
    func needs() throws {
        let rewrite = try #require(RuleBook.rewrite("fix.misplaced-year"))
        let example = RuleExample(.beisebol, "Quantos home runs em 2015?",
                                  "SELECT sum(b.HR) FROM Batting b JOIN People p ON p.playerID = b.playerID WHERE b.yearID = 2015 AND p.birthYear = 2015")
        let input = try ExampleDatabases.input(for: example)
        #expect(rewrite.apply(to: input) != nil)
        // The same database with only the starter entries of the catalog: no synonyms a person gave.
        let starter = Catalog(name: input.catalog.name, schema: input.schema, metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        let unspoken = RuleInput(sql: input.sql, reading: input.reading, context: input.context, catalog: starter, values: input.values)
        #expect(!unspoken.provides(.spokenNames))
        #expect(rewrite.apply(to: unspoken) == nil)
    }
}

/// The same generic test for the checks: each is shown on an answer it questions and on one it
/// lets through, on two databases or more; every query is run on its database for its answer.
@Suite("Checks of the rule book, on their own examples")
struct CheckExamplesTests {
    @Test("every check has an example it questions, one it lets through, and examples from two databases or more",
          arguments: RuleBook.checks.map(\.id))
    func described(id: String) throws {
        let examples = try #require(RuleBook.checkExamples[id], "\(id): sem exemplos")
        #expect(examples.contains { $0.sees != nil }, "\(id): nenhum exemplo que ela questiona")
        #expect(examples.contains { $0.sees == nil }, "\(id): nenhum exemplo que ela deixa passar")
        #expect(Set(examples.map(\.database)).count >= 2, "\(id): exemplos de um banco só")
    }

    @Test("each example's answer is questioned as it says, or let through", arguments: RuleBook.checks.map(\.id))
    func examples(id: String) throws {
        let check = try #require(RuleBook.check(id))
        for example in RuleBook.checkExamples[id] ?? [] {
            let input = try ExampleDatabases.input(for: example)
            let connection = try Connection(path: try ExampleDatabases.built[example.database]!.get().path, mode: .readOnly)
            let result = try connection.runGenerated(example.sql, timeout: .seconds(5), maxRows: 1_000)
            let seen = check.observe(CheckInput(input: input, result: result) { try? connection.runGenerated($0, timeout: .seconds(5), maxRows: 1) })
            // What the model hears: the problem, then what to do about it.
            let said = seen.map { ([$0.problem] + $0.hints).joined(separator: "; ") }
            if let sees = example.sees {
                #expect(said?.contains(sees) == true, "\(id) em \(example.database.rawValue): \(example.sql) → \(said ?? "nada")")
                #expect(seen.map { !$0.problem.isEmpty && !$0.hints.contains("") } == true)
            } else {
                #expect(seen == nil, "\(id) questionou em \(example.database.rawValue): \(example.sql) → \(said ?? "")")
            }
        }
    }
}
