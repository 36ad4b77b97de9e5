import Database
import Foundation
import SQLCheck
import Testing

@Suite("A condition asked for in every one of several years")
struct AllPeriodsTests {
    @Test("the question says all of the years it names", arguments: [
        ("quais alunos tiraram mais de 8 em matematica nos tres anos, 2022, 2023 e 2024", [2022, 2023, 2024]),
        ("escolas com evasão acima de 10% em todos os anos de 2022 a 2024", [2022, 2023, 2024]),
        ("alunos que ficaram em risco alto em 2023 e 2024, nos dois anos", [2023, 2024]),
        ("turmas com mais de 30 alunos em ambos os anos, 2023 e 2024", [2023, 2024]),
        ("alunos Quartzo todo ano entre 2022 e 2024", [2022, 2023, 2024]),
        ("quem foi Topázio em cada um dos anos 2022, 2023 e 2024", [2022, 2023, 2024]),
    ] as [(String, [Int])])
    func asksForAll(question: String, years: [Int]) {
        #expect(AllPeriods.years(in: question) == years)
    }

    @Test("either year, one number over the years, a count that does not match, or one year: no such reading", arguments: [
        "alunos com nota de matemática acima de 8 em 2022 e 2023",
        "a média de matemática dos três anos, 2022, 2023 e 2024",
        "quantas evasões de cada ano, 2022 a 2024",
        "alunos acima de 8 nos três anos, 2023 e 2024",
        "alunos com nota acima de 8 em todos os anos de 2024",
    ])
    func notAll(question: String) {
        #expect(AllPeriods.years(in: question) == nil)
    }

    @Test("a list kept to any of the years is grouped by what it shows, with every year required")
    func listGrouped() {
        let sql = "SELECT alunos.ra, alunos.nome AS aluno FROM alunos JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = alunos.id WHERE avaliacoes_anuais.ano_letivo IN (2022, 2023, 2024) AND avaliacoes_anuais.nota_matematica > 8 ORDER BY alunos.nome;"
        let fixed = AllPeriods.required(sql, years: [2022, 2023, 2024])
        #expect(fixed?.sql == "SELECT alunos.ra, alunos.nome AS aluno FROM alunos JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = alunos.id WHERE avaliacoes_anuais.ano_letivo IN (2022, 2023, 2024) AND avaliacoes_anuais.nota_matematica > 8 GROUP BY alunos.ra, alunos.nome HAVING count(DISTINCT avaliacoes_anuais.ano_letivo) = 3 ORDER BY alunos.nome")
        // BETWEEN, and DISTINCT in the list.
        let between = AllPeriods.required("SELECT DISTINCT e.nome FROM escolas e JOIN turmas t ON t.escola_id = e.id WHERE t.ano_letivo BETWEEN 2023 AND 2024", years: [2023, 2024])
        #expect(between?.sql == "SELECT DISTINCT e.nome FROM escolas e JOIN turmas t ON t.escola_id = e.id WHERE t.ano_letivo BETWEEN 2023 AND 2024 GROUP BY e.nome HAVING count(DISTINCT t.ano_letivo) = 2")
    }

    @Test("a count, a grouping, other years, a year list inside a subquery or NOT IN: left alone", arguments: [
        "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo IN (2022, 2023, 2024) AND nota_matematica > 8",
        "SELECT a.ra FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2022, 2023, 2024) GROUP BY a.id HAVING count(*) = 3",
        "SELECT a.ra FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2022, 2023)",
        "SELECT a.ra FROM alunos a WHERE a.id IN (SELECT aluno_id FROM avaliacoes_anuais WHERE ano_letivo IN (2022, 2023, 2024))",
        "SELECT a.ra FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo NOT IN (2022, 2023, 2024)",
        "SELECT * FROM avaliacoes_anuais WHERE ano_letivo IN (2022, 2023, 2024)",
    ])
    func leftAlone(sql: String) {
        #expect(AllPeriods.required(sql, years: [2022, 2023, 2024]) == nil)
    }

    @Test("a condition that lets any one year pass is found; a HAVING that asks for all of them is not")
    func acceptsAny() {
        #expect(AllPeriods.acceptsAny("SELECT count(*) FROM avaliacoes_anuais v WHERE v.ano_letivo IN (2022, 2023, 2024) AND v.nota_matematica > 8", years: [2022, 2023, 2024]) == "v.ano_letivo")
        #expect(AllPeriods.acceptsAny("SELECT count(*) FROM (SELECT aluno_id FROM avaliacoes_anuais WHERE ano_letivo IN (2022, 2023, 2024) AND nota_matematica > 8 GROUP BY aluno_id HAVING count(*) = 3)", years: [2022, 2023, 2024]) == nil)
    }
}
