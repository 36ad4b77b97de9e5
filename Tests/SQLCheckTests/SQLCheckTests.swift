import Catalog
import Database
import DemoDatabase
import Foundation
import SQLCheck
import TestSupport
import Testing

@Suite("Extracting SQL from what the model says")
struct ExtractionTests {
    @Test("the first complete query, whatever surrounds it", arguments: [
        ("```sql\nSELECT count(*) FROM alunos;\n```", "SELECT count(*) FROM alunos"),
        ("Claro! Aqui está a consulta:\n\n```sqlite\nSELECT nome\nFROM alunos\nWHERE genero = 'F';\n```\nEla lista as alunas.", "SELECT nome\nFROM alunos\nWHERE genero = 'F'"),
        ("A consulta é SELECT nome FROM alunos WHERE ra = '20220042'; ela devolve o nome.", "SELECT nome FROM alunos WHERE ra = '20220042'"),
        ("<think>Preciso contar as evasões; SELECT não serve aqui?</think>\nSELECT count(*) FROM matriculas WHERE situacao = 'evadida'", "SELECT count(*) FROM matriculas WHERE situacao = 'evadida'"),
        ("```sql\nSELECT 1;\n```\nou então\n```sql\nSELECT 2;\n```", "SELECT 1"),
        ("SELECT nome FROM alunos WHERE nome = 'Ana; Maria';", "SELECT nome FROM alunos WHERE nome = 'Ana; Maria'"),
        ("WITH t AS (SELECT 1 AS x) SELECT x FROM t;", "WITH t AS (SELECT 1 AS x) SELECT x FROM t"),
        ("SELECT a.nome\n\nFROM alunos a\n\nEssa consulta mostra os nomes.", "SELECT a.nome\n\nFROM alunos a"),
        ("```\nselect count(*) from turmas -- conta; turmas\n```", "select count(*) from turmas -- conta; turmas"),
        ("DROP TABLE alunos;", "DROP TABLE alunos"),
        ("Pronto:\n```sql\nDELETE FROM matriculas WHERE 1 = 1;\n```", "DELETE FROM matriculas WHERE 1 = 1"),
        ("<think>pensando sem parar", nil),
        ("Não sei responder a essa pergunta com os dados disponíveis.", nil),
        ("", nil),
    ] as [(String, String?)])
    func extraction(answer: String, expected: String?) {
        let result = SQLExtractor.extract(from: answer)
        if let expected {
            #expect(result == .sql(expected))
        } else if case .sql(let sql) = result {
            Issue.record("expected no SQL, got \(sql)")
        }
    }

    @Test("statements are counted outside quotes and comments")
    func counting() {
        #expect(SQLScanner.statementCount("SELECT 1;") == 1)
        #expect(SQLScanner.statementCount("SELECT ';'; SELECT 2") == 2)
        #expect(SQLScanner.statementCount("SELECT 1 -- ; comentário\n") == 1)
    }
}

@Suite("Validating generated SQL against the bundled database")
struct ValidationTests {
    static let folder = try! TemporaryFolder()
    static let setup: Result<(SQLValidator, String), Error> = Result {
        let database = try DemoDatabase.write(to: folder.path("escola.sqlite")).path
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let job = RefreshJob(database: database, catalogName: "escola",
                             metadataFolder: repository.appendingPathComponent("metadata/escola"),
                             embeddingsFolder: folder.url.appendingPathComponent("embeddings"))
        return (SQLValidator(catalog: try job.catalog().0), database)
    }

    func validate(_ sql: String) throws -> ValidationFailure? {
        let (validator, database) = try Self.setup.get()
        return validator.validate(sql, on: try Connection(path: database, mode: .readOnly))
    }

    @Test("valid queries pass: aliases, CTEs, subquery aliases, t.*, joined columns", arguments: [
        "SELECT a.nome, t.codigo FROM alunos a JOIN matriculas m ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id",
        "WITH evadidos AS (SELECT aluno_id FROM matriculas WHERE situacao = 'evadida') SELECT count(*) FROM evadidos",
        "SELECT x.total FROM (SELECT count(*) AS total FROM alunos) AS x",
        "SELECT e.* FROM escolas e",
        "SELECT nome, ra FROM alunos WHERE ano_ingresso = 2024 ORDER BY nome LIMIT 5",
    ])
    func valid(sql: String) throws {
        #expect(try validate(sql) == nil)
    }

