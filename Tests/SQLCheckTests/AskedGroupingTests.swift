import SQLCheck
import Testing

@Suite("A row per group asked for, answered with one aggregate for all")
struct AskedGroupingTests {
    @Test("the asked column is shown first and grouped by, before any ORDER BY")
    func added() {
        let fixed = AskedGrouping.added("SELECT min(m.data_saida) AS primeira FROM matriculas m WHERE m.situacao = 'evadida' ORDER BY primeira", column: "m.ano_letivo")
        #expect(fixed?.sql == "SELECT m.ano_letivo, min(m.data_saida) AS primeira FROM matriculas m WHERE m.situacao = 'evadida' GROUP BY m.ano_letivo ORDER BY primeira")
        #expect(fixed?.note == "agrupada por m.ano_letivo, mostrado primeiro")
        let counted = AskedGrouping.added("SELECT count(*), avg(inde) FROM avaliacoes_anuais", column: "avaliacoes_anuais.pedra")
        #expect(counted?.sql == "SELECT avaliacoes_anuais.pedra, count(*), avg(inde) FROM avaliacoes_anuais GROUP BY avaliacoes_anuais.pedra")
    }

    @Test("plain columns, a grouping or a HAVING already, a LIMIT, DISTINCT, a window, a UNION, a mean per unit by hand, or the column already written: left alone", arguments: [
        "SELECT data_saida FROM matriculas WHERE situacao = 'evadida'",
        "SELECT ano_letivo, min(data_saida) FROM matriculas",
        "SELECT min(data_saida) FROM matriculas GROUP BY ano_letivo",
        "SELECT count(*) FROM matriculas HAVING count(*) > 3",
        "SELECT max(inde) FROM avaliacoes_anuais ORDER BY 1 LIMIT 1",
        "SELECT DISTINCT count(*) FROM matriculas",
        "SELECT count(*) OVER () FROM matriculas",
        "SELECT count(*) FROM matriculas UNION SELECT count(*) FROM turmas",
        "SELECT count(*) * 1.0 / count(DISTINCT turma_id) FROM matriculas",
        "SELECT min(data_saida) FROM matriculas WHERE matriculas.ano_letivo = 2024",
        "SELECT avg(CASE WHEN ano_letivo = 2024 THEN 1 ELSE 0 END) FROM matriculas",
    ])
    func leftAlone(sql: String) {
        #expect(AskedGrouping.added(sql, column: "matriculas.ano_letivo") == nil)
    }
}
