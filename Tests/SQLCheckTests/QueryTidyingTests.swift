import Database
import SQLCheck
import Testing

/// The demo database's schema and a read-only connection, to check each fixed query still runs.
private func demo() throws -> (schema: Schema, connection: Connection, validator: SQLValidator) {
    let (validator, database) = try ValidationTests.setup.get()
    return (validator.catalog.schema, try Connection(path: database, mode: .readOnly), validator)
}

@Suite("A yearly table's column read from a query of what it belongs to")
struct YearlyChildJoinTests {
    func joined(_ sql: String, year: Int = 2023) throws -> (sql: String, note: String)? {
        let (validator, _) = try ValidationTests.setup.get()
        return SQLRepair(catalog: validator.catalog).yearlyChildJoin(sql.contains("matriculas.") ? "matriculas.situacao" : "situacao", in: sql, year: year)
    }

    @Test("matriculas.situacao, or situacao alone, in a query of alunos: matriculas joins by the student, held to the year")
    func joins() throws {
        let qualified = try joined("SELECT count(*) FROM alunos WHERE matriculas.situacao = 'evadida' GROUP BY genero")
        #expect(qualified?.sql == "SELECT count(*) FROM alunos JOIN matriculas ON matriculas.aluno_id = alunos.id WHERE matriculas.situacao = 'evadida' AND matriculas.ano_letivo = 2023 GROUP BY genero")
        #expect(qualified?.note == "matriculas juntada por matriculas.aluno_id = alunos.id, no ano que a pergunta cita (matriculas.ano_letivo = 2023)")
        let bare = try joined("SELECT count(*) FROM alunos a WHERE situacao = 'evadida'", year: 2024)
        #expect(bare?.sql == "SELECT count(*) FROM alunos a JOIN matriculas ON matriculas.aluno_id = a.id WHERE situacao = 'evadida' AND matriculas.ano_letivo = 2024")
        let (_, connection, validator) = try demo()
        #expect(validator.validate(bare?.sql ?? "", on: connection) == nil)
        // One enrolment per student and year: no student counted twice.
        let counted = try connection.query(bare?.sql ?? "")[0][0].integer
        let students = try connection.query("SELECT count(DISTINCT aluno_id) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2024")[0][0].integer
        #expect(counted == students)
    }

    @Test("beside the FROM table rather than below it, already read, or in a UNION: left to the model")
    func leftAlone() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let repair = SQLRepair(catalog: validator.catalog)
        // entregas and avaliacoes_anuais both point at alunos; joining them pairs every delivery with the grades.
        #expect(repair.yearlyChildJoin("nota_ingles", in: "SELECT count(*) FROM entregas WHERE nota_ingles IS NULL", year: 2024) == nil)
        #expect(repair.yearlyChildJoin("matriculas.situacao", in: "SELECT count(*) FROM alunos JOIN matriculas m ON m.aluno_id = alunos.id WHERE matriculas.situacao = 'x'", year: 2024) == nil)
        #expect(repair.yearlyChildJoin("situacao", in: "SELECT nome FROM alunos WHERE situacao = 'evadida' UNION SELECT nome FROM escolas", year: 2024) == nil)
    }
}

@Suite("The year of what happened, written also on the year a student arrived")
struct MisplacedYearTests {
    func removed(_ sql: String, mentioned: Bool = false) throws -> (sql: String, removed: [String])? {
        MisplacedYear.removed(from: sql, year: 2023, schema: try demo().schema) { _, _ in mentioned }
    }

    @Test("ano_ingresso = 2023 beside matriculas.ano_letivo = 2023 goes; the query still runs")
    func goes() throws {
        let result = try removed("SELECT genero, count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.situacao = 'evadida' AND a.ano_ingresso = 2023 AND m.ano_letivo = 2023 GROUP BY genero")
        #expect(result?.sql == "SELECT genero, count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2023 GROUP BY genero")
        #expect(result?.removed == ["a.ano_ingresso = 2023"])
        let (_, connection, validator) = try demo()
        #expect(validator.validate(result?.sql ?? "", on: connection) == nil)
    }

    @Test("kept when the question speaks of it, when it is the only year held, under an OR, or on a yearly table")
    func kept() throws {
        let both = "SELECT count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE a.ano_ingresso = 2023 AND m.ano_letivo = 2023"
        #expect(try removed(both, mentioned: true) == nil)
        #expect(try removed("SELECT count(*) FROM alunos WHERE ano_ingresso = 2023") == nil)
        #expect(try removed("SELECT count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE a.ano_ingresso = 2023 OR m.ano_letivo = 2023") == nil)
        #expect(try removed("SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE m.ano_letivo = 2023 AND t.ano_letivo = 2023") == nil)
    }
}

