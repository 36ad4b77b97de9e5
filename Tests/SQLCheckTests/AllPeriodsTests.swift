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

    @Test("a condition that lets any one year pass is found; a HAVING that asks for all of them is not")
    func acceptsAny() {
        #expect(AllPeriods.acceptsAny("SELECT count(*) FROM avaliacoes_anuais v WHERE v.ano_letivo IN (2022, 2023, 2024) AND v.nota_matematica > 8", years: [2022, 2023, 2024]) == "v.ano_letivo")
        #expect(AllPeriods.acceptsAny("SELECT count(*) FROM (SELECT aluno_id FROM avaliacoes_anuais WHERE ano_letivo IN (2022, 2023, 2024) AND nota_matematica > 8 GROUP BY aluno_id HAVING count(*) = 3)", years: [2022, 2023, 2024]) == nil)
    }
}
