import Database
import SQLCheck
import Testing

@Suite("Mechanical repairs of generated SQL")
struct SQLRepairTests {
    /// The query after every repair that applies, and whether it then passes the checks.
    func repaired(_ sql: String) throws -> (sql: String, valid: Bool, notes: [String]) {
        let (validator, database) = try ValidationTests.setup.get()
        let result = SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: database, mode: .readOnly))
        return (result.sql, result.failure == nil, result.repairs.map(\.note))
    }

    @Test("a table written by name after it was given an alias uses the alias (strings untouched)")
    func alias() throws {
        let result = try repaired("SELECT 'matriculas.situacao' AS rotulo, avg(matriculas.situacao = 'evadida') FROM matriculas m WHERE m.ano_letivo = 2024")
        #expect(result.sql == "SELECT 'matriculas.situacao' AS rotulo, avg(m.situacao = 'evadida') FROM matriculas m WHERE m.ano_letivo = 2024")
        #expect(result.valid)
        #expect(result.notes == ["matriculas.situacao reescrito como m.situacao (o apelido de matriculas)"])
    }

    @Test("a referenced table the query forgot to join is joined through the foreign key, one or two steps")
    func missingJoin() throws {
        let direct = try repaired("SELECT turmas.codigo, count(*) FROM matriculas WHERE situacao = 'evadida' GROUP BY turmas.codigo")
        #expect(direct.sql == "SELECT turmas.codigo, count(*) FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id WHERE situacao = 'evadida' GROUP BY turmas.codigo")
        #expect(direct.valid)

        let twoSteps = try repaired("SELECT count(*) FROM matriculas m WHERE m.situacao = 'evadida' AND escolas.rede = 'municipal'")
        #expect(twoSteps.sql == "SELECT count(*) FROM matriculas m JOIN turmas ON turmas.id = m.turma_id JOIN escolas ON escolas.id = turmas.escola_id WHERE m.situacao = 'evadida' AND escolas.rede = 'municipal'")
        #expect(twoSteps.valid)
    }

    @Test("no repair that could multiply rows or guess: a child table, an unknown column")
    func leftAlone() throws {
        #expect(try repaired("SELECT count(*) FROM turmas WHERE matriculas.situacao = 'evadida'").notes.isEmpty)
        #expect(try repaired("SELECT r.chance FROM scores_risco r").notes.isEmpty)
    }

    @Test("a snake_case column written in CamelCase is the real one (escola's side of repair.column-spelling)")
    func columnSpelling() throws {
        let result = try repaired("SELECT a.nome FROM alunos a WHERE a.dataNascimento LIKE '2010-%'")
        #expect(result.sql == "SELECT a.nome FROM alunos a WHERE a.data_nascimento LIKE '2010-%'")
        #expect(result.valid && result.notes == ["a.dataNascimento lido como a.data_nascimento (a coluna se escreve assim)"])
    }

    @Test("a glossary term written as a column becomes its expression, with the query's alias")
    func glossaryTerm() throws {
        let aliased = try repaired("SELECT sum(f.faltas) AS faltas FROM frequencia_mensal f WHERE f.mes LIKE '2023-%'")
        #expect(aliased.sql == "SELECT sum((f.aulas_previstas - f.presencas)) AS faltas FROM frequencia_mensal f WHERE f.mes LIKE '2023-%'")
        #expect(aliased.valid)
        #expect(aliased.notes == ["f.faltas trocado pela definição de \"faltas\" no glossário"])

        let bare = try repaired("SELECT sum(faltas) FROM frequencia_mensal WHERE mes LIKE '2023-%'")
        #expect(bare.sql == "SELECT sum((frequencia_mensal.aulas_previstas - frequencia_mensal.presencas)) FROM frequencia_mensal WHERE mes LIKE '2023-%'")
        #expect(bare.valid)

        // The term's table is not in the query: nothing to write it with.
        #expect(try repaired("SELECT sum(faltas) FROM alunos").notes.isEmpty)
    }

    @Test("a column two joined tables have is read from the FROM table; names in strings and after AS stay")
    func ambiguousColumn() throws {
        let result = try repaired("SELECT ano_letivo AS ano_letivo, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE ano_letivo = 2023 AND t.codigo <> 'ano_letivo' GROUP BY ano_letivo")
        #expect(result.sql == "SELECT m.ano_letivo AS ano_letivo, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE m.ano_letivo = 2023 AND t.codigo <> 'ano_letivo' GROUP BY m.ano_letivo")
        #expect(result.valid)
        #expect(result.notes == ["ano_letivo lido como m.ano_letivo (a coluna está em mais de uma tabela)"])
    }

    @Test("a year column a table does not have becomes the year of the date column it has")
    func yearFromDate() throws {
        let bare = try repaired("SELECT sum(presencas) FROM frequencia_mensal WHERE ano_letivo = 2023")
        #expect(bare.sql == "SELECT sum(presencas) FROM frequencia_mensal WHERE mes LIKE '2023-%'")
        #expect(bare.valid)
        #expect(bare.notes == ["ano_letivo = ano trocado pelo ano de frequencia_mensal.mes, que a tabela tem"])

        let aliased = try repaired("SELECT a.nome FROM frequencia_mensal f JOIN alunos a ON a.id = f.aluno_id WHERE f.ano_letivo = '2024' GROUP BY a.id")
        #expect(aliased.sql == "SELECT a.nome FROM frequencia_mensal f JOIN alunos a ON a.id = f.aluno_id WHERE f.mes LIKE '2024-%' GROUP BY a.id")
        #expect(aliased.valid)

        // Two date columns (published, deadline): no guessing which; the year is the class's
        // school year, read through the class.
        let activities = try repaired("SELECT count(*) FROM atividades WHERE ano_letivo = 2023")
        #expect(activities.sql == "SELECT count(*) FROM atividades JOIN turmas ON turmas.id = atividades.turma_id WHERE turmas.ano_letivo = 2023")
        #expect(activities.notes == ["junção com turmas acrescentada pela chave estrangeira; ano_letivo lido de turmas"])
    }

    @Test("a column under the wrong qualifier moves to the one table of the query that has it")
    func requalify() throws {
        let wrongAlias = try repaired("SELECT count(*) FROM entregas en JOIN atividades a ON a.id = en.atividade_id WHERE en.prazo LIKE '2024-%'")
        #expect(wrongAlias.sql == "SELECT count(*) FROM entregas en JOIN atividades a ON a.id = en.atividade_id WHERE a.prazo LIKE '2024-%'")
        #expect(wrongAlias.valid)
        #expect(wrongAlias.notes == ["en.prazo lido como a.prazo (atividades é a tabela da consulta que tem prazo)"])

        let noSuchAlias = try repaired("SELECT turma.turno, count(*) FROM interacoes i JOIN turmas t ON i.turma_id = t.id GROUP BY turma.turno")
        #expect(noSuchAlias.sql == "SELECT t.turno, count(*) FROM interacoes i JOIN turmas t ON i.turma_id = t.id GROUP BY t.turno")
        #expect(noSuchAlias.valid)

        // Two tables of the query have it: no guessing.
        #expect(try repaired("SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE x.ano_letivo = 2023").notes.isEmpty)
    }
}

