import Database
import SQLCheck
import Testing

@Suite("Mechanical repairs of generated SQL")
struct SQLRepairTests {
    /// The query after every repair that applies, and whether it then passes the checks.
    func repaired(_ sql: String) throws -> (sql: String, valid: Bool, notes: [String]) {
        let (validator, database) = try ValidationTests.setup.get()
        let result = SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: database, mode: .readOnly))
        return (result.sql, result.failure == nil, result.repairs)
    }

    @Test("a table written by name after it was given an alias uses the alias (strings untouched)")
    func alias() throws {
        let result = try repaired("SELECT 'matriculas.situacao' AS rotulo, avg(matriculas.situacao = 'evadida') FROM matriculas m WHERE m.ano_letivo = 2024")
        #expect(result.sql == "SELECT 'matriculas.situacao' AS rotulo, avg(m.situacao = 'evadida') FROM matriculas m WHERE m.ano_letivo = 2024")
        #expect(result.valid)
        #expect(result.notes == ["matriculas.situacao reescrito como m.situacao (o apelido de matriculas)"])
    }

    @Test("a referenced table the query forgot to join is joined through the foreign key, one or two steps")
    func missingJoin() throws {
        let direct = try repaired("SELECT turmas.codigo, count(*) FROM matriculas WHERE situacao = 'evadida' GROUP BY turmas.codigo")
        #expect(direct.sql == "SELECT turmas.codigo, count(*) FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id WHERE situacao = 'evadida' GROUP BY turmas.codigo")
        #expect(direct.valid)

        let twoSteps = try repaired("SELECT count(*) FROM matriculas m WHERE m.situacao = 'evadida' AND escolas.rede = 'municipal'")
        #expect(twoSteps.sql == "SELECT count(*) FROM matriculas m JOIN turmas ON turmas.id = m.turma_id JOIN escolas ON escolas.id = turmas.escola_id WHERE m.situacao = 'evadida' AND escolas.rede = 'municipal'")
        #expect(twoSteps.valid)
    }

    @Test("no repair that could multiply rows or guess: a child table, an unknown column")
    func leftAlone() throws {
        #expect(try repaired("SELECT count(*) FROM turmas WHERE matriculas.situacao = 'evadida'").notes.isEmpty)
        #expect(try repaired("SELECT r.probability FROM scores_risco r").notes.isEmpty)
    }
}