@Suite("A number per group with nothing saying which group")
struct HiddenGroupsTests {
    @Test("the grouped column is put first in the SELECT list, and the query runs")
    func shown() throws {
        let result = HiddenGroups.shown("SELECT avg(v.inde) AS media FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero ORDER BY media",
                                         schema: try demo().schema)
        #expect(result?.sql == "SELECT a.genero, avg(v.inde) AS media FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero ORDER BY media")
        #expect(result?.note == "a.genero acrescentado ao resultado: a consulta agrupa por a.genero, e sem isso não se sabe de que grupo é cada linha")
        let (_, connection, validator) = try demo()
        #expect(validator.validate(result?.sql ?? "", on: connection) == nil)
    }

    @Test("shown already (by name or alias), a LIMIT, no aggregate, an expression grouped: left alone", arguments: [
        "SELECT t.turno, count(*) FROM turmas t GROUP BY t.turno",
        "SELECT turno AS periodo, count(*) FROM turmas GROUP BY turno",
        "SELECT count(*) AS n FROM turmas GROUP BY turno ORDER BY n DESC LIMIT 1",
        "SELECT codigo FROM turmas GROUP BY turno",
        "SELECT count(*) FROM turmas GROUP BY substr(codigo, 1, 1)",
        "SELECT al.ra, al.nome, count(*) FROM entregas en JOIN alunos al ON al.id = en.aluno_id GROUP BY al.id",
    ])
    func leftAlone(sql: String) throws {
        #expect(HiddenGroups.shown(sql, schema: try demo().schema) == nil)
    }
}

@Suite("A join nothing reads")
struct UnusedJoinsTests {
    func removed(_ sql: String) throws -> (sql: String, note: String)? {
        UnusedJoins.removed(from: sql, schema: try demo().schema)
    }

    @Test("a child table joined and never read goes, and each student counts once")
    func goes() throws {
        let sql = "SELECT count(*) FROM avaliacoes_anuais a INNER JOIN entregas e ON a.aluno_id = e.aluno_id WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL"
        let result = try removed(sql)
        #expect(result?.sql == "SELECT count(*) FROM avaliacoes_anuais a WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL")
        let connection = try demo().connection
        let students = try connection.query("SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND nota_ingles IS NULL")[0][0].integer
        #expect(try connection.query(result?.sql ?? "")[0][0].integer == students)
        #expect(try connection.query(sql)[0][0].integer != students)
    }

    @Test("read in SELECT, WHERE or another join, by a bare column only it has, a parent, DISTINCT, LEFT JOIN: left alone", arguments: [
        "SELECT count(e.id) FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id",
        "SELECT count(*) FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id WHERE status = 'atrasada'",
        "SELECT count(*) FROM alunos al JOIN entregas e ON e.aluno_id = al.id JOIN atividades t ON t.id = e.atividade_id",
        "SELECT count(*) FROM entregas e JOIN alunos al ON al.id = e.aluno_id",
        "SELECT count(DISTINCT a.aluno_id) FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id",
        "SELECT count(*) FROM avaliacoes_anuais a LEFT JOIN entregas e ON a.aluno_id = e.aluno_id",
    ])
    func leftAlone(sql: String) throws {
        #expect(try removed(sql) == nil)
    }
}

@Suite("Values a question's words fix for a column")
struct TermValueTests {

    @Test("one value of a grouped column the question compares becomes all of them; ungrouped or <> stays")
    func widened() throws {
        let schema = try demo().schema
        let values = ["manhã", "tarde"]
        let result = ValueLiterals.widened("SELECT t.turno, count(*) FROM turmas t WHERE t.turno = 'tarde' GROUP BY t.turno", schema: schema,
                                           table: "turmas", column: "turno", values: values)
        #expect(result?.sql == "SELECT t.turno, count(*) FROM turmas t WHERE t.turno IN ('manhã', 'tarde') GROUP BY t.turno")
        #expect(ValueLiterals.widened("SELECT count(*) FROM turmas WHERE turno = 'tarde'", schema: schema, table: "turmas", column: "turno", values: values) == nil)
        #expect(ValueLiterals.widened("SELECT turno, count(*) FROM turmas WHERE turno <> 'tarde' GROUP BY turno", schema: schema,
                                      table: "turmas", column: "turno", values: values) == nil)
    }
}

@Suite("A grouped column renamed by a CASE")
struct GroupRelabelTests {
    @Test("the CASE over the grouped column becomes the column, its name kept, and each row shows its value")
    func undone() throws {
        let sql = "SELECT CASE WHEN situacao = 'concluida' THEN 'concluidos' ELSE 'transferidos' END AS situacao, count(*) AS alunos FROM matriculas WHERE ano_letivo = 2022 GROUP BY situacao"
        let result = GroupRelabel.undone(sql)
        #expect(result?.sql == "SELECT situacao AS situacao, count(*) AS alunos FROM matriculas WHERE ano_letivo = 2022 GROUP BY situacao")
        let connection = try demo().connection
        let labels = try connection.query(sql).compactMap { $0[0].text }
        #expect(labels.count > Set(labels).count)  // two rows read 'transferidos'
        let rows = try connection.query(result?.sql ?? "")
        #expect(Set(rows.compactMap { $0[0].text }) == ["concluida", "evadida", "transferida"])
    }