@Suite("A join on a column the table lacks, through the table that has both keys")
struct BridgeJoinTests {
    @Test("students joined to their class by a turmas.aluno_id that does not exist go through their enrolments")
    func throughEnrolments() throws {
        let (validator, database) = try ValidationTests.setup.get()
        let repairer = SQLRepair(catalog: validator.catalog)
        let connection = try Connection(path: database, mode: .readOnly)
        let written = "SELECT a.ra, a.nome FROM alunos a JOIN turmas t ON a.id = t.aluno_id WHERE t.codigo = '4A' AND t.ano_letivo = 2024"
        let result = repairer.validated(written, by: validator, on: connection)
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT a.ra, a.nome FROM alunos a JOIN matriculas ON matriculas.aluno_id = a.id JOIN turmas t ON t.id = matriculas.turma_id WHERE t.codigo = '4A' AND t.ano_letivo = 2024")
        // The note names the rule that made it, for the ledger and for --without.
        #expect(result.repairs == [RuleNote("repair.bridge-join", "turmas não tem aluno_id: a junção passa por matriculas")])
        // Written the other way round, with AS.
        let reversed = repairer.validated("SELECT count(*) FROM alunos a JOIN turmas AS t ON t.aluno_id = a.id", by: validator, on: connection)
        #expect(reversed.sql == "SELECT count(*) FROM alunos a JOIN matriculas ON matriculas.aluno_id = a.id JOIN turmas AS t ON t.id = matriculas.turma_id")
        // The bridge already read: the class joins the enrolment the query has.
        let bridged = repairer.validated("SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id JOIN turmas t ON a.id = t.aluno_id", by: validator, on: connection)
        #expect(bridged.sql == "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id JOIN turmas t ON t.id = m.turma_id")
    }
}

