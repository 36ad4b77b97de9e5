import Database
import SQLCheck
import Testing

@Suite("A grouping the question never asks for, taken out")
struct UnaskedGroupingTests {
    @Test("grouped by phase only: GROUP BY, the phase column and its ORDER BY go; the averages answer for everything")
    func removed() throws {
        let sql = "SELECT t.fase AS fase, round(avg(v.nota_matematica), 2) AS matematica, round(avg(v.nota_portugues), 2) AS portugues FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2024 GROUP BY t.fase ORDER BY t.fase"
        let result = UnaskedGrouping.removed(sql, unasked: ["fase"])
        #expect(result?.sql == "SELECT round(avg(v.nota_matematica), 2) AS matematica, round(avg(v.nota_portugues), 2) AS portugues FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2024")
        #expect(result?.note == "agrupamento por t.fase tirado: a pergunta não pede um resultado por t.fase")
        let (_, database) = try ValidationTests.setup.get()
        #expect(try Connection(path: database, mode: .readOnly).query(result?.sql ?? "").count == 1)
        // An ORDER BY by the aggregate stays; one by the grouped column's name goes.
        let ordered = UnaskedGrouping.removed("SELECT fase, count(*) AS n FROM turmas GROUP BY fase ORDER BY n DESC, fase", unasked: ["fase"])
        #expect(ordered?.sql == "SELECT count(*) AS n FROM turmas ORDER BY n DESC")
        // Grouped by the year and month of a month column: both go, with their SELECT items and ORDER BY.
        let monthly = UnaskedGrouping.removed("SELECT substr(mes, 1, 4) AS ano, substr(mes, 6, 2) AS mes, 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa "
            + "FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY substr(mes, 1, 4), substr(mes, 6, 2) ORDER BY mes", unasked: ["mes"])
        #expect(monthly?.sql == "SELECT 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%'")
        #expect(try Connection(path: database, mode: .readOnly).query(monthly?.sql ?? "").count == 1)
        // An aggregate of the column is no grouping by it.
        #expect(UnaskedGrouping.removed("SELECT max(mes), count(*) FROM frequencia_mensal GROUP BY max(mes)", unasked: ["mes"]) == nil)
    }

    @Test("grouped by gender, asked, and by phase, not: only the phase goes, from GROUP BY, SELECT and ORDER BY")
    func partlyRemoved() throws {
        let sql = "SELECT a.genero, t.fase , round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN alunos a ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2023 GROUP BY t.fase , a.genero ORDER BY t.fase , a.genero"
        let result = UnaskedGrouping.removed(sql, unasked: ["fase"])
        #expect(result?.sql == "SELECT a.genero, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN alunos a ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2023 GROUP BY a.genero ORDER BY a.genero")
        #expect(result?.note == "agrupamento por t.fase tirado: a pergunta não pede um resultado por t.fase")
        let (_, database) = try ValidationTests.setup.get()
        #expect(try Connection(path: database, mode: .readOnly).query(result?.sql ?? "").count == 2)
        let named = UnaskedGrouping.removed("SELECT e.nome, t.fase, count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.fase", unasked: ["fase"])
        #expect(named?.sql == "SELECT e.nome, count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome")
    }

    @Test("no unasked grouping column, HAVING, a UNION or no aggregate: left alone", arguments: [
        "SELECT e.nome, count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome",
        "SELECT fase, count(*) FROM turmas GROUP BY fase HAVING count(*) > 3",
        "SELECT fase, count(*) FROM turmas GROUP BY fase UNION SELECT 0, 0",
        "SELECT fase FROM turmas GROUP BY fase",
    ])
    func leftAlone(sql: String) {
        #expect(UnaskedGrouping.removed(sql, unasked: ["fase"]) == nil)
    }
}
