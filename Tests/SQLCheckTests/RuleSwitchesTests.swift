import Database
import SQLCheck
import Testing

@Suite("Validations and repairs switched off by id")
struct RuleSwitchesTests {
    @Test("a validation switched off lets the query through; a repair switched off leaves the failure to the model")
    func switches() throws {
        let (validator, database) = try ValidationTests.setup.get()
        let connection = try Connection(path: database, mode: .readOnly)
        let selfJoin = "SELECT count(*) FROM avaliacoes_anuais v JOIN turmas t ON v.aluno_id = v.aluno_id"
        #expect(validator.validate(selfJoin, on: connection)?.rule == "validate.self-comparison")
        let lenient = SQLValidator(catalog: validator.catalog, switches: RuleSwitches(disabled: ["validate.self-comparison"]))
        #expect(lenient.validate(selfJoin, on: connection) == nil)

        let written = "SELECT a.ra, a.nome FROM alunos a JOIN turmas t ON a.id = t.aluno_id WHERE t.codigo = '4A' AND t.ano_letivo = 2024"
        let repaired = SQLRepair(catalog: validator.catalog).validated(written, by: validator, on: connection)
        #expect(repaired.failure == nil && repaired.repairs.map(\.rule) == ["repair.bridge-join"])
        let without = SQLRepair(catalog: validator.catalog, switches: RuleSwitches(disabled: ["repair.bridge-join", "repair.shared-parent-join"]))
            .validated(written, by: validator, on: connection)
        #expect(without.repairs.allSatisfy { $0.rule != "repair.bridge-join" })
        #expect(without.sql != repaired.sql)
    }

}