@Suite("Joins that compare keys of different things")
struct JoinKeysTests {
    func fixed(_ sql: String) throws -> (sql: String, notes: [String])? {
        let (validator, _) = try ValidationTests.setup.get()
        return SQLRepair(catalog: validator.catalog).joinKeysFixed(sql)
    }

    @Test("an enrolment's id compared with a student's becomes the enrolment's student; a code compared with an id, the id")
    func wrongKeys() throws {
        let enrolment = try #require(try fixed("SELECT count(*) FROM matriculas m JOIN avaliacoes_anuais va ON m.id = va.aluno_id WHERE va.nota_matematica < 5"))
        #expect(enrolment.sql == "SELECT count(*) FROM matriculas m JOIN avaliacoes_anuais va ON m.aluno_id = va.aluno_id WHERE va.nota_matematica < 5")
        #expect(enrolment.notes == ["junção m.id = va.aluno_id trocada por m.aluno_id: avaliacoes_anuais.aluno_id aponta para alunos"])
        let code = try #require(try fixed("SELECT avg(T2.inde) FROM alunos AS T1 JOIN avaliacoes_anuais AS T2 ON T1.ra = T2.aluno_id"))
        #expect(code.sql == "SELECT avg(T2.inde) FROM alunos AS T1 JOIN avaliacoes_anuais AS T2 ON T1.id = T2.aluno_id")
        // The other way round, and more than one in a query.
        let both = try #require(try fixed("SELECT 1 FROM cubo_engajamento c JOIN matriculas m ON c.aluno_id = m.id JOIN alunos a ON a.ra = m.aluno_id"))
        #expect(both.sql == "SELECT 1 FROM cubo_engajamento c JOIN matriculas m ON c.aluno_id = m.aluno_id JOIN alunos a ON a.id = m.aluno_id")
        #expect(both.notes.count == 2)
    }

    @Test("right joins, self-joins, years and values compared with keys of other tables are left alone", arguments: [
        "SELECT 1 FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id",
        "SELECT 1 FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo",
        "SELECT 1 FROM avaliacoes_anuais atual JOIN avaliacoes_anuais anterior ON anterior.aluno_id = atual.aluno_id",
        "SELECT 1 FROM frequencia_mensal f JOIN matriculas m ON f.presencas = m.aluno_id",
        "SELECT 'm.id = v.aluno_id' FROM matriculas m",
    ])
    func leftAlone(sql: String) throws {
        #expect(try fixed(sql) == nil)
    }
}

@Suite("A value looked for among a subquery's keys of another thing")
struct InKeysTests {
    func fixed(_ sql: String) throws -> (sql: String, notes: [String])? {
        let (validator, _) = try ValidationTests.setup.get()
        return SQLRepair(catalog: validator.catalog).inKeysFixed(sql)
    }

    @Test("a student's registration code looked for among student ids becomes the student's id")
    func codeAmongIds() throws {
        let code = try #require(try fixed("SELECT count(a.ra) FROM matriculas m JOIN alunos a ON m.aluno_id = a.id WHERE a.ra NOT IN (SELECT aluno_id FROM cubo_engajamento WHERE interacoes_total = 0)"))
        #expect(code.sql == "SELECT count(a.ra) FROM matriculas m JOIN alunos a ON m.aluno_id = a.id WHERE a.id NOT IN (SELECT aluno_id FROM cubo_engajamento WHERE interacoes_total = 0)")
        #expect(code.notes == ["a.ra comparado com cubo_engajamento.aluno_id, que aponta para alunos: trocado por a.id"])
    }

    @Test("keys that match, or a table with no key to the subquery's thing, are left alone", arguments: [
        "SELECT a.nome FROM alunos a WHERE a.id IN (SELECT aluno_id FROM matriculas WHERE situacao = 'evadida')",
        "SELECT m.id FROM matriculas m WHERE m.aluno_id IN (SELECT aluno_id FROM cubo_engajamento)",
        "SELECT t.codigo FROM turmas t WHERE t.codigo IN (SELECT aluno_id FROM entregas)",
    ])
    func leftAlone(sql: String) throws {
        #expect(try fixed(sql) == nil)
    }
}