    @Test("an unknown column gets the nearest real ones", arguments: [
        ("SELECT nome_aluno FROM alunos", "nome_aluno", "alunos.nome"),
        ("SELECT a.nome FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano = 2023", "v.ano", "avaliacoes_anuais.ano_letivo"),
        ("SELECT count(*) FROM matriculas WHERE status = 'evadida'", "status", "matriculas.situacao"),
        ("SELECT avg(frequencia) FROM frequencia_mensal", "frequencia", "frequencia_mensal.presencas"),
    ])
    func unknownColumn(sql: String, name: String, hint: String) throws {
        let failure = try #require(try validate(sql))
        #expect(failure.kind == .unknownColumn)
        #expect(failure.message == "a coluna \(name) não existe")
        #expect(failure.hints.contains("você quis dizer \(hint)?"), "\(failure.hints)")
    }

    @Test("a month the query's tables do not have points at their dates and their parents', not at another table's mes")
    func monthNoTableHas() throws {
        let failure = try #require(try validate("SELECT mes, count(*) FROM entregas WHERE mes LIKE '2024-%' GROUP BY mes"))
        #expect(failure.message == "a coluna mes não existe")
        #expect(failure.hints.first == "as datas das tabelas da consulta estão em entregas.entregue_em, atividades.data_publicacao e atividades.prazo (JOIN atividades ON entregas.atividade_id = atividades.id); o mês é substr(coluna, 1, 7) e o ano, substr(coluna, 1, 4)",
                "\(failure.hints)")
        #expect(!failure.hints.contains { $0.contains("frequencia_mensal") }, "\(failure.hints)")
        // A month column of a table the query reads is the one the model meant: no dates listed.
        let read = try #require(try validate("SELECT f.mes FROM frequencia_mensal f JOIN alunos a ON a.id = f.aluno_id WHERE a.mes = '2024-03'"))
        #expect(!read.hints.contains { $0.hasPrefix("as datas") }, "\(read.hints)")
    }

    @Test("a column of a table missing from the query, or living in another table, gets the join to make")
    func missingJoins() throws {
        let notJoined = try #require(try validate("SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND escolas.rede = 'estadual'"))
        #expect(notJoined.message == "a tabela escolas não está no FROM nem num JOIN da consulta")
        #expect(!notJoined.hints.contains { $0.contains("você quis dizer escolas.rede") })
        let elsewhere = try #require(try validate("SELECT t.codigo, count(*) FROM turmas t JOIN alunos a ON t.id = a.turma_id GROUP BY t.id"))
        #expect(elsewhere.hints.first?.hasPrefix("turma_id fica na tabela matriculas; junte com JOIN matriculas ON matriculas.") == true, "\(elsewhere.hints)")
        // What the alias really has comes after where the column lives: the model invents columns less once it sees them.
        #expect(elsewhere.hints.dropFirst(2).first == "a tabela alunos (a) só tem as colunas id, ra, nome, data_nascimento, genero, ano_ingresso",
                "\(elsewhere.hints)")
        // A column invented on a table whose sibling has it: go through the sibling, by the parent both share.
        let sibling = try #require(try validate("SELECT t.codigo, sum(f.presencas) FROM frequencia_mensal f JOIN turmas t ON t.id = f.turma_id GROUP BY t.id"))
        #expect(sibling.hints.first == "frequencia_mensal não tem turma_id; passe por matriculas: JOIN matriculas ON matriculas.aluno_id = f.aluno_id, e use matriculas.turma_id",
                "\(sibling.hints)")
    }

    @Test("a table with no key to the query's: joined by the parent both point at, or through a table of the query's grain")
    func joinsWithoutADirectKey() throws {
        let sibling = try #require(try validate("SELECT count(*) FROM entregas WHERE avaliacoes_anuais.nota_ingles IS NULL"))
        #expect(sibling.message == "a tabela avaliacoes_anuais não está no FROM nem num JOIN da consulta")
        #expect(sibling.hints == ["junte com JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = entregas.aluno_id"])
        let sameYear = try #require(try validate("SELECT count(*) FROM matriculas WHERE avaliacoes_anuais.pedra = 'Topázio'"))
        #expect(sameYear.hints == ["junte com JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo"])
        // A class for a student's grades of a year: through the enrolment of that student and year.
        let shift = try #require(try validate("SELECT v.turno, avg(v.inde) FROM avaliacoes_anuais v WHERE v.ano_letivo = 2022 GROUP BY v.turno"))
        #expect(shift.hints.first == "turno fica na tabela turmas; junte com JOIN matriculas ON matriculas.aluno_id = avaliacoes_anuais.aluno_id AND matriculas.ano_letivo = avaliacoes_anuais.ano_letivo JOIN turmas ON turmas.id = matriculas.turma_id",
                "\(shift.hints)")
    }

    @Test("a column read through a name the query never defines, which tables of the query have: said so, with the names it does define")
    func undefinedQualifier() throws {
        let stray = try #require(try validate("SELECT avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo WHERE v2.ano_letivo = 2022"))
        #expect(stray.message == "a coluna v2.ano_letivo não existe: v2 não é nome nem apelido de nenhuma tabela da consulta")
        #expect(stray.hints == ["a consulta lê v (avaliacoes_anuais), m (matriculas); ano_letivo está em v.ano_letivo, m.ano_letivo"])
        // A column no table of the query has: where it lives, as before.
        let elsewhere = try #require(try validate("SELECT avg(v.inde) FROM avaliacoes_anuais v WHERE t.turno = 'tarde'"))
        #expect(elsewhere.hints.first?.hasPrefix("turno fica na tabela turmas") == true, "\(elsewhere.hints)")
    }

    @Test("a table's alias or name written where one of its columns was meant: said so, with its columns, not look-alike names")
    func aliasAsColumn() throws {
        let alias = try #require(try validate("SELECT a.nome, max(aaa) FROM alunos a JOIN avaliacoes_anuais aaa ON a.id = aaa.aluno_id GROUP BY a.id"))
        #expect(alias.message == "aaa é o apelido da tabela avaliacoes_anuais, não uma coluna")
        #expect(alias.hints == ["escreva aaa.coluna, com uma das colunas de avaliacoes_anuais: aluno_id, ano_letivo, inde, iaa, ieg, ips, ida, ipp, ipv, ian, pedra, defasagem, nota_portugues, nota_matematica, nota_ingles"])
        let table = try #require(try validate("SELECT count(escolas) FROM escolas"))
        #expect(table.message == "escolas é o nome da tabela, não uma coluna")
        // A name no table of the query stands for is still an unknown column, with the nearest names.
        let unknown = try #require(try validate("SELECT max(aa) FROM avaliacoes_anuais v"))
        #expect(unknown.message == "a coluna aa não existe")
    }

    @Test("the average or sum of a column of words is refused, with what the column holds; of a comparison or a number, it passes")
    func textAggregate() throws {
        let turno = try #require(try validate("SELECT turmas.turno, AVG(turmas.turno) AS media FROM turmas WHERE turmas.ano_letivo = 2022 GROUP BY turmas.turno"))
        #expect(turno.kind == .textAggregate && turno.column == "turmas.turno")
        #expect(turno.message == "AVG(turmas.turno) soma ou tira a média de um texto (turmas.turno guarda valores como 'manhã', 'tarde'), e o SQLite conta cada texto como 0")
        let bare = try #require(try validate("SELECT sum(situacao) FROM matriculas m"))
        #expect(bare.kind == .textAggregate && bare.column == "situacao")
        for fine in ["SELECT round(100.0 * avg(m.situacao = 'evadida'), 1) FROM matriculas m", "SELECT avg(v.inde) FROM avaliacoes_anuais v",
                     "SELECT max(turno), count(DISTINCT turno) FROM turmas", "SELECT avg(acessos) FROM cubo_engajamento"] {
            #expect(try validate(fine) == nil, "\(fine)")
        }
    }

    @Test("an unknown table, an ambiguous column and a foreign function get hints")
    func otherNames() throws {
        let table = try #require(try validate("SELECT * FROM aluno"))
        #expect(table.kind == .unknownTable && table.hints.contains("você quis dizer alunos?"))
        let ambiguous = try #require(try validate("SELECT id FROM alunos JOIN matriculas ON matriculas.aluno_id = alunos.id"))
        #expect(ambiguous.kind == .ambiguousColumn)
        #expect(ambiguous.hints.first?.contains("alunos.id ou matriculas.id") == true)
        let function = try #require(try validate("SELECT YEAR(data_nascimento) FROM alunos"))
        #expect(function.kind == .unknownFunction && function.hints == ["use strftime('%Y', coluna) ou substr(coluna, 1, 4)"])
        // sum() in WHERE: said plainly, with where such a condition goes.
        let aggregate = try #require(try validate("SELECT count(*) FROM frequencia_mensal WHERE sum(presencas) < 10"))
        #expect(aggregate.message.hasPrefix("a consulta usa count, sum ou avg onde eles não valem"))
        #expect(aggregate.hints.contains { $0.contains("HAVING") } && aggregate.hints.contains { $0.contains("subconsulta") })
    }

    @Test("a join whose condition compares a column with itself is refused, with what a join compares")
    func selfComparison() throws {
        let written = "SELECT avg(v.inde) FROM avaliacoes_anuais v JOIN turmas t ON v.aluno_id = v.aluno_id AND v.ano_letivo = t.ano_letivo WHERE t.turno = 'tarde'"
        let failure = try #require(try validate(written))
        #expect(failure.kind == .selfComparison)
        #expect(failure.message == "a condição v.aluno_id = v.aluno_id compara a coluna com ela mesma e vale para todas as linhas")
        #expect(failure.hints.first?.hasPrefix("cada JOIN precisa comparar") == true)
        // Two tables' columns, a self-join's two readings, a longer name, the words in a string: fine.
        #expect(try validate("SELECT count(*) FROM avaliacoes_anuais atual JOIN avaliacoes_anuais anterior ON anterior.aluno_id = atual.aluno_id") == nil)
        #expect(try validate("SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id AND t.ano_letivo = m.ano_letivo") == nil)
        #expect(try validate("SELECT 'v.aluno_id = v.aluno_id' FROM alunos v") == nil)
    }

    @Test("writes, two statements and bad syntax are refused in plain words", arguments: [
        ("DELETE FROM alunos", ValidationFailure.Kind.notReadOnly),
        ("DROP TABLE alunos", .notReadOnly),
        ("SELECT 1; DELETE FROM alunos", .multipleStatements),
        ("WITH x AS (SELECT 1) DELETE FROM alunos", .notAllowed),
        ("SELECT load_extension('x')", .notAllowed),
        ("SELECT nome FROM alunos WHERE", .syntax),
    ])
    func refused(sql: String, kind: ValidationFailure.Kind) throws {
        let failure = try #require(try validate(sql))
        #expect(failure.kind == kind, "\(sql): \(failure)")
        #expect(!failure.message.isEmpty)
    }
}

