import SQLCheck
import Testing

@Suite("A LIMIT the question never asked for")
struct UnaskedLimitTests {
    let top10 = "SELECT a.ra, a.nome, count(*) AS acessos FROM interacoes i JOIN alunos a ON a.id = i.aluno_id GROUP BY a.id HAVING count(*) > 200 ORDER BY acessos DESC LIMIT 10"

    @Test("a comparison is not a superlative: the copied LIMIT goes, the order stays")
    func comparison() {
        #expect(UnaskedLimit.removed(from: top10, question: "alunos com mais de 200 acessos na plataforma em 2024")
            == "SELECT a.ra, a.nome, count(*) AS acessos FROM interacoes i JOIN alunos a ON a.id = i.aluno_id GROUP BY a.id HAVING count(*) > 200 ORDER BY acessos DESC")
        #expect(UnaskedLimit.removed(from: top10 + ";", question: "quais alunos deixaram 4 ou mais tarefas pendentes?") != nil)
    }

    @Test("a number, a superlative or a ranking keeps it", arguments: [
        "top 10 alunos por acessos", "os dez alunos que mais acessaram", "quais alunos mais acessaram a plataforma?",
        "qual o aluno com maior número de acessos?", "ranking de acessos", "os primeiros alunos a acessar",
    ])
    func asked(question: String) {
        #expect(UnaskedLimit.removed(from: top10, question: question) == nil)
    }

    @Test("a LIMIT inside a subquery, or none at all, is left alone")
    func leftAlone() {
        #expect(UnaskedLimit.removed(from: "SELECT nome FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas LIMIT 5)", question: "alunos matriculados") == nil)
        #expect(UnaskedLimit.removed(from: "SELECT nome FROM alunos", question: "alunos") == nil)
    }
}