@Suite("Keys of two things that no column swap mends, joined through the table that has both")
struct JoinKeysBridgedTests {
    func bridged(_ sql: String) throws -> (sql: String, notes: [String])? {
        let (validator, _) = try ValidationTests.setup.get()
        return SQLRepair(catalog: validator.catalog).joinKeysBridged(sql)
    }

    @Test("a class's id compared with a student's goes through the enrolments, alias kept")
    func throughEnrolments() throws {
        let written = "SELECT max(v.nota_ingles) FROM turmas t JOIN avaliacoes_anuais v ON t.id = v.aluno_id WHERE t.ano_letivo = 2024"
        let result = try #require(try bridged(written))
        #expect(result.sql == "SELECT max(v.nota_ingles) FROM turmas t JOIN matriculas ON matriculas.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = matriculas.aluno_id WHERE t.ano_letivo = 2024")
        #expect(result.notes == ["junção t.id = v.aluno_id comparava chaves de turmas e de alunos: passa por matriculas"])
        // The joined table on the left of the equality, and no alias.
        let plain = try #require(try bridged("SELECT count(*) FROM turmas JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = turmas.id"))
        #expect(plain.sql == "SELECT count(*) FROM turmas JOIN matriculas ON matriculas.turma_id = turmas.id JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = matriculas.aluno_id")
    }

    @Test("a bridge the query joins already is used where it is: before, by its other key; after, the two joins trade places")
    func bridgeAlreadyJoined() throws {
        let before = try #require(try bridged("SELECT 1 FROM turmas t JOIN matriculas m ON m.turma_id = t.id JOIN avaliacoes_anuais v ON t.id = v.aluno_id"))
        #expect(before.sql == "SELECT 1 FROM turmas t JOIN matriculas m ON m.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = m.aluno_id")
        // A class's attendance: the class joined by a student's id, the enrolments after it.
        let written = "SELECT 1.0 * sum(frequencia_mensal.presencas) / sum(frequencia_mensal.aulas_previstas) FROM frequencia_mensal "
            + "JOIN turmas ON frequencia_mensal.aluno_id = turmas.id JOIN matriculas ON turmas.id = matriculas.turma_id "
            + "WHERE turmas.codigo = '6A' AND turmas.ano_letivo = 2023 AND matriculas.ano_letivo = 2023 AND frequencia_mensal.mes LIKE '2023-%'"
        let after = try #require(try bridged(written))
        #expect(after.sql == "SELECT 1.0 * sum(frequencia_mensal.presencas) / sum(frequencia_mensal.aulas_previstas) FROM frequencia_mensal "
            + "JOIN matriculas ON matriculas.aluno_id = frequencia_mensal.aluno_id JOIN turmas ON turmas.id = matriculas.turma_id "
            + "WHERE turmas.codigo = '6A' AND turmas.ano_letivo = 2023 AND matriculas.ano_letivo = 2023 AND frequencia_mensal.mes LIKE '2023-%'")
        #expect(after.notes == ["junção frequencia_mensal.aluno_id = turmas.id comparava chaves de alunos e de turmas: passa por matriculas"])
        // The classes' attendance is read, where the wrong join matched students whose id is some class's.
        let (validator, database) = try ValidationTests.setup.get()
        let connection = try Connection(path: database, mode: .readOnly)
        #expect(validator.validate(after.sql, on: connection) == nil)
        let rate = try connection.query(after.sql).first?[0].double ?? 0
        #expect(rate > 0.5 && rate < 1)
    }

    @Test("keys that agree, a swap that mends it, a bridge joined twice or by another key, or more than one condition: left alone", arguments: [
        "SELECT 1 FROM matriculas m JOIN turmas t ON t.id = m.turma_id",
        "SELECT count(*) FROM matriculas m JOIN avaliacoes_anuais va ON m.id = va.aluno_id",
        "SELECT 1 FROM turmas t JOIN matriculas m ON m.ano_letivo = t.ano_letivo JOIN avaliacoes_anuais v ON t.id = v.aluno_id",
        "SELECT 1 FROM turmas t JOIN matriculas m ON m.turma_id = t.id JOIN matriculas m2 ON m2.turma_id = t.id JOIN avaliacoes_anuais v ON t.id = v.aluno_id",
        "SELECT 1 FROM turmas t JOIN avaliacoes_anuais v ON t.id = v.aluno_id AND v.ano_letivo = t.ano_letivo",
        "SELECT 1 FROM alunos a JOIN avaliacoes_anuais v ON a.ra = v.aluno_id",
    ])
    func leftAlone(sql: String) throws {
        #expect(try bridged(sql) == nil)
    }
}

