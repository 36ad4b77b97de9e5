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

    @Test("the same SELECT once per value joined by UNION is one query; different SELECTs are not")
    func unionOfOneQuery() {
        let perGender = "SELECT genero, count(*) FROM alunos WHERE ano_ingresso = 2023 AND genero = 'M' GROUP BY genero UNION SELECT genero, count(*) FROM alunos WHERE ano_ingresso = 2023 AND genero = 'F' GROUP BY genero"
        #expect(QueryShape.unionOfOneQuery(perGender) == 2)
        let perStatus = "SELECT count(*) AS concluidos FROM matriculas WHERE situacao = 'concluida' UNION ALL SELECT count(*) AS evadidos FROM matriculas WHERE situacao = 'evadida' UNION ALL SELECT count(*) AS transferidos FROM matriculas WHERE situacao = 'transferida'"
        #expect(QueryShape.unionOfOneQuery(perStatus) == 3)
        #expect(QueryShape.unionOfOneQuery("SELECT nome FROM escolas UNION SELECT nome FROM disciplinas") == nil)
        #expect(QueryShape.unionOfOneQuery("SELECT nome FROM escolas WHERE id IN (SELECT 1 UNION SELECT 2)") == nil)
        #expect(QueryShape.unionOfOneQuery("SELECT nome FROM escolas") == nil)
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
