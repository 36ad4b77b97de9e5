import Database
import SQLCheck
import Testing

@Suite("Plain columns beside an aggregate, with no GROUP BY")
struct BareColumnsTests {
    @Test("a name beside a count is grouped by when the question asks per group, and dropped when it asks how many")
    func fixed() throws {
        let sql = "SELECT e.nome AS escola, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' ORDER BY evasoes DESC LIMIT 1"
        let grouped = try #require(BareColumns.fixed(sql, perGroup: true))
        #expect(grouped.sql == "SELECT e.nome AS escola, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' GROUP BY e.nome ORDER BY evasoes DESC LIMIT 1")
        let counted = try #require(BareColumns.fixed(sql, perGroup: false))
        #expect(counted.sql.hasPrefix("SELECT count(*) AS evasoes FROM matriculas m"))
        #expect(counted.note == "e.nome tirado do resultado: sem GROUP BY, era o valor de uma linha qualquer ao lado da conta")
    }

    @Test("grouped, all aggregates, windows, literals or lists: left alone", arguments: [
        "SELECT e.nome, count(*) FROM escolas e GROUP BY e.nome",
        "SELECT count(*), max(nota) FROM entregas",
        "SELECT nome, count(*) OVER () FROM escolas",
        "SELECT 'total' AS rotulo, count(*) FROM escolas",
        "SELECT nome FROM escolas",
        "SELECT count(*) FROM (SELECT aluno_id, count(*) FROM entregas GROUP BY aluno_id)",
    ])
    func leftAlone(sql: String) {
        #expect(BareColumns.fixed(sql, perGroup: true) == nil)
    }
}

@Suite("The same expression twice in the SELECT list, under names that differ")
struct RepeatedColumnsTests {
    @Test("one count per value heard, both the same count: one column stays, named for what the names share")
    func dropped() throws {
        let written = "SELECT t.turno , e.nome AS escola , COUNT ( * ) AS turmas_manha , COUNT ( * ) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.nome , t.turno"
        let result = try #require(RepeatedColumns.dropped(from: written))
        #expect(result.sql == "SELECT t.turno, e.nome AS escola, COUNT(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.nome, t.turno")
        #expect(result.note == "coluna repetida tirada: COUNT(*) aparecia mais de uma vez com nomes diferentes e o mesmo valor")
        // Names that share nothing: the first one stays.
        let unrelated = try #require(RepeatedColumns.dropped(from: "SELECT avg(nota) AS media, avg(nota) AS nota_final FROM entregas"))
        #expect(unrelated.sql == "SELECT avg(nota) AS media FROM entregas")
        // Sorted by both copies: one key, by the kept name; sorted by the dropped copy alone: no ORDER BY left.
        let sorted = try #require(RepeatedColumns.dropped(from: "SELECT e.nome, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.turno ORDER BY turmas_manha DESC, turmas_tarde DESC LIMIT 5"))
        #expect(sorted.sql == "SELECT e.nome, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.turno ORDER BY turmas DESC LIMIT 5")
        let byCopy = try #require(RepeatedColumns.dropped(from: "SELECT e.nome, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome ORDER BY turmas_tarde"))
        #expect(byCopy.sql == "SELECT e.nome, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome")
    }

    @Test("different expressions, a name used later, or DISTINCT and CASE items: left alone", arguments: [
        "SELECT count(*) AS alunos, avg(nota) AS media FROM entregas",
        "SELECT e.nome, avg(v.nota_matematica) AS m22, avg(v.nota_matematica) AS m23 FROM avaliacoes_anuais v JOIN escolas e ON 1 ORDER BY m23 - m22 DESC",
        "SELECT DISTINCT a.nome, CASE WHEN a.genero = 'F' THEN 1 ELSE 0 END FROM alunos a",
        "SELECT count(*) FROM (SELECT count(*) AS x, count(*) AS y FROM alunos)",
    ])
    func leftAlone(sql: String) {
        #expect(RepeatedColumns.dropped(from: sql) == nil)
    }
}