@Suite("A table joined again under its own name")
struct RepeatedJoinTests {
    @Test("the second join of turmas, repeating a relation already written, goes; then the query runs")
    func dropped() throws {
        let written = "SELECT count(*) AS matriculas FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id JOIN escolas ON escolas.id = turmas.escola_id JOIN turmas ON turmas.escola_id = escolas.id WHERE escolas.nome = 'EMEF Monteiro Lobato'"
        let result = try validatedWithRepairs(written)
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT count(*) AS matriculas FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id JOIN escolas ON escolas.id = turmas.escola_id WHERE escolas.nome = 'EMEF Monteiro Lobato'")
        #expect(result.repairs == ["a tabela turmas estava juntada duas vezes: a segunda junção (ON turmas.escola_id = escolas.id) só repetia uma condição e saiu"])
        // Written INNER JOIN: the INNER goes with it.
        let inner = try validatedWithRepairs("SELECT count(*) FROM matriculas INNER JOIN turmas ON turmas.id = matriculas.turma_id INNER JOIN escolas ON escolas.id = turmas.escola_id INNER JOIN turmas ON turmas.escola_id = escolas.id")
        #expect(inner.sql == "SELECT count(*) FROM matriculas INNER JOIN turmas ON turmas.id = matriculas.turma_id INNER JOIN escolas ON escolas.id = turmas.escola_id")
    }

    @Test("a second join that says something new, or one with an alias: not dropped")
    func kept() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let repairer = SQLRepair(catalog: validator.catalog)
        let different = "SELECT count(*) FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id JOIN escolas ON escolas.id = turmas.escola_id JOIN turmas ON turmas.ano_letivo = matriculas.ano_letivo"
        #expect(repairer.repeatedJoin("turmas.id", in: different) == nil)
        let aliased = "SELECT count(*) FROM turmas t JOIN escolas ON escolas.id = t.escola_id JOIN turmas ON turmas.escola_id = escolas.id"
        #expect(repairer.repeatedJoin("turmas.id", in: aliased) == nil)
    }
}

@Suite("A join written as the ON of the wrong table, and a parent's column written bare")
struct MisplacedJoinTests {
    func repaired(_ sql: String) throws -> (sql: String, failure: ValidationFailure?, repairs: [String]) {
        try validatedWithRepairs(sql)
    }

    @Test("turmas joined on escolas, which is never joined: turmas meets matriculas by its key, escolas joins on the condition")
    func misplaced() throws {
        let result = try repaired("SELECT count(*) AS matriculas FROM matriculas JOIN turmas ON turmas.escola_id = escolas.id WHERE escolas.nome = 'EMEF Monteiro Lobato' AND turmas.ano_letivo = 2023")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT count(*) AS matriculas FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id JOIN escolas ON turmas.escola_id = escolas.id WHERE escolas.nome = 'EMEF Monteiro Lobato' AND turmas.ano_letivo = 2023")
        #expect(result.repairs == ["escolas não estava na consulta: turmas liga-se por turmas.id = matriculas.turma_id, e escolas entra com turmas.escola_id = escolas.id"])
        // With aliases for the tables the query has.
        let aliased = try repaired("SELECT count(*) FROM matriculas m JOIN turmas t ON escolas.id = t.escola_id WHERE escolas.rede = 'municipal'")
        #expect(aliased.sql == "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas ON escolas.id = t.escola_id WHERE escolas.rede = 'municipal'")
    }

    @Test("escola_id in a query of matriculas alone: turmas is joined and the name read from it")
    func bare() throws {
        let result = try repaired("SELECT count(*) AS matriculas FROM matriculas WHERE escola_id = (SELECT id FROM escolas WHERE nome = 'EMEF Monteiro Lobato') AND ano_letivo = 2023")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT count(*) AS matriculas FROM matriculas JOIN turmas ON turmas.id = matriculas.turma_id WHERE turmas.escola_id = (SELECT id FROM escolas WHERE nome = 'EMEF Monteiro Lobato') AND matriculas.ano_letivo = 2023")
    }

