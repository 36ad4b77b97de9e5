import SQLCheck
import Testing

@Suite("Period conditions for tables the query does not read")
struct StrayConditionsTests {
    let offered = [(table: "atividades", condition: "atividades.prazo LIKE '2024-10%'"),
                   (table: "matriculas", condition: "matriculas.ano_letivo = 2024"),
                   (table: "cubo_engajamento", condition: "cubo_engajamento.mes LIKE '2024-10%'")]

    @Test("written all together, the ones of tables outside FROM and JOIN go, wherever they stand")
    func removed() throws {
        let sql = "SELECT count(*) FROM atividades WHERE matriculas.ano_letivo = 2024 AND tipo = 'projeto' AND atividades.prazo LIKE '2024-10%' AND cubo_engajamento.mes LIKE '2024-10%'"
        let result = try #require(StrayConditions.removed(from: sql, conditions: offered))
        #expect(result.sql == "SELECT count(*) FROM atividades WHERE tipo = 'projeto' AND atividades.prazo LIKE '2024-10%'")
        #expect(result.removed == ["matriculas.ano_letivo = 2024", "cubo_engajamento.mes LIKE '2024-10%'"])
        // Alone after WHERE, before GROUP BY.
        let alone = "SELECT tipo, count(*) FROM atividades WHERE matriculas.ano_letivo = 2024 GROUP BY tipo"
        #expect(StrayConditions.removed(from: alone, conditions: offered)?.sql == "SELECT tipo, count(*) FROM atividades GROUP BY tipo")
    }

    @Test("a table the query reads, even in a subquery, keeps its condition; one under OR is never touched")
    func kept() {
        let joined = "SELECT count(*) FROM atividades a JOIN matriculas ON matriculas.turma_id = a.turma_id WHERE matriculas.ano_letivo = 2024"
        #expect(StrayConditions.removed(from: joined, conditions: offered) == nil)
        let subquery = "SELECT count(*) FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas WHERE matriculas.ano_letivo = 2024)"
        #expect(StrayConditions.removed(from: subquery, conditions: offered) == nil)
        let alternative = "SELECT count(*) FROM atividades WHERE tipo = 'prova' OR matriculas.ano_letivo = 2024"
        #expect(StrayConditions.removed(from: alternative, conditions: offered) == nil)
        // The same words as part of a longer condition are another condition.
        let longer = "SELECT count(*) FROM atividades WHERE tipo = 'prova' AND matriculas.ano_letivo = 20245"
        #expect(StrayConditions.removed(from: longer, conditions: offered) == nil)
    }
}
