import Database
import SQLCheck
import Testing

@Suite("Text literals their column never stores")
struct ValueLiteralsTests {
    /// The demo database's own values, read the plain way: what a column stores, and where a value is.
    struct Stored {
        let connection: Connection
        let schema: Schema

        func values(_ table: String, _ column: String) -> [String]? {
            guard schema.table(named: table)?.column(named: column)?.affinity == .text,
                let rows = try? connection.query("SELECT DISTINCT \(column) FROM \(table) WHERE typeof(\(column)) = 'text'")
            else { return nil }
            return rows.compactMap { $0[0].text }
        }

        func holders(_ value: String) -> [ValueLiterals.Holder] {
            let folded = value.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            return schema.tables.filter { $0.kind == .table }.flatMap { table in
                table.columns.flatMap { column in
                    (values(table.name, column.name) ?? [])
                        .filter { $0.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) == folded }
                        .map { ValueLiterals.Holder(table: table.name, column: column.name, value: $0) }
                }
            }
        }
    }

    func stored() throws -> Stored {
        let (validator, database) = try ValidationTests.setup.get()
        return Stored(connection: try Connection(path: database, mode: .readOnly), schema: validator.catalog.schema)
    }

    func fixed(_ sql: String) throws -> (sql: String, notes: [String])? {
        let stored = try stored()
        return ValueLiterals.fixed(sql, schema: stored.schema, stored: stored.values, holders: stored.holders)
    }

    func mismatches(_ sql: String) throws -> [String] {
        let stored = try stored()
        return ValueLiterals.mismatches(in: sql, schema: stored.schema, stored: stored.values, holders: stored.holders).map { mismatch in
            "\(mismatch.table).\(mismatch.column)='\(mismatch.value)' → " + mismatch.holders.map { "\($0.table).\($0.column)" }.joined(separator: ",")
        }
    }

    @Test("a value typed without its accent or capitals is written as stored, in = and in IN lists")
    func respelled() throws {
        let result = try fixed("SELECT count(*) FROM avaliacoes_anuais v WHERE v.ano_letivo = 2024 AND v.pedra = 'Agata'")
        #expect(result?.sql == "SELECT count(*) FROM avaliacoes_anuais v WHERE v.ano_letivo = 2024 AND v.pedra = 'Ágata'")
        #expect(result?.notes == ["valor escrito como está no banco: 'Agata' → 'Ágata' (avaliacoes_anuais.pedra)"])
        let listed = try fixed("SELECT pedra, count(*) FROM avaliacoes_anuais WHERE pedra IN ('topazio', 'Quartzo') GROUP BY pedra")
        #expect(listed?.sql == "SELECT pedra, count(*) FROM avaliacoes_anuais WHERE pedra IN ('Topázio', 'Quartzo') GROUP BY pedra")
    }

    @Test("a value only another column of the same table stores moves the condition to that column")
    func otherColumn() throws {
        let city = try fixed("SELECT count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE e.cidade = 'EMEF Monteiro Lobato'")
        #expect(city?.sql == "SELECT count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE e.nome = 'EMEF Monteiro Lobato'")
        #expect(city?.notes == ["'EMEF Monteiro Lobato' é valor de escolas.nome, não de cidade: a condição passou para nome"])
        let network = try fixed("SELECT count(*) FROM escolas WHERE nome = 'Municipal'")
        #expect(network?.sql == "SELECT count(*) FROM escolas WHERE rede = 'municipal'")
    }

    @Test("stored values, literals inside strings, numbers and dates are left alone")
    func leftAlone() throws {
        #expect(try fixed("SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2023") == nil)
        #expect(try fixed("SELECT 'pedra = ''Agata''' AS texto FROM escolas") == nil)
        #expect(try fixed("SELECT count(*) FROM matriculas WHERE data_saida = '2023-05-02'") == nil)
        #expect(try mismatches("SELECT count(*) FROM matriculas WHERE situacao <> 'evadida'").isEmpty)
    }

    @Test("a value of a table the query does not read, or of no column, is a mismatch for the model")
    func mismatch() throws {
        // 'F' is a gender, not a phase: the fix needs alunos joined, which the model must write.
        let sql = "SELECT t.fase, avg(v.nota_matematica) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id JOIN turmas t ON t.id = m.turma_id WHERE t.fase = 'F' GROUP BY t.fase"
        #expect(try fixed(sql) == nil)
        #expect(try mismatches(sql) == ["turmas.fase='F' → alunos.genero"])
        #expect(try mismatches("SELECT count(*) FROM matriculas WHERE situacao = 'ativo'") == ["matriculas.situacao='ativo' → "])
        #expect(try mismatches("SELECT count(*) FROM turmas WHERE fase = '5'").isEmpty)
    }
}