    @Test("a table no key reaches, or a name several parents have: left to the model")
    func leftAlone() throws {
        // escolas reaches no table with nota_ingles by its keys.
        #expect(try repaired("SELECT avg(nota_ingles) FROM escolas").failure != nil)
        // entregas never meets escolas by a direct key.
        #expect(try repaired("SELECT count(*) FROM alunos JOIN entregas ON entregas.nota = escolas.id").failure != nil)
    }
}

/// `sql` validated against the demo database with every repair that applies.
func validatedWithRepairs(_ sql: String) throws -> (sql: String, failure: ValidationFailure?, repairs: [String]) {
    let (validator, database) = try ValidationTests.setup.get()
    let result = SQLRepair(catalog: validator.catalog).validated(sql, by: validator, on: try Connection(path: database, mode: .readOnly))
    return (result.sql, result.failure, result.repairs.map(\.note))
}

@Suite("A join on a key the joined table does not have, beside a table with the same parent")
struct SharedParentJoinTests {
    @Test("evaluations joined on matriculas.id = v.matricula_id meet the enrolment by student and year")
    func sibling() throws {
        let result = try validatedWithRepairs("SELECT alunos.ra, alunos.nome FROM alunos JOIN matriculas ON alunos.id = matriculas.aluno_id JOIN avaliacoes_anuais ON matriculas.id = avaliacoes_anuais.matricula_id WHERE avaliacoes_anuais.ano_letivo IN (2022, 2023, 2024) AND avaliacoes_anuais.nota_matematica > 8")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT alunos.ra, alunos.nome FROM alunos JOIN matriculas ON alunos.id = matriculas.aluno_id JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo WHERE avaliacoes_anuais.ano_letivo IN (2022, 2023, 2024) AND avaliacoes_anuais.nota_matematica > 8")
        #expect(result.repairs == ["avaliacoes_anuais não tem matricula_id: a junção com matriculas é por avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo"])
    }

    @Test("an ON with more than that equality, or sides with no parent in common, is left to the model")
    func leftAlone() throws {
        let more = try validatedWithRepairs("SELECT count(*) FROM matriculas m JOIN avaliacoes_anuais v ON m.id = v.matricula_id AND v.inde > 5")
        #expect(more.failure != nil && more.repairs.isEmpty)
        let unrelated = try validatedWithRepairs("SELECT count(*) FROM disciplinas d JOIN avaliacoes_anuais v ON d.id = v.disciplina_id")
        #expect(unrelated.failure != nil && unrelated.repairs.isEmpty)
    }
}

@Suite("A join whose ON never names the table it joins")
struct UnlinkedJoinTests {
    let repair: SQLRepair

    init() throws {
        repair = SQLRepair(catalog: try ValidationTests.setup.get().0.catalog)
    }

    @Test("evaluations joined ON two columns of matriculas meet the enrolment by student and year; a parent by its key")
    func linked() throws {
        let written = "SELECT alunos.ra FROM alunos JOIN matriculas ON alunos.id = matriculas.aluno_id JOIN avaliacoes_anuais ON matriculas.id = matriculas.turma_id WHERE avaliacoes_anuais.nota_matematica > 8"
        let fixed = try #require(repair.unlinkedJoinFixed(written))
        #expect(fixed.sql == "SELECT alunos.ra FROM alunos JOIN matriculas ON alunos.id = matriculas.aluno_id JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo WHERE avaliacoes_anuais.nota_matematica > 8")
        #expect(fixed.notes == ["a junção com avaliacoes_anuais não citava avaliacoes_anuais (ON matriculas.id = matriculas.turma_id): agora é por avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo"])
        let parent = try #require(repair.unlinkedJoinFixed("SELECT t.codigo FROM matriculas m JOIN turmas t ON m.aluno_id = m.turma_id"))
        #expect(parent.sql == "SELECT t.codigo FROM matriculas m JOIN turmas t ON t.id = m.turma_id")
    }

    @Test("an ON that names its table, names two others, says more, or a table no key reaches: left alone", arguments: [
        "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id",
        "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id JOIN turmas t ON m.turma_id = a.id",
        "SELECT count(*) FROM matriculas m JOIN turmas t ON m.aluno_id = m.turma_id AND m.ano_letivo = 2024",
        "SELECT count(*) FROM disciplinas d JOIN escolas e ON d.id = d.id",
    ])
    func leftAlone(sql: String) {
        #expect(repair.unlinkedJoinFixed(sql) == nil)
    }
}

