import SQLCheck
import Testing

@Suite("The shape of a query, literals aside")
struct QueryShapeTests {
    let example = "SELECT e.nome, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2024 GROUP BY e.nome ORDER BY evasoes DESC"

    @Test("other years, values, spacing, case, a final LIMIT or semicolon: the same shape")
    func same() {
        let copy = """
            select e.nome, count(*) as evasoes from matriculas m
            join turmas t on t.id = m.turma_id join escolas e on e.id = t.escola_id
            where m.situacao = 'transferida' and m.ano_letivo = 2022 group by e.nome order by evasoes desc limit 5;
            """
        #expect(QueryShape.of(copy) == QueryShape.of(example))
        #expect(QueryShape.of("SELECT nota FROM entregas WHERE nota > 7.5") == QueryShape.of("SELECT nota FROM entregas WHERE nota > 5"))
        #expect(QueryShape.hasLiterals(QueryShape.of(example)) && !QueryShape.hasLiterals(QueryShape.of("SELECT nome FROM disciplinas ORDER BY nome")))
    }

    @Test("another column, table, condition or alias: another shape")
    func different() {
        #expect(QueryShape.of(example.replacingOccurrences(of: "e.nome", with: "e.cidade")) != QueryShape.of(example))
        #expect(QueryShape.of(example.replacingOccurrences(of: "GROUP BY", with: "AND m.aluno_id > 0 GROUP BY")) != QueryShape.of(example))
        #expect(QueryShape.of(example.replacingOccurrences(of: "AS evasoes", with: "AS n")) != QueryShape.of(example))
        // A quoted name is a name, not a value.
        #expect(QueryShape.of(#"SELECT "nome" FROM escolas"#) != QueryShape.of(#"SELECT "cidade" FROM escolas"#))
    }

    @Test("what the outer query groups by, without qualifiers; a subquery's GROUP BY is not the answer's")
    func outerGrouping() {
        let grouped = QueryShape.outerGrouping("SELECT e.nome, t.turno, count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.turno ORDER BY 3 DESC")
        #expect(grouped?.columns == ["nome", "turno"] && grouped?.having == false)
        #expect(QueryShape.outerGrouping("SELECT t.id, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id GROUP BY t.id HAVING count(*) > 3")?.having == true)
        #expect(QueryShape.outerGrouping("SELECT count(*) FROM (SELECT aluno_id FROM frequencia_mensal GROUP BY aluno_id HAVING sum(presencas) < 10)") == nil)
        #expect(QueryShape.outerGrouping("SELECT count(*) FROM alunos") == nil)
        // A function of one column stands for the column; of two, for its first word, as before.
        #expect(QueryShape.outerGrouping("SELECT substr(f.mes, 1, 4), avg(f.presencas) FROM frequencia_mensal f GROUP BY substr(f.mes, 1, 4), strftime('%m', f.mes);")?.columns
            == ["mes", "mes"])
        #expect(QueryShape.outerGrouping("SELECT 1 FROM turmas GROUP BY coalesce(turno, fase)")?.columns == ["coalesce"])
    }
}

@Suite("A threshold held row by row in a grouped query")
struct RowThresholdsTests {
    @Test("the months whose attendance fell below 90%, filtered per row before grouping: found; in HAVING, or on what is only counted: not")
    func rowThreshold() {
        let perRow = "SELECT substr(f.mes, 1, 7) AS mes, 1.0 * sum(f.presencas) / sum(f.aulas_previstas) AS taxa FROM frequencia_mensal f "
            + "WHERE f.mes LIKE '2023-%' AND f.presencas < 0.9 * f.aulas_previstas GROUP BY mes"
        #expect(RowThresholds.first(in: perRow, numbers: [90, 0.9]) == "f.presencas < 0.9 * f.aulas_previstas")
        let grouped = "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%' "
            + "GROUP BY mes HAVING 1.0 * sum(presencas) / sum(aulas_previstas) < 0.9"
        #expect(RowThresholds.first(in: grouped, numbers: [90, 0.9]) == nil)
        // Rows below the line counted per month: the threshold is the row's, and nothing it reads is summed.
        let counted = "SELECT mes, count(*) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas GROUP BY mes"
        #expect(RowThresholds.first(in: counted, numbers: [90, 0.9]) == nil)
        // No grouping, or a number the question does not say: nothing.
        #expect(RowThresholds.first(in: "SELECT sum(presencas) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas", numbers: [0.9]) == nil)
        #expect(RowThresholds.first(in: perRow, numbers: [75, 0.75]) == nil)
        // BETWEEN keeps its AND.
        let between = "SELECT mes, avg(presencas) FROM frequencia_mensal WHERE aulas_previstas BETWEEN 10 AND 20 AND presencas < 9 GROUP BY mes"
        #expect(RowThresholds.first(in: between, numbers: [9]) == "presencas < 9")
    }

    @Test("the same comparison held by the group: each column in the aggregate the query applies to it")
    func groupLevel() {
        let perRow = "SELECT substr(f.mes, 1, 7) AS mes, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) AS taxa FROM frequencia_mensal f "
            + "WHERE f.mes LIKE '2023-%' AND f.presencas < 0.9 * f.aulas_previstas GROUP BY mes"
        #expect(RowThresholds.groupLevel(in: perRow, numbers: [90, 0.9]) == "sum(f.presencas) < 0.9 * sum(f.aulas_previstas)")
        let averaged = "SELECT t.turno, avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id JOIN turmas t ON t.id = m.turma_id WHERE v.inde < 7 GROUP BY t.turno"
        #expect(RowThresholds.groupLevel(in: averaged, numbers: [7]) == "avg(v.inde) < 7")
        // A column the query never aggregates has no group-level form.
        let mixed = "SELECT mes, sum(presencas) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas GROUP BY mes"
        #expect(RowThresholds.first(in: mixed, numbers: [0.9]) != nil && RowThresholds.groupLevel(in: mixed, numbers: [0.9]) == nil)
    }

    @Test("moved to HAVING: out of the WHERE with its AND (or the WHERE itself), before ORDER BY, ANDed to a HAVING there")
    func moved() {
        let perRow = "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%' AND presencas < 0.9 * aulas_previstas GROUP BY mes ORDER BY taxa"
        let fixed = RowThresholds.movedToHaving(in: perRow, numbers: [90, 0.9])
        #expect(fixed?.sql == "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY mes HAVING sum(presencas) < 0.9 * sum(aulas_previstas) ORDER BY taxa")
        #expect(fixed?.note == "limite presencas < 0.9 * aulas_previstas passado do WHERE para o HAVING: a pergunta fala do grupo (HAVING sum(presencas) < 0.9 * sum(aulas_previstas))")
        let alone = RowThresholds.movedToHaving(in: "SELECT mes, sum(presencas) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas AND mes LIKE '2023-%' GROUP BY mes HAVING count(*) > 10", numbers: [0.9])
        #expect(alone == nil)
        let first = RowThresholds.movedToHaving(in: "SELECT mes, avg(presencas) FROM frequencia_mensal WHERE presencas < 9 AND mes LIKE '2023-%' GROUP BY mes HAVING count(*) > 10", numbers: [9])
        #expect(first?.sql == "SELECT mes, avg(presencas) FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY mes HAVING count(*) > 10 AND avg(presencas) < 9")
        let only = RowThresholds.movedToHaving(in: "SELECT mes, avg(presencas) FROM frequencia_mensal WHERE presencas < 9 GROUP BY mes", numbers: [9])
        #expect(only?.sql == "SELECT mes, avg(presencas) FROM frequencia_mensal GROUP BY mes HAVING avg(presencas) < 9")
    }
}
