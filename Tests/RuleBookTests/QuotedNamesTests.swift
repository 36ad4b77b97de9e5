import Catalog
import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck
import TestSupport
import Testing

/// Two databases whose names SQLite reads only in double quotes: a school's grades kept in a
/// spreadsheet (tables and columns with spaces and accents) and an animal shelter's rescues (plain
/// table names, columns with spaces). What a rule writes of them must run as written.
enum QuotedNamesDatabases {
    enum Name: String, CaseIterable { case planilhaEscolar, abrigo }

    static let statements: [Name: String] = [
        .planilhaEscolar: """
            CREATE TABLE "Alunos Matriculados" (id INTEGER PRIMARY KEY, "Nome do Aluno" TEXT);
            CREATE TABLE "Notas Finais" (id INTEGER PRIMARY KEY, "Aluno ID" INTEGER REFERENCES "Alunos Matriculados" (id),
                "Ano Letivo" INTEGER, "Nota Final" REAL, "Situação Final" TEXT);
            INSERT INTO "Alunos Matriculados" VALUES (1, 'Ana'), (2, 'Bruno');
            INSERT INTO "Notas Finais" VALUES (1, 1, 2023, 6.5, 'aprovado'), (2, 1, 2024, 4.0, 'reprovado'), (3, 2, 2024, 8.0, 'aprovado');
            """,
        .abrigo: """
            CREATE TABLE resgates (id INTEGER PRIMARY KEY, "Espécie Resgatada" TEXT, "Município do Resgate" TEXT, "Data do Resgate" TEXT);
            INSERT INTO resgates VALUES (1, 'cão', 'Recife', '2024-01-10'), (2, 'gato', 'Olinda', '2024-02-03'), (3, 'cão', 'Recife', '2024-03-15');
            """,
    ]

    /// How a person says them: "alunos" for the students' table, "espécie" for the species column.
    static let metadata: [Name: CatalogMetadata] = [
        .planilhaEscolar: CatalogMetadata(tables: [
            TableMetadata(name: "Alunos Matriculados", description: "alunos", synonyms: ["alunos"], columns: []),
        ], glossary: [], examples: []),
        .abrigo: CatalogMetadata(tables: [
            TableMetadata(name: "resgates", description: "resgates", columns: [
                ColumnMetadata(name: "Espécie Resgatada", description: "espécie", synonyms: ["espécie"]),
            ]),
        ], glossary: [], examples: []),
    ]

    static let folder = try! TemporaryFolder()
    static let built: [Name: Result<(path: String, catalog: Catalog, values: ValueIndex), Error>] = Dictionary(
        uniqueKeysWithValues: Name.allCases.map { name in
            (name, Result {
                let path = folder.path("\(name.rawValue).sqlite")
                let connection = try Connection(path: path, mode: .create)
                try connection.execute(statements[name]!)
                let schema = try connection.introspect()
                return (path, Catalog(name: name.rawValue, schema: schema, metadata: metadata[name]!), ValueIndex.build(connection: connection, schema: schema))
            })
        })

    static func input(_ name: Name, _ question: String, _ sql: String, values: [ValueLink] = [], periodFilters: [PeriodFilter] = []) throws -> RuleInput {
        let (_, catalog, index) = try built[name]!.get()
        let context = RetrievedContext(values: values, periods: PeriodFilters.periods(in: question), periodFilters: periodFilters)
        return RuleInput(sql: sql, reading: QuestionReading(question), context: context, catalog: catalog, values: index)
    }

    static func runs(_ name: Name, _ sql: String) throws -> QueryResult {
        try Connection(path: try built[name]!.get().path, mode: .readOnly).runGenerated(sql, timeout: .seconds(5), maxRows: 1_000)
    }
}