@Suite("A join whose ON compares a column with itself")
struct SelfComparisonJoinTests {
    @Test("grades joined to classes on v.aluno_id = v.aluno_id go through the enrolments; to students, by their key")
    func joined() throws {
        let written = "SELECT AVG(v.inde) AS media_tarde FROM avaliacoes_anuais v JOIN turmas t ON v.aluno_id = v.aluno_id AND v.ano_letivo = t.ano_letivo WHERE v.ano_letivo = 2022 AND t.turno = 'tarde'"
        let result = try validatedWithRepairs(written)
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT AVG(v.inde) AS media_tarde FROM avaliacoes_anuais v JOIN matriculas ON matriculas.aluno_id = v.aluno_id JOIN turmas t ON t.id = matriculas.turma_id AND v.ano_letivo = t.ano_letivo WHERE v.ano_letivo = 2022 AND t.turno = 'tarde'")
        #expect(result.repairs == ["a junção com turmas comparava v.aluno_id com ela mesma: agora liga turmas a alunos por v.aluno_id"])
        let students = try validatedWithRepairs("SELECT a.nome FROM avaliacoes_anuais v JOIN alunos a ON v.aluno_id = v.aluno_id WHERE v.inde > 9")
        #expect(students.sql == "SELECT a.nome FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.inde > 9")
    }

    @Test("a column that identifies nothing compared with itself is left to the model")
    func leftToTheModel() throws {
        let result = try validatedWithRepairs("SELECT count(*) FROM avaliacoes_anuais v JOIN turmas t ON v.inde = v.inde")
        #expect(result.failure?.kind == .selfComparison && result.repairs.isEmpty)
    }
}

@Suite("A column read through an alias the query never defines")
struct UndefinedAliasTests {
    @Test("a.pedra with no table a: avaliacoes_anuais joins as a child, by every column of its key the query's table has")
    func child() throws {
        let result = try validatedWithRepairs("SELECT e.nome AS escola, a.pedra, count(*) AS alunos FROM matriculas m JOIN turmas t ON m.turma_id = t.id JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.nome, a.pedra ORDER BY alunos DESC")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT e.nome AS escola, a.pedra, count(*) AS alunos FROM matriculas m JOIN turmas t ON m.turma_id = t.id JOIN escolas e ON e.id = t.escola_id JOIN avaliacoes_anuais a ON a.aluno_id = m.aluno_id AND a.ano_letivo = m.ano_letivo WHERE t.ano_letivo = 2024 GROUP BY e.nome, a.pedra ORDER BY alunos DESC")
        #expect(result.repairs == ["a não era apelido de nenhuma tabela: avaliacoes_anuais a juntada por a.aluno_id = m.aluno_id AND a.ano_letivo = m.ano_letivo"])
        // From the parent's side: alunos reads its own evaluations by its id.
        let parent = try validatedWithRepairs("SELECT avg(v.inde) FROM alunos WHERE alunos.genero = 'F'")
        #expect(parent.sql == "SELECT avg(v.inde) FROM alunos JOIN avaliacoes_anuais v ON v.aluno_id = alunos.id WHERE alunos.genero = 'F'")
    }

    @Test("e.rede with no table e, and escolas reached from turmas: joined by the foreign key")
    func parent() throws {
        let result = try validatedWithRepairs("SELECT count(*) FROM turmas t WHERE e.rede = 'municipal'")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT count(*) FROM turmas t JOIN escolas ON escolas.id = t.escola_id WHERE escolas.rede = 'municipal'")
    }

    @Test("t.fase with no table t, and enrolments joined: turmas joins as their parent, wherever they sit in the query")
    func parentOfAJoinedTable() throws {
        let result = try validatedWithRepairs("SELECT t.fase, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN alunos a ON m.aluno_id = a.id WHERE v.ano_letivo = 2023 AND a.genero = 'F' GROUP BY t.fase ORDER BY t.fase")
        #expect(result.failure == nil)
        #expect(result.sql == "SELECT t.fase, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN alunos a ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2023 AND a.genero = 'F' GROUP BY t.fase ORDER BY t.fase")
        #expect(result.repairs == ["t não era apelido de nenhuma tabela: turmas t juntada por t.id = m.turma_id"])
        // Enrolments and interactions both point to a class: which one is meant is the model's call.
        let two = try validatedWithRepairs("SELECT t.turno, count(*) FROM alunos a JOIN interacoes i ON i.aluno_id = a.id JOIN matriculas m ON m.aluno_id = a.id WHERE m.ano_letivo = 2024 GROUP BY t.turno")
        #expect(two.failure != nil && two.repairs.isEmpty)
    }

