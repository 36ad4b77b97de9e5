import Database
import Foundation
import Testing

/// The signal the risk and engagement models must find: what a student does in
/// year T−1 says whether they leave or fall behind in year T.
@Suite("Planted structure")
struct PlantedStructureTests {
    /// Dropout rate in year T by quartile of a year-T−1 measure (1 = lowest).
    func dropoutByQuartile(_ measure: String, from: String, joins: String = "") throws -> [Double] {
        let rows = try DemoFixture.open().query("""
            WITH f AS (
                SELECT m.situacao = 'evadida' AS left_school, \(measure) AS x
                FROM matriculas m \(joins)
                JOIN \(from)
                WHERE m.ano_letivo IN (2023, 2024) AND x IS NOT NULL
            )
            SELECT q, avg(left_school) FROM (SELECT left_school, ntile(4) OVER (ORDER BY x) AS q FROM f) GROUP BY q ORDER BY q
            """)
        return rows.map { $0[1].double ?? .nan }
    }

    @Test("students with low engagement (IEG) in T−1 leave far more often in T")
    func engagementPredictsDropout() throws {
        let rates = try dropoutByQuartile("p.ieg", from: "avaliacoes_anuais p ON p.aluno_id = m.aluno_id AND p.ano_letivo = m.ano_letivo - 1")
        #expect(rates.count == 4)
        #expect(rates[0] > 3 * rates[3], "dropout by IEG quartile: \(rates)")
        #expect(rates[0] > 0.10)
    }

    @Test("students whose INDE fell from T−2 to T−1 leave more often in T")
    func indeDropPredictsDropout() throws {
        let rates = try dropoutByQuartile(
            "p.inde - pp.inde",
            from: "avaliacoes_anuais p ON p.aluno_id = m.aluno_id AND p.ano_letivo = m.ano_letivo - 1",
            joins: "JOIN avaliacoes_anuais pp ON pp.aluno_id = m.aluno_id AND pp.ano_letivo = m.ano_letivo - 2"
        )
        #expect(rates[0] > 1.5 * rates[3], "dropout by INDE change quartile: \(rates)")
    }

    @Test("missed deadlines and absences in T−1 go with leaving in T")
    func deadlinesAndAttendancePredictDropout() throws {
        let missed = try dropoutByQuartile(
            "-p.missed",
            from: """
                (SELECT e.aluno_id, t.ano_letivo, avg(e.status <> 'no_prazo') AS missed FROM entregas e
                 JOIN atividades a ON a.id = e.atividade_id JOIN turmas t ON t.id = a.turma_id GROUP BY 1, 2) p
                ON p.aluno_id = m.aluno_id AND p.ano_letivo = m.ano_letivo - 1
                """
        )
        #expect(missed[0] > 2.5 * missed[3], "dropout by quartile of missed deadlines (worst first): \(missed)")
        let attendance = try dropoutByQuartile(
            "p.rate",
            from: """
                (SELECT aluno_id, CAST(substr(mes, 1, 4) AS INTEGER) AS ano, 1.0 * sum(presencas) / sum(aulas_previstas) AS rate
                 FROM frequencia_mensal GROUP BY 1, 2) p
                ON p.aluno_id = m.aluno_id AND p.ano = m.ano_letivo - 1
                """
        )
        #expect(attendance[0] > 2.5 * attendance[3], "dropout by attendance quartile: \(attendance)")
    }

    @Test("engagement falls in the months before a student leaves")
    func engagementFallsBeforeLeaving() throws {
        let db = try DemoFixture.open()
        let leavers = try db.double("""
            SELECT avg(c.interacoes_total) FROM cubo_engajamento c JOIN matriculas m ON m.aluno_id = c.aluno_id
            WHERE m.situacao = 'evadida' AND c.mes = substr(m.data_saida, 1, 7)
            """)
        let stayers = try db.double("""
            SELECT avg(c.interacoes_total) FROM cubo_engajamento c JOIN matriculas m ON m.aluno_id = c.aluno_id
             AND substr(c.mes, 1, 4) = CAST(m.ano_letivo AS TEXT)
            WHERE m.situacao IN ('concluida', 'ativa') AND c.mes NOT LIKE '%-12' AND c.mes NOT LIKE '%-02'
            """)
        #expect(leavers < 0.6 * stayers, "interactions per month: leavers' last month \(leavers), stayers \(stayers)")
    }

    @Test("students with low grades in T−1 fall behind (defasagem worsens) in T")
    func gradesPredictFallingBehind() throws {
        let rows = try DemoFixture.open().query("""
            WITH f AS (
                SELECT p.ida AS x, n.defasagem < p.defasagem AS behind
                FROM avaliacoes_anuais p JOIN avaliacoes_anuais n ON n.aluno_id = p.aluno_id AND n.ano_letivo = p.ano_letivo + 1
            )
            SELECT q, avg(behind) FROM (SELECT behind, ntile(4) OVER (ORDER BY x) AS q FROM f) GROUP BY q ORDER BY q
            """)
        let rates = rows.map { $0[1].double ?? .nan }
        #expect(rates[0] > 3 * rates[3], "falling behind by IDA quartile: \(rates)")
        #expect(rates[0] > 0.05)
    }
}