@Suite("SQL laid out for reading")
struct SQLFormatterTests {
    @Test("clauses on their own lines, keywords in capitals, strings and calls untouched")
    func clauses() {
        let sql = "select e.nome, count(*) as evasoes from matriculas m join turmas t on t.id = m.turma_id left join escolas e on e.id = t.escola_id where m.situacao = 'evadida' and m.ano_letivo between 2022 and 2024 group by e.nome order by evasoes desc limit 3"
        #expect(SQLFormatter.format(sql) == """
            SELECT e.nome, count(*) AS evasoes
            FROM matriculas m
            JOIN turmas t ON t.id = m.turma_id
            LEFT JOIN escolas e ON e.id = t.escola_id
            WHERE m.situacao = 'evadida'
              AND m.ano_letivo BETWEEN 2022 AND 2024
            GROUP BY e.nome
            ORDER BY evasoes DESC
            LIMIT 3
            """)
    }

    @Test("a keyword inside a string or a subquery stays where it is; only whitespace changes")
    func onlyWhitespaceChanges() {
        let sql = "SELECT nome FROM alunos WHERE nome = 'Ana from Where' AND id IN (SELECT aluno_id FROM matriculas WHERE situacao = 'ativa')"
        let formatted = SQLFormatter.format(sql)
        #expect(formatted.contains("'Ana from Where'"))
        #expect(formatted.contains("IN (SELECT aluno_id FROM matriculas WHERE situacao = 'ativa')"))
        let squeeze = { (text: String) in text.filter { !$0.isWhitespace }.lowercased() }
        #expect(squeeze(formatted) == squeeze(sql))
    }

    @Test("a long select list gets one item per line")
    func longSelectList() {
        let sql = "SELECT a.ra, a.nome, av.inde, av.pedra, av.ieg, av.ida, av.defasagem, av.nota_portugues, av.nota_matematica FROM alunos a JOIN avaliacoes_anuais av ON av.aluno_id = a.id"
        let lines = SQLFormatter.format(sql).components(separatedBy: "\n")
        #expect(lines.first == "SELECT a.ra,")
        #expect(lines.contains("  av.nota_matematica"))
    }
}