    @Test("a column several tables have is read from the one whose name the alias starts; with none or several such, or no owner, left to the model")
    func leftAlone() throws {
        #expect(try validatedWithRepairs("SELECT x.nome FROM turmas t").failure != nil)
        #expect(try validatedWithRepairs("SELECT x.cor FROM turmas t").failure != nil)
        // alunos and atividades both start with a and have id.
        let student = try validatedWithRepairs("SELECT a.id FROM avaliacoes_anuais v")
        #expect(student.failure != nil, "\(student)")
        // nome: alunos, escolas, disciplinas; e can only be escolas, the parent of the class joined.
        let school = try validatedWithRepairs("SELECT e.nome, count(i.id) AS acessos FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN interacoes i ON i.turma_id = t.id WHERE m.ano_letivo = 2024 GROUP BY e.nome")
        #expect(school.failure == nil)
        #expect(school.sql == "SELECT e.nome, count(i.id) AS acessos FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN interacoes i ON i.turma_id = t.id JOIN escolas e ON e.id = t.escola_id WHERE m.ano_letivo = 2024 GROUP BY e.nome")
    }
}

@Suite("A column read through an alias the query never defines, of a table keyed by its id")
struct UndefinedAliasSingleKeyTests {
    @Test("turmas joins escolas by its foreign key alone, never id = id")
    func singleKey() throws {
        let result = try validatedWithRepairs("SELECT e.nome, count(*) FROM escolas e WHERE t.turno = 'tarde' GROUP BY e.nome")
        #expect(result.sql == "SELECT e.nome, count(*) FROM escolas e JOIN turmas t ON t.escola_id = e.id WHERE t.turno = 'tarde' GROUP BY e.nome")
    }
}

@Suite("Tables no condition links")
struct UnlinkedTablesTests {
    @Test("attendance and schools side by side, and a table whose ON names only others: the groups, as the query names them")
    func found() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let schema = validator.catalog.schema
        let crossed = "SELECT e.nome, sum(f.presencas) FROM frequencia_mensal f JOIN alunos a ON a.id = f.aluno_id JOIN escolas e ON e.id = t.escola_id JOIN turmas t ON t.escola_id = e.id WHERE f.mes LIKE '2023-%' GROUP BY e.id"
        #expect(UnlinkedTables.groups(in: crossed, schema: schema)?.map { $0.map(\.name) } == [["f", "a"], ["e", "t"]])
        let unnamed = "SELECT alunos.ra FROM alunos JOIN matriculas ON alunos.id = matriculas.aluno_id JOIN avaliacoes_anuais ON matriculas.id = matriculas.turma_id"
        #expect(UnlinkedTables.groups(in: unnamed, schema: schema)?.last?.map(\.table) == ["avaliacoes_anuais"])
    }

    @Test("every verified example's query links its tables, by ON, WHERE, expressions or a bare column")
    func examplesLinked() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let examples = validator.catalog.metadata.examples
        #expect(!examples.isEmpty)
        for example in examples {
            #expect(UnlinkedTables.groups(in: example.sql, schema: validator.catalog.schema) == nil, "\(example.sql)")
        }
        for sql in [
            "SELECT count(*) FROM matriculas m, turmas t WHERE t.id = m.turma_id",
            "SELECT count(*) FROM matriculas m JOIN cubo_engajamento c ON c.mes = substr(m.data_saida, 1, 7) WHERE c.aluno_id = m.aluno_id",
            "SELECT a.nome FROM alunos a JOIN matriculas m ON aluno_id = a.id",
            "SELECT count(*) FROM matriculas m JOIN (SELECT aluno_id FROM frequencia_mensal) f ON f.aluno_id = m.aluno_id",
        ] {
            #expect(UnlinkedTables.groups(in: sql, schema: validator.catalog.schema) == nil, "\(sql)")
        }
    }
}
