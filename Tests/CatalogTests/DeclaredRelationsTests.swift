import Catalog
import Testing

@Suite("Joins of several columns declared in relacoes")
struct DeclaredRelationsTests {
    @Test("two tables on several columns, either way round, names quoted or not, description after ': '")
    func parsed() throws {
        let escola = try #require(DeclaredRelation("scores_risco.aluno_id = matriculas.aluno_id AND matriculas.ano_letivo = scores_risco.ano_letivo: a matrícula do ano"))
        #expect(escola.first == "scores_risco" && escola.second == "matriculas")
        #expect(escola.pairs.map(\.first) == ["aluno_id", "ano_letivo"] && escola.pairs.map(\.second) == ["aluno_id", "ano_letivo"])

        let planilha = try #require(DeclaredRelation(#""Notas 2024"."Nº Turma" = Turmas.codigo AND "Notas 2024".ano = Turmas.ano"#))
        #expect(planilha.first == "Notas 2024" && planilha.pairs.map(\.first) == ["Nº Turma", "ano"])
    }

    @Test("not a join of several columns: one equality, words, three tables, a table with itself", arguments: [
        "matriculas.aluno_id = alunos.id: o aluno",
        "para a turma de um ano, junte matriculas com o mesmo aluno_id e ano_letivo",
        "a.x = b.x AND a.y = c.y",
        "a.x = a.y AND a.z = a.w",
    ])
    func ignored(line: String) {
        #expect(DeclaredRelation(line) == nil)
    }

    @Test("the catalog's declared relations come from every table's relacoes")
    func fromMetadata() {
        let metadata = CatalogMetadata(tables: [
            TableMetadata(name: "Salaries", description: "", columns: [], relations: ["Salaries.playerID = People.playerID",
                                                                                  "Salaries.playerID = Batting.playerID AND Salaries.yearID = Batting.yearID"]),
        ], glossary: [], examples: [])
        #expect(metadata.declaredRelations.map(\.second) == ["Batting"])
    }
}
