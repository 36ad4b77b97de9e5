import SQLCheck
import Testing

@Suite("The measures of the outer SELECT, and the query without some of them")
struct UnaskedMeasuresTests {
    let twoGrades = "SELECT a.genero, round(avg(v.nota_matematica), 2) AS matematica, round(avg(v.nota_portugues), 2) AS portugues FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2023 GROUP BY a.genero"

    @Test("an aggregate of one column is a measure; a count, a comparison with a text, two columns or a plain column are not")
    func measures() {
        #expect(UnaskedMeasures.measures(in: twoGrades).map(\.index) == [1, 2])
        #expect(UnaskedMeasures.measures(in: twoGrades).map(\.column) == ["v.nota_matematica", "v.nota_portugues"])
        let others = "SELECT e.nome, count(*), avg(m.situacao = 'evadida'), sum(f.presencas) / sum(f.aulas_previstas), max(v.inde) AS inde FROM escolas e"
        #expect(UnaskedMeasures.measures(in: others).map(\.index) == [4])
    }

    @Test("the items go with their commas, the rest stays as written; a name used again or the DISTINCT keeps them")
    func dropped() {
        #expect(UnaskedMeasures.dropped([2], from: twoGrades) == "SELECT a.genero, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2023 GROUP BY a.genero")
        #expect(UnaskedMeasures.dropped([0, 1], from: twoGrades) == "SELECT round(avg(v.nota_portugues), 2) AS portugues FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2023 GROUP BY a.genero")
        #expect(UnaskedMeasures.dropped([2], from: twoGrades + " ORDER BY portugues DESC") == nil)
        #expect(UnaskedMeasures.dropped([0], from: "SELECT DISTINCT a.nome, a.ra FROM alunos a") == nil)
        #expect(UnaskedMeasures.dropped([0, 1, 2], from: twoGrades) == nil)
    }
}
