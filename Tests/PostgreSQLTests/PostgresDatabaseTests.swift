import Database
import Foundation
import PostgreSQL
import TestSupport
import Testing

@Suite("PostgreSQL: connection, values and the catalog", .enabled(if: TestServer.isAvailable, Comment(rawValue: TestServer.skipReason)))
struct PostgresDatabaseTests {
    @Test("values come back typed as SQLite would hold them, with ? placeholders bound in order")
    func values() throws {
        let scratch = try ScratchDatabase()
        let db = try scratch.writer()
        try db.execute("""
            CREATE TABLE t (i integer, b bigint, f double precision, n numeric(6,2), d date, s text, y bytea, ok boolean);
            INSERT INTO t VALUES (42, 9000000000, 0.1, 12.50, '2024-03-01', 'evasão ''escolar'' 🎓', '\\x00ff', true), (NULL, NULL, NULL, NULL, NULL, NULL, NULL, false)
            """)
        let rows = try db.query("SELECT * FROM t WHERE s = ? OR i IS NULL ORDER BY i", [.text("evasão 'escolar' 🎓")])
        #expect(rows.count == 2)
        #expect(rows[0].values == [.integer(42), .integer(9_000_000_000), .real(0.1), .real(12.5), .text("2024-03-01"), .text("evasão 'escolar' 🎓"),
                                   .blob([0, 255]), .integer(1)])
        #expect(rows[1].values == [.null, .null, .null, .null, .null, .null, .null, .integer(0)])
        #expect(rows[0]["s"] == .text("evasão 'escolar' 🎓"))
        // A question mark inside a string is data, not a placeholder.
        #expect(try db.query("SELECT '?' AS q, ? AS p", [.integer(7)]).first?.values == [.text("?"), .text("7")])
    }

    @Test("the catalog reads tables, views, types, keys, row counts and COMMENT ON as descriptions")
    func introspection() throws {
        let scratch = try ScratchDatabase()
        let db = try scratch.writer()
        try db.execute("""
            CREATE TABLE escolas (id integer PRIMARY KEY, nome text NOT NULL);
            CREATE TABLE "Turmas" (id integer, ano integer, escola_id integer REFERENCES escolas(id), "Código" text, PRIMARY KEY (id, ano));
            CREATE VIEW turmas_2024 AS SELECT * FROM "Turmas" WHERE ano = 2024;
            COMMENT ON TABLE escolas IS 'As escolas da rede';
            COMMENT ON COLUMN "Turmas"."Código" IS 'Código da turma, como 5B';
            INSERT INTO escolas VALUES (1, 'Escola Norte'), (2, 'Escola Sul');
            INSERT INTO "Turmas" VALUES (1, 2024, 1, '5B'), (2, 2024, 2, '6A'), (3, 2023, 1, '5B');
            """)
        let schema = try scratch.reader().introspect()
        #expect(schema.tables.map(\.name) == ["escolas", "Turmas", "turmas_2024"])
        #expect(schema.tables.map(\.kind) == [.table, .table, .view])
        let escolas = try #require(schema.table(named: "escolas"))
        #expect(escolas.comment == "As escolas da rede")
        #expect(escolas.rowCount == 2)
        #expect(escolas.primaryKey == ["id"])
        #expect(escolas.columns.map(\.declaredType) == ["integer", "text"])
        #expect(escolas.columns[1].notNull)
        #expect(Set(escolas.columns[1].sampleValues) == ["Escola Norte", "Escola Sul"])
        let turmas = try #require(schema.table(named: "Turmas"))
        #expect(turmas.primaryKey == ["id", "ano"])
        #expect(turmas.foreignKeys == [Schema.ForeignKey(columns: ["escola_id"], referencedTable: "escolas", referencedColumns: ["id"])])
        #expect(turmas.column(named: "Código")?.comment == "Código da turma, como 5B")
        #expect(try scratch.reader().tableNames() == ["escolas", "Turmas", "turmas_2024"])
    }

    @Test("?schema= reads another schema, and one that does not exist is said in pt-BR")
    func namedSchema() throws {
        let scratch = try ScratchDatabase()
        try scratch.writer().execute("CREATE SCHEMA gestao; CREATE TABLE gestao.metas (id integer PRIMARY KEY); CREATE TABLE public.outra (x integer)")
        let db = try PostgresDatabase(url: scratch.url + "?schema=gestao")
        #expect(try db.introspect().tables.map(\.name) == ["metas"])
        #expect(db.location.hasSuffix("?schema=gestao"))
        let missing = #expect(throws: PostgresError.self) { try PostgresDatabase(url: scratch.url + "?schema=nao_existe") }
        #expect(missing?.message.contains("o esquema 'nao_existe' não existe") == true)
    }

    @Test("a password in the address is never in the location or the error")
    func passwordNeverShown() throws {
        let address = PostgresAddress("postgresql://gestor:segredo123@127.0.0.1:1/rede")
        #expect(!address.display.contains("segredo123"))
        let failure = #expect(throws: PostgresError.self) { try PostgresDatabase(address: address) }
        #expect(failure?.message.contains("não foi possível conectar ao PostgreSQL") == true)
        #expect(failure?.message.contains("segredo123") == false)
    }
}
