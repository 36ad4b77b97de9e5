import Evaluation
import Testing

@Suite("arquivo de avaliação")
struct EvalSetTests {
    @Test("lista ou chave questions; alt_sql texto ou lista; outras chaves ignoradas")
    func shapes() throws {
        let list = """
            - id: 1
              question: Quantas escolas?
              gold_sql: SELECT count(*) FROM escolas
              difficulty: Easy
              notas: ignorado
            """
        let parsed = try EvalSet.parse(list, path: "a.yaml")
        #expect(parsed == [EvalQuestion(id: "1", question: "Quantas escolas?", goldSQL: "SELECT count(*) FROM escolas", difficulty: "easy")])

        let mapping = """
            versao: 2
            questions:
              - id: q
                question: Quais escolas, da maior para a menor?
                gold_sql: SELECT nome FROM escolas ORDER BY 1
                order_matters: true
                alt_sql: SELECT nome, id FROM escolas ORDER BY 1
              - id: r
                question: E as cidades?
                gold_sql: SELECT cidade FROM escolas
                alt_sql:
                  - SELECT DISTINCT cidade FROM escolas
                  - SELECT cidade, nome FROM escolas
            """
        let questions = try EvalSet.parse(mapping, path: "b.yaml")
        #expect(questions.map(\.id) == ["q", "r"])
        #expect(questions[0].orderMatters && !questions[1].orderMatters)
        #expect(questions[0].alternativeSQL == ["SELECT nome, id FROM escolas ORDER BY 1"])
        #expect(questions[1].acceptedSQL.count == 3)
        #expect(questions[1].difficulty == EvalQuestion.noDifficulty)
    }

    @Test("erros dizem o arquivo, o item e o que falta")
    func errors() {
        #expect(throws: EvalSetError.malformed(path: "c.yaml", place: "item 2 (linha 4)", problem: "falta o campo gold_sql")) {
            try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1}\n\n\n- {id: 2, question: b}\n", path: "c.yaml")
        }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1}\n- {id: 1, question: b, gold_sql: SELECT 2}\n", path: "d.yaml") }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("- {id: 1, question: a, gold_sql: SELECT 1, order_matters: talvez}\n", path: "e.yaml") }
        #expect(throws: EvalSetError.empty(path: "f.yaml")) { try EvalSet.parse("questions: []\n", path: "f.yaml") }
        #expect(throws: EvalSetError.self) { try EvalSet.parse("questions: [\n", path: "g.yaml") }
        #expect(throws: EvalSetError.missing(path: "/nao/existe.yaml")) { try EvalSet.load(path: "/nao/existe.yaml") }
    }
}
