import Database
import SQLCheck
import Testing

@Suite("The same count once per value, joined by UNION, as one grouped query")
struct UnionOfValuesTests {
    /// The rows of `sql` on the demo database, each as text, sorted.
    func rows(_ sql: String) throws -> [String] {
        let (_, database) = try ValidationTests.setup.get()
        let connection = try Connection(path: database, mode: .readOnly)
        return try connection.query(sql).map { row in row.values.map(\.canonicalLiteral).joined(separator: "|") }.sorted()
    }

    @Test("a count per situation becomes one query whose rows say which situation they count")
    func countPerValue() throws {
        let perValue = "SELECT count(*) AS concluidos FROM matriculas WHERE situacao = 'concluida' AND ano_letivo = 2022 UNION SELECT count(*) AS transferidos FROM matriculas WHERE situacao = 'transferida' AND ano_letivo = 2022 UNION SELECT count(*) AS evadidos FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2022;"
        let merged = try #require(UnionOfValues.merged(perValue))
        #expect(merged.column == "situacao")
        #expect(merged.sql == "SELECT situacao, count(*) FROM matriculas WHERE situacao IN ('concluida', 'transferida', 'evadida') AND ano_letivo = 2022 GROUP BY situacao")
        // The same numbers as the UNION, now labelled.
        let counts = try rows(perValue).map { $0 }
        let labelled = try rows(merged.sql)
        #expect(labelled.count == 3)
        #expect(labelled.map { String($0.split(separator: "|")[1]) }.sorted() == counts.sorted())
        #expect(Set(labelled.map { String($0.split(separator: "|")[0]) }) == ["'concluida'", "'transferida'", "'evadida'"])
    }

    @Test("an existing GROUP BY gains the column, and the UNION's ORDER BY stays at the end")
    func alreadyGrouped() throws {
        let perShift = "SELECT e.nome AS escola, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.turno = 'manhã' AND t.ano_letivo = 2024 GROUP BY e.nome UNION ALL SELECT e.nome AS escola, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.turno = 'tarde' AND t.ano_letivo = 2024 GROUP BY e.nome ORDER BY escola"
        let merged = try #require(UnionOfValues.merged(perShift))
        #expect(merged.sql == "SELECT t.turno, e.nome AS escola, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.turno IN ('manhã', 'tarde') AND t.ano_letivo = 2024 GROUP BY e.nome, t.turno ORDER BY escola")
        #expect(try rows(merged.sql).count == rows(perShift).count)
        // A year per part works the same way.
        let perYear = "SELECT count(*) FROM matriculas WHERE ano_letivo = 2023 UNION SELECT count(*) FROM matriculas WHERE ano_letivo = 2024"
        #expect(UnionOfValues.merged(perYear)?.sql == "SELECT ano_letivo, count(*) FROM matriculas WHERE ano_letivo IN (2023, 2024) GROUP BY ano_letivo")
    }

    @Test("lists, different queries, or parts that differ in more than one value stay as written")
    func leftAlone() {
        #expect(UnionOfValues.merged("SELECT nome FROM escolas WHERE rede = 'municipal' UNION SELECT nome FROM escolas WHERE rede = 'estadual'") == nil)
        #expect(UnionOfValues.merged("SELECT count(*) FROM escolas UNION SELECT count(*) FROM disciplinas") == nil)
        #expect(UnionOfValues.merged("SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2023 UNION SELECT count(*) FROM matriculas WHERE situacao = 'concluida' AND ano_letivo = 2024") == nil)
        #expect(UnionOfValues.merged("SELECT count(*) FROM matriculas WHERE situacao = 'evadida'") == nil)
        // The same value twice is not a value per part.
        #expect(UnionOfValues.merged("SELECT count(*) FROM matriculas WHERE situacao = 'evadida' UNION ALL SELECT count(*) FROM matriculas WHERE situacao = 'evadida'") == nil)
    }
}