    @Test("a CASE with no ELSE that only respells the grouped column's values: the column, as stored")
    func respelled() throws {
        let sql = "SELECT CASE WHEN t.turno = 'manhã' THEN 'Manhã' WHEN t.turno = 'tarde' THEN 'Tarde' END AS turno, count(*) AS turmas FROM turmas t WHERE t.ano_letivo = 2024 GROUP BY turno"
        let result = GroupRelabel.undone(sql)
        #expect(result?.sql == "SELECT t.turno AS turno, count(*) AS turmas FROM turmas t WHERE t.ano_letivo = 2024 GROUP BY turno")
        let rows = try demo().connection.query(result?.sql ?? "")
        #expect(Set(rows.compactMap { $0[0].text }) == ["manhã", "tarde"])
        // One value kept as it is, the other respelled: the same.
        let mixed = sql.replacingOccurrences(of: "THEN 'Tarde'", with: "THEN 'tarde'")
        #expect(GroupRelabel.undone(mixed)?.sql == result?.sql)
    }

    @Test("a CASE that buckets another column, one with no ELSE that names other things, or a query not grouped by it: left alone", arguments: [
        "SELECT CASE WHEN nota_matematica >= 5 THEN 'aprovado' ELSE 'reprovado' END AS r, count(*) FROM avaliacoes_anuais GROUP BY r",
        "SELECT CASE WHEN situacao = 'evadida' THEN 'evadidos' END, count(*) FROM matriculas GROUP BY situacao",
        "SELECT CASE WHEN situacao = 'evadida' THEN 'sim' ELSE 'não' END AS e, count(*) FROM matriculas GROUP BY e",
        "SELECT CASE WHEN turno = 'manhã' THEN 'Manhã' WHEN turno = 'tarde' THEN 'vespertino' END AS turno, count(*) FROM turmas GROUP BY turno",
    ])
    func leftAlone(sql: String) {
        #expect(GroupRelabel.undone(sql) == nil)
    }
}

@Suite("An aggregate around another")
struct NestedAggregatesTests {
    @Test("the outer call goes, the query validates, and each month gets its ratio")
    func unwrapped() throws {
        let (_, connection, validator) = try demo()
        let written = "SELECT mes, AVG((1.0 * sum(presencas) / sum(aulas_previstas))) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY mes"
        #expect(validator.validate(written, on: connection)?.message.contains("misuse of aggregate") == true)
        let repaired = SQLRepair(catalog: validator.catalog).validated(written, by: validator, on: connection)
        #expect(repaired.failure == nil)
        #expect(repaired.sql == "SELECT mes, ((1.0 * sum(presencas) / sum(aulas_previstas))) AS taxa FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY mes")
        #expect(repaired.repairs == [RuleNote("repair.nested-aggregate", "avg(…) em volta de outra agregação tirado: o SQLite não aceita uma dentro da outra, e os totais de dentro já são os do grupo")])
        let rows = try connection.query(repaired.sql)
        #expect(rows.count == 10 && rows.allSatisfy { ($0[1].double ?? 0) > 0.5 })
    }

    @Test("a window over an aggregate, or aggregates side by side: left alone", arguments: [
        "SELECT turno, count(*) * 1.0 / sum(count(*)) OVER () FROM turmas GROUP BY turno",
        "SELECT sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal",
    ])
    func leftAlone(sql: String) {
        #expect(NestedAggregates.unwrapped(sql) == nil)
    }
}

@Suite("An integer divided by an integer")
struct IntegerDivisionTests {
    func fixed(_ sql: String) throws -> (sql: String, notes: [String])? {
        IntegerDivision.fixed(sql, schema: try demo().schema)
    }

