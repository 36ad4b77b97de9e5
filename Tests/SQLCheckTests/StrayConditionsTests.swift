import Database
import SQLCheck
import Testing

@Suite("Period conditions for tables the query does not read")
struct StrayConditionsTests {
    let offered = [(table: "atividades", condition: "atividades.prazo LIKE '2024-10%'"),
                   (table: "matriculas", condition: "matriculas.ano_letivo = 2024"),
                   (table: "matriculas", condition: "matriculas.data_matricula LIKE '2024-%'"),
                   (table: "cubo_engajamento", condition: "cubo_engajamento.mes LIKE '2024-10%'")]

    @Test("written all together, the ones of tables outside FROM and JOIN go, wherever they stand")
    func removed() throws {
        let sql = "SELECT count(*) FROM atividades WHERE matriculas.ano_letivo = 2024 AND tipo = 'projeto' AND atividades.prazo LIKE '2024-10%' AND cubo_engajamento.mes LIKE '2024-10%'"
        let result = try #require(StrayConditions.removed(from: sql, conditions: offered))
        #expect(result.sql == "SELECT count(*) FROM atividades WHERE tipo = 'projeto' AND atividades.prazo LIKE '2024-10%'")
        #expect(result.removed == ["matriculas.ano_letivo = 2024", "cubo_engajamento.mes LIKE '2024-10%'"])
        // Alone after WHERE, before GROUP BY.
        let alone = "SELECT tipo, count(*) FROM atividades WHERE matriculas.ano_letivo = 2024 GROUP BY tipo"
        #expect(StrayConditions.removed(from: alone, conditions: offered)?.sql == "SELECT tipo, count(*) FROM atividades GROUP BY tipo")
    }

    @Test("a table the query reads, even in a subquery, keeps its condition; one under OR is never touched")
    func kept() {
        let joined = "SELECT count(*) FROM atividades a JOIN matriculas ON matriculas.turma_id = a.turma_id WHERE matriculas.ano_letivo = 2024"
        #expect(StrayConditions.removed(from: joined, conditions: offered) == nil)
        let subquery = "SELECT count(*) FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas WHERE matriculas.ano_letivo = 2024)"
        #expect(StrayConditions.removed(from: subquery, conditions: offered) == nil)
        let alternative = "SELECT count(*) FROM atividades WHERE tipo = 'prova' OR matriculas.ano_letivo = 2024"
        #expect(StrayConditions.removed(from: alternative, conditions: offered) == nil)
        // The same words as part of a longer condition are another condition.
        let longer = "SELECT count(*) FROM atividades WHERE tipo = 'prova' AND matriculas.ano_letivo = 20245"
        #expect(StrayConditions.removed(from: longer, conditions: offered) == nil)
    }
}

@Suite("The named year, forgotten on one yearly table of the query")
struct MissingYearConditionsTests {
    let offered = [(table: "avaliacoes_anuais", condition: "avaliacoes_anuais.ano_letivo = 2024"),
                   (table: "turmas", condition: "turmas.ano_letivo = 2024"),
                   (table: "matriculas", condition: "matriculas.ano_letivo = 2024"),
                   (table: "matriculas", condition: "matriculas.data_matricula LIKE '2024-%'"),
                   (table: "atividades", condition: "atividades.prazo LIKE '2024-%'"),
                   (table: "frequencia_mensal", condition: "frequencia_mensal.mes LIKE '2024-%'"),
                   (table: "entregas", condition: "entregas.entregue_em LIKE '2024-%'")]
    var schema: Schema { (try? ValidationTests.setup.get().0.catalog.schema) ?? Schema(tables: []) }

