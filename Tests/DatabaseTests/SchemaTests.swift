import Database
import Foundation
import TestSupport
import Testing

@Suite("Schema introspection and canonical dump")
struct SchemaTests {
    static let ddl = """
        CREATE TABLE escolas (id INTEGER PRIMARY KEY, nome TEXT NOT NULL);
        CREATE TABLE turmas (
            id INTEGER PRIMARY KEY, escola_id INTEGER REFERENCES escolas, codigo VARCHAR(4), media REAL
        );
        CREATE TABLE notas (
            aluno INTEGER, turma_id INTEGER, ano INTEGER, valor NUMERIC,
            PRIMARY KEY (aluno, ano),
            FOREIGN KEY (turma_id, ano) REFERENCES turmas_ano (turma, ano)
        );
        CREATE VIEW resumo AS SELECT e.nome, count(*) AS turmas FROM escolas e JOIN turmas t ON t.escola_id = e.id GROUP BY e.nome;
        INSERT INTO escolas VALUES (1, 'EMEF Sol'), (2, 'EE Lua'), (3, 'EMEF Sol'), (4, ''), (5, 'Colégio Mar');
        INSERT INTO turmas VALUES (1, 1, '5B', 7.5), (2, 2, '3A', 6.0);
        """

    @Test("tables, views, columns, types, keys, counts and samples are found")
    func introspection() throws {
        let folder = try TemporaryFolder()
        let db = try folder.database("s.sqlite", Self.ddl)
        let schema = try db.introspect(samplesPerColumn: 2)

        #expect(schema.tables.map(\.name) == ["escolas", "turmas", "notas", "resumo"])
        #expect(schema.table(named: "resumo")?.kind == .view)
        #expect(schema.table(named: "resumo")?.rowCount == nil)
        #expect(schema.table(named: "resumo")?.columns.map(\.name) == ["nome", "turmas"])

        let escolas = try #require(schema.table(named: "ESCOLAS"))
        #expect(escolas.rowCount == 5)
        #expect(escolas.primaryKey == ["id"])
        #expect(escolas.column(named: "nome")?.notNull == true)
        // Distinct, non-empty, at most the limit.
        #expect(escolas.column(named: "nome")?.sampleValues == ["EMEF Sol", "EE Lua"])
        #expect(escolas.column(named: "id")?.sampleValues == [])

        let turmas = try #require(schema.table(named: "turmas"))
        #expect(turmas.columns.map(\.declaredType) == ["INTEGER", "INTEGER", "VARCHAR(4)", "REAL"])
        #expect(turmas.columns.map(\.affinity) == [.integer, .integer, .text, .real])
        // A key that names no column points at the referenced primary key.
        #expect(turmas.foreignKeys == [Schema.ForeignKey(columns: ["escola_id"], referencedTable: "escolas", referencedColumns: ["id"])])

        let notas = try #require(schema.table(named: "notas"))
        #expect(notas.primaryKey == ["aluno", "ano"])
        #expect(notas.foreignKeys == [Schema.ForeignKey(columns: ["turma_id", "ano"], referencedTable: "turmas_ano", referencedColumns: ["turma", "ano"])])
        #expect(notas.rowCount == 0)
        #expect(schema.foreignKeys.count == 2)
    }

    @Test("introspection works on a read-only connection and encodes as JSON")
    func readOnlyIntrospection() throws {
        let folder = try TemporaryFolder()
        _ = try folder.database("s.sqlite", Self.ddl)
        let reader = try Connection(path: folder.path("s.sqlite"), mode: .readOnly)
        let schema = try reader.introspect()
        let decoded = try JSONDecoder().decode(Schema.self, from: JSONEncoder().encode(schema))
        #expect(decoded == schema)
    }

    @Test("the canonical dump depends on content, not on insertion order")
    func canonicalDump() throws {
        let folder = try TemporaryFolder()
        let forward = try folder.database("a.sqlite", "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2, 0.5), (3, X'00FF'), (4, NULL);")
        let backward = try folder.database("b.sqlite", "CREATE TABLE t (a, b); INSERT INTO t VALUES (4, NULL), (3, X'00FF'), (2, 0.5), (1, 'x');")
        let changed = try folder.database("c.sqlite", "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2, 0.5), (3, X'00FF'), (4, 'NULL');")
        func dump(_ db: Connection) throws -> [String] {
            var lines: [String] = []
            try db.writeCanonicalDump { lines.append($0) }
            return lines
        }
        #expect(try dump(forward) == dump(backward))
        #expect(try dump(forward) != dump(changed))
        #expect(try dump(forward) == ["table t: CREATE TABLE t (a, b)", "1|'x'", "2|0.5", "3|X'00FF'", "4|NULL"])
    }
}
