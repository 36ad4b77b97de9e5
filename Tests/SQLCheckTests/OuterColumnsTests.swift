import Database
import SQLCheck
import Testing

@Suite("A subquery that reads its column from the outer query")
struct OuterColumnTests {
    func validate(_ sql: String) throws -> ValidationFailure? {
        try ValidationTests().validate(sql)
    }

    @Test("SELECT ra FROM cubo_engajamento inside NOT IN is refused, with the key that reaches alunos")
    func outerColumn() throws {
        let failure = try #require(try validate("SELECT count(a.ra) FROM matriculas m JOIN alunos a ON m.aluno_id = a.id WHERE m.situacao = 'evadida' AND a.ra NOT IN (SELECT ra FROM cubo_engajamento WHERE mes LIKE '2023-%' AND interacoes_total = 0)"))
        #expect(failure.kind == .outerColumn && failure.column == "ra")
        #expect(failure.message == "a subconsulta (SELECT ra FROM cubo_engajamento …) devolve ra, que não é coluna de cubo_engajamento: o SQLite o lê da consulta de fora, e cada linha é comparada com ela mesma")
        #expect(failure.hints.first == "use aluno_id, que aponta para alunos.id: alunos.id IN (SELECT aluno_id FROM cubo_engajamento …)")
        // Qualified by the outer query's alias: the same.
        let qualified = try #require(try validate("SELECT a.nome FROM alunos a WHERE a.id IN (SELECT a.id FROM matriculas WHERE situacao = 'evadida')"))
        #expect(qualified.kind == .outerColumn && qualified.column == "a.id")
    }

    @Test("a subquery's own columns, correlated conditions and scalar subqueries pass", arguments: [
        "SELECT a.nome FROM alunos a WHERE a.id IN (SELECT aluno_id FROM matriculas WHERE situacao = 'evadida')",
        "SELECT a.nome FROM alunos a WHERE a.id IN (SELECT m.aluno_id FROM matriculas m WHERE m.situacao = 'evadida')",
        "SELECT a.nome FROM alunos a WHERE EXISTS (SELECT 1 FROM matriculas WHERE aluno_id = a.id)",
        "SELECT a.nome, (SELECT max(inde) FROM avaliacoes_anuais WHERE aluno_id = a.id) AS inde FROM alunos a",
        "SELECT a.nome FROM alunos a WHERE a.id IN (SELECT x.aluno_id FROM matriculas AS x WHERE x.ano_letivo = 2024)",
    ])
    func fine(sql: String) throws {
        #expect(try validate(sql) == nil)
    }
}