    @Test("a yearly table joined by the student only gets the year, by its alias, in the outer WHERE")
    func added() throws {
        let sql = "SELECT e.rede, avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.rede"
        let result = try #require(MissingYearConditions.added(to: sql, offered: offered, year: 2024, schema: schema))
        #expect(result.sql == "SELECT e.rede, avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 AND v.ano_letivo = 2024 AND m.ano_letivo = 2024 GROUP BY e.rede")
        #expect(result.added == ["v.ano_letivo = 2024", "m.ano_letivo = 2024"])
        // An OR keeps its meaning; with no WHERE, one is made before GROUP BY.
        let alternative = "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE t.ano_letivo = 2024 AND t.turno = 'manhã' OR t.turno = 'tarde'"
        #expect(MissingYearConditions.added(to: alternative, offered: offered, year: 2024, schema: schema)?.sql
            == "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE (t.ano_letivo = 2024 AND t.turno = 'manhã' OR t.turno = 'tarde') AND m.ano_letivo = 2024")
        let joined = "SELECT t.turno, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id AND t.ano_letivo = 2024 GROUP BY t.turno;"
        #expect(MissingYearConditions.added(to: joined, offered: offered, year: 2024, schema: schema)?.sql
            == "SELECT t.turno, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id AND t.ano_letivo = 2024 WHERE m.ano_letivo = 2024 GROUP BY t.turno")
        // No year written at all: the one the question names was forgotten everywhere.
        let undated = "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B'"
        let dated = try #require(MissingYearConditions.added(to: undated, offered: offered, year: 2024, schema: schema))
        #expect(dated.sql == "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B' AND t.ano_letivo = 2024 AND m.ano_letivo = 2024")
    }

    @Test("months of attendance shown or grouped, with the enrolment held to the year: the months get the year too")
    func months() throws {
        let sql = "SELECT substr(f.mes, 6, 2) AS mes, 1.0 * sum(f.presencas) / sum(f.aulas_previstas) FROM frequencia_mensal f "
            + "JOIN matriculas m ON m.aluno_id = f.aluno_id WHERE m.ano_letivo = 2024 GROUP BY substr(f.mes, 6, 2) ORDER BY f.mes"
        let result = try #require(MissingYearConditions.added(to: sql, offered: offered, year: 2024, schema: schema))
        #expect(result.added == ["f.mes LIKE '2024-%'"])
        #expect(result.sql.contains("WHERE m.ano_letivo = 2024 AND f.mes LIKE '2024-%' GROUP BY"))
        // Every month of the answer is one of 2024, where the enrolment's student had months of other years too.
        let (validator, database) = try ValidationTests.setup.get()
        let connection = try Connection(path: database, mode: .readOnly)
        #expect(validator.validate(result.sql, on: connection) == nil)
        func firstMonths(_ query: String) throws -> [String] {
            try connection.query(query.replacingOccurrences(of: "substr(f.mes, 6, 2) AS mes", with: "min(f.mes)")).compactMap { $0[0].text }
        }
        #expect(try firstMonths(sql).contains { !$0.hasPrefix("2024-") })
        let fixedMonths = try firstMonths(result.sql)
        #expect(!fixedMonths.isEmpty && fixedMonths.allSatisfy { $0.hasPrefix("2024-") })
        // A date not every row has is left out: activities never handed in have no delivery date,
        // so they are dated by their deadline.
        let undelivered = "SELECT count(*) FROM entregas en JOIN atividades a ON a.id = en.atividade_id JOIN turmas t ON t.id = a.turma_id "
            + "WHERE en.status = 'nao_entregue' AND t.ano_letivo = 2024"
        #expect(MissingYearConditions.added(to: undelivered, offered: offered, year: 2024, schema: schema)?.added == ["a.prazo LIKE '2024-%'"])
    }

    @Test("a year the model placed, another year, a self-join, a subquery, a LEFT JOIN or a table dated otherwise: left alone", arguments: [
        "SELECT avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo WHERE v.ano_letivo = 2024",
        "SELECT count(*) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id WHERE m.ano_letivo = 2024 AND v.ano_letivo = 2023",
        "SELECT count(*) FROM avaliacoes_anuais atual JOIN avaliacoes_anuais anterior ON anterior.aluno_id = atual.aluno_id WHERE atual.ano_letivo = 2024",
        "SELECT count(*) FROM alunos WHERE id IN (SELECT aluno_id FROM matriculas WHERE situacao = 'evadida') AND ano_ingresso = 2024",
        "SELECT count(*) FROM turmas t LEFT JOIN matriculas m ON m.turma_id = t.id WHERE t.ano_letivo = 2024",
        "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B' AND m.data_saida LIKE '2023-%' AND t.ano_letivo = 2023",
        "SELECT count(*) FROM atividades a WHERE a.prazo LIKE '2024-%'",
        // Dated by another of its period columns: enrolments made in December.
        "SELECT count(*) FROM matriculas WHERE data_matricula LIKE '2024-12%'",
    ])
    func leftAlone(sql: String) {
        #expect(MissingYearConditions.added(to: sql, offered: offered, year: 2024, schema: schema) == nil)
    }
}

@Suite("A value the question names, on a column the query never mentions")
struct NamedValueConditionsTests {
    @Test("accesses counted as every interaction get the kind the question names, by the query's alias")
    func added() throws {
        let sql = "SELECT e.nome, count(i.id) AS acessos FROM interacoes i JOIN turmas t ON t.id = i.turma_id JOIN escolas e ON e.id = t.escola_id WHERE i.ocorrido_em LIKE '2024-10%' GROUP BY e.nome"
        let result = try #require(NamedValueConditions.added(to: sql, values: [(table: "interacoes", column: "tipo", value: "acesso")]))
        #expect(result.sql == "SELECT e.nome, count(i.id) AS acessos FROM interacoes i JOIN turmas t ON t.id = i.turma_id JOIN escolas e ON e.id = t.escola_id WHERE i.ocorrido_em LIKE '2024-10%' AND i.tipo = 'acesso' GROUP BY e.nome")
        #expect(result.added == ["i.tipo = 'acesso'"])
        // No WHERE yet: one is made; a quote in the value is doubled.
        #expect(NamedValueConditions.added(to: "SELECT count(*) FROM escolas", values: [(table: "escolas", column: "nome", value: "EMEF D'Ávila")])?.sql
            == "SELECT count(*) FROM escolas WHERE escolas.nome = 'EMEF D''Ávila'")
    }

    @Test("a column the query mentions, two values of one column, a table not read, a UNION or a LEFT JOIN: left alone", arguments: [
        "SELECT count(*) FROM interacoes WHERE tipo LIKE 'acess%'",
        "SELECT tipo, count(*) FROM interacoes GROUP BY tipo",
        "SELECT count(*) FROM escolas",
        "SELECT count(*) FROM interacoes WHERE ocorrido_em LIKE '2024%' UNION SELECT count(*) FROM interacoes",
        "SELECT count(i.id) FROM turmas t LEFT JOIN interacoes i ON i.turma_id = t.id",
    ])
    func leftAlone(sql: String) {
        let values = [(table: "interacoes", column: "tipo", value: "acesso")]
        #expect(NamedValueConditions.added(to: sql, values: values) == nil)
        // Two values of one column named: a grouping the question asks for.
        #expect(NamedValueConditions.added(to: "SELECT count(*) FROM interacoes", values: values + [(table: "interacoes", column: "tipo", value: "comentario")]) == nil)
    }
}