/// Issue #28: a rule that writes a name of the catalog writes it as `sqlName` does, so on a
/// database with spaces and accents in its names the query it gives back, and the SQL its advice
/// shows, run as they are (a plain name comes out as before).
@Suite("Names that need quotes, written by the rules")
struct QuotedNamesTests {
    @Test("the value the question cites is filtered on its column, quoted, under the query's own name for the table", arguments: [
        (#"SELECT count(*) FROM "Notas Finais""#, #"SELECT count(*) FROM "Notas Finais" WHERE "Notas Finais"."Situação Final" = 'reprovado'"#),
        (#"SELECT count(*) FROM "Notas Finais" n"#, #"SELECT count(*) FROM "Notas Finais" n WHERE n."Situação Final" = 'reprovado'"#),
    ])
    func namedValue(sql: String, fixed: String) throws {
        let rewrite = try #require(RuleBook.rewrite("fix.named-value-condition"))
        let input = try QuotedNamesDatabases.input(.planilhaEscolar, "Quantas notas de reprovados?", sql,
                                                   values: [ValueLink(table: "Notas Finais", column: "Situação Final", value: "reprovado", spoken: "reprovados")])
        let result = rewrite.apply(to: input)
        #expect(result?.sql == fixed)
        #expect(try QuotedNamesDatabases.runs(.planilhaEscolar, fixed).rows.first?.first == .integer(1))
    }

    @Test("the year the question names is added to a table filtered by none, from its condition as retrieval writes it", arguments: [
        (#"SELECT avg("Nota Final") FROM "Notas Finais""#, #"SELECT avg("Nota Final") FROM "Notas Finais" WHERE "Notas Finais"."Ano Letivo" = 2024"#),
        (#"SELECT avg(n."Nota Final") FROM "Notas Finais" n"#, #"SELECT avg(n."Nota Final") FROM "Notas Finais" n WHERE n."Ano Letivo" = 2024"#),
    ])
    func missingYear(sql: String, fixed: String) throws {
        let rewrite = try #require(RuleBook.rewrite("fix.missing-year"))
        let filter = PeriodFilter(table: "Notas Finais", conditions: [#""Notas Finais"."Ano Letivo" = 2024"#])
        let input = try QuotedNamesDatabases.input(.planilhaEscolar, "Qual a nota final média em 2024?", sql, periodFilters: [filter])
        let result = rewrite.apply(to: input)
        #expect(result?.sql == fixed)
        #expect(result?.notes.first?.hasPrefix("filtro do ano acrescentado: ") == true)
        #expect(try QuotedNamesDatabases.runs(.planilhaEscolar, fixed).rows.first?.first == .real(6))
    }

    @Test("the check that asks for the grouping shows the GROUP BY to write, quoted")
    func askedGroupingHint() throws {
        let check = try #require(RuleBook.check("check.asked-grouping"))
        let sql = "SELECT count(*) FROM resgates"
        let input = try QuotedNamesDatabases.input(.abrigo, "Quantos resgates de cada espécie?", sql)
        let seen = check.observe(CheckInput(input: input, result: try QuotedNamesDatabases.runs(.abrigo, sql)) { _ in nil })
        #expect(seen?.problem == #"a pergunta pede um resultado por especie (resgates."Espécie Resgatada"), mas a consulta não agrupa por ele"#)
        #expect(seen?.hints == [#"use GROUP BY resgates."Espécie Resgatada", uma linha por valor"#])
        #expect(throws: Never.self) { _ = try QuotedNamesDatabases.runs(.abrigo, #"SELECT count(*) FROM resgates GROUP BY resgates."Espécie Resgatada""#) }
    }

    @Test("\"quantos alunos\" counted in rows of grades: the distinct count it runs and advises is of the quoted key")
    func rowsCountedForEntities() throws {
        let check = try #require(RuleBook.check("check.rows-counted-for-entities"))
        let sql = #"SELECT count(*) FROM "Notas Finais""#
        let input = try QuotedNamesDatabases.input(.planilhaEscolar, "Quantos alunos tiveram nota final?", sql)
        let path = try QuotedNamesDatabases.built[.planilhaEscolar]!.get().path
        let connection = try Connection(path: path, mode: .readOnly)
        let seen = check.observe(CheckInput(input: input, result: try QuotedNamesDatabases.runs(.planilhaEscolar, sql)) {
            try? connection.runGenerated($0, timeout: .seconds(5), maxRows: 1)
        })
        // Three grades of two students: the second count runs only if the key is quoted.
        #expect(seen?.problem.contains("count(*) conta 3 linhas") == true && seen?.problem.contains("são 2 diferentes") == true)
        #expect(seen?.hints == [#"use count(DISTINCT "Notas Finais"."Aluno ID")"#])
    }
}