    @Test("a rate of two integer totals is computed with decimals, in SELECT and in HAVING, and the months below 90% are found")
    func rate() throws {
        let (_, connection, validator) = try demo()
        let written = "SELECT mes, sum(f.presencas) / sum(f.aulas_previstas) AS taxa FROM frequencia_mensal f WHERE mes LIKE '2023-%' "
            + "GROUP BY mes HAVING sum(f.presencas) / sum(f.aulas_previstas) < 0.9"
        // As written, every rate is 0 and every month passes.
        let before = try connection.query(written)
        #expect(before.count == 10 && before.allSatisfy { $0[1].integer == 0 })
        let result = try fixed(written)
        #expect(result?.sql == "SELECT mes, 1.0 * sum(f.presencas) / sum(f.aulas_previstas) AS taxa FROM frequencia_mensal f WHERE mes LIKE '2023-%' "
            + "GROUP BY mes HAVING 1.0 * sum(f.presencas) / sum(f.aulas_previstas) < 0.9")
        #expect(result?.notes.first == "sum(f.presencas) / sum(f.aulas_previstas) calculado com decimais: no SQLite, inteiro dividido por inteiro dá inteiro (0,87 vira 0)")
        #expect(validator.validate(result?.sql ?? "", on: connection) == nil)
        let after = try connection.query(result?.sql ?? "")
        #expect(!after.isEmpty && after.count < 10 && after.allSatisfy { ($0[1].double ?? 0) > 0.5 && ($0[1].double ?? 1) < 0.9 })
    }

    @Test("a percentage: an integer first factor becomes real; counted conditions and CASE with 0 and 1 are integers too")
    func percentage() throws {
        #expect(try fixed("SELECT round(100 * sum(m.situacao = 'evadida') / count(*), 1) FROM matriculas m")?.sql
            == "SELECT round(100.0 * sum(m.situacao = 'evadida') / count(*), 1) FROM matriculas m")
        #expect(try fixed("SELECT sum(CASE WHEN status = 'no_prazo' THEN 1 ELSE 0 END) / count(*) * 100 FROM entregas")?.sql
            == "SELECT 1.0 * sum(CASE WHEN status = 'no_prazo' THEN 1 ELSE 0 END) / count(*) * 100 FROM entregas")
        #expect(try fixed("SELECT count(DISTINCT aluno_id) / nullif(count(*), 0) FROM matriculas")?.sql
            == "SELECT 1.0 * count(DISTINCT aluno_id) / nullif(count(*), 0) FROM matriculas")
    }

    @Test("real factors, real columns, casts, a number divisor and columns of unknown type are left alone", arguments: [
        "SELECT 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal",
        "SELECT sum(presencas) * 1.0 / sum(aulas_previstas) FROM frequencia_mensal",
        "SELECT round(100.0 * sum(presencas) / sum(aulas_previstas), 1) FROM frequencia_mensal",
        "SELECT avg(nota) / count(*) FROM entregas",
        "SELECT sum(nota) / count(*) FROM entregas",
        "SELECT CAST(sum(presencas) AS REAL) / sum(aulas_previstas) FROM frequencia_mensal",
        "SELECT count(*) / 2 FROM matriculas",
        "SELECT sum(acessos) / count(*) FROM cubo_engajamento",
        "SELECT '10/20' FROM matriculas",
    ])
    func leftAlone(sql: String) throws {
        #expect(try fixed(sql) == nil)
    }
}

@Suite("A parenthesis left open")
struct UnclosedParenthesesTests {
    @Test("a call left open before FROM is closed there, and the repaired query runs")
    func closedBeforeFrom() throws {
        let (_, connection, validator) = try demo()
        let written = "SELECT pedra, round(sum(CASE WHEN pedra = 'Topázio' THEN 1 ELSE 0 END) * 100.0 / count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 GROUP BY pedra"
        #expect(validator.validate(written, on: connection)?.kind == .syntax)
        let repaired = SQLRepair(catalog: validator.catalog).validated(written, by: validator, on: connection)
        #expect(repaired.failure == nil)
        #expect(repaired.sql == "SELECT pedra, round(sum(CASE WHEN pedra = 'Topázio' THEN 1 ELSE 0 END) * 100.0 / count(*)) FROM avaliacoes_anuais WHERE ano_letivo = 2023 GROUP BY pedra")
        #expect(repaired.repairs == [RuleNote("repair.unclosed-parenthesis", "parêntese que ficou aberto fechado antes da cláusula seguinte")])
        #expect(try connection.query(repaired.sql).count == 4)
        // A subquery left open at the end closes there; its own clauses are not the outer one's.
        #expect(UnclosedParentheses.closed("SELECT count(*) FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas WHERE ano_letivo = 2023;")?.sql
            == "SELECT count(*) FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas WHERE ano_letivo = 2023);")
        #expect(UnclosedParentheses.closed("SELECT round(avg(nota, 2 FROM entregas")?.sql == "SELECT round(avg(nota, 2)) FROM entregas")
    }

    @Test("balanced, one close too many, or a parenthesis in a string: left alone", arguments: [
        "SELECT round(avg(nota), 2) FROM entregas",
        "SELECT round(avg(nota), 2)) FROM entregas",
        "SELECT count(*) FROM escolas WHERE nome = 'EMEF (anexo'",
    ])
    func leftAlone(sql: String) {
        #expect(UnclosedParentheses.closed(sql) == nil)
    }
}