@Suite("Plain columns beside an aggregate, with no GROUP BY")
struct BareColumnsTests {
    @Test("a name beside a count is grouped by when the question asks per group, and dropped when it asks how many")
    func fixed() throws {
        let sql = "SELECT e.nome AS escola, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' ORDER BY evasoes DESC LIMIT 1"
        let grouped = try #require(BareColumns.fixed(sql, perGroup: true))
        #expect(grouped.sql == "SELECT e.nome AS escola, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' GROUP BY e.nome ORDER BY evasoes DESC LIMIT 1")
        let counted = try #require(BareColumns.fixed(sql, perGroup: false))
        #expect(counted.sql.hasPrefix("SELECT count(*) AS evasoes FROM matriculas m"))
        #expect(counted.note == "e.nome tirado do resultado: sem GROUP BY, era o valor de uma linha qualquer ao lado da conta")
    }

    @Test("grouped, all aggregates, windows, literals or lists: left alone", arguments: [
        "SELECT e.nome, count(*) FROM escolas e GROUP BY e.nome",
        "SELECT count(*), max(nota) FROM entregas",
        "SELECT nome, count(*) OVER () FROM escolas",
        "SELECT 'total' AS rotulo, count(*) FROM escolas",
        "SELECT nome FROM escolas",
        "SELECT count(*) FROM (SELECT aluno_id, count(*) FROM entregas GROUP BY aluno_id)",
    ])
    func leftAlone(sql: String) {
        #expect(BareColumns.fixed(sql, perGroup: true) == nil)
    }
}

@Suite("The same expression twice in the SELECT list, under names that differ")
struct RepeatedColumnsTests {
    @Test("one count per value heard, both the same count: one column stays, named for what the names share")
    func dropped() throws {
        let written = "SELECT t.turno , e.nome AS escola , COUNT ( * ) AS turmas_manha , COUNT ( * ) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.nome , t.turno"
        let result = try #require(RepeatedColumns.dropped(from: written))
        #expect(result.sql == "SELECT t.turno, e.nome AS escola, COUNT(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024 GROUP BY e.nome, t.turno")
        #expect(result.note == "coluna repetida tirada: COUNT(*) aparecia mais de uma vez com nomes diferentes e o mesmo valor")
        // Names that share nothing: the first one stays.
        let unrelated = try #require(RepeatedColumns.dropped(from: "SELECT avg(nota) AS media, avg(nota) AS nota_final FROM entregas"))
        #expect(unrelated.sql == "SELECT avg(nota) AS media FROM entregas")
        // Sorted by both copies: one key, by the kept name; sorted by the dropped copy alone: no ORDER BY left.
        let sorted = try #require(RepeatedColumns.dropped(from: "SELECT e.nome, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.turno ORDER BY turmas_manha DESC, turmas_tarde DESC LIMIT 5"))
        #expect(sorted.sql == "SELECT e.nome, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome, t.turno ORDER BY turmas DESC LIMIT 5")
        let byCopy = try #require(RepeatedColumns.dropped(from: "SELECT e.nome, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome ORDER BY turmas_tarde"))
        #expect(byCopy.sql == "SELECT e.nome, count(*) AS turmas FROM turmas t JOIN escolas e ON e.id = t.escola_id GROUP BY e.nome")
    }

    @Test("different expressions, a name used later, or DISTINCT and CASE items: left alone", arguments: [
        "SELECT count(*) AS alunos, avg(nota) AS media FROM entregas",
        "SELECT e.nome, avg(v.nota_matematica) AS m22, avg(v.nota_matematica) AS m23 FROM avaliacoes_anuais v JOIN escolas e ON 1 ORDER BY m23 - m22 DESC",
        "SELECT DISTINCT a.nome, CASE WHEN a.genero = 'F' THEN 1 ELSE 0 END FROM alunos a",
        "SELECT count(*) FROM (SELECT count(*) AS x, count(*) AS y FROM alunos)",
    ])
    func leftAlone(sql: String) {
        #expect(RepeatedColumns.dropped(from: sql) == nil)
    }
}
