import Database
import DemoDatabase
import Foundation
import Testing

@Suite("The bundled school network")
struct ContentTests {
    /// The tables and columns DESIGN.md promises; prompts and metadata rely on these names.
    static let designedColumns: [String: [String]] = [
        "escolas": ["id", "nome", "cidade", "rede"],
        "turmas": ["id", "escola_id", "codigo", "fase", "ano_letivo", "turno"],
        "alunos": ["id", "ra", "nome", "data_nascimento", "genero", "ano_ingresso"],
        "matriculas": ["id", "aluno_id", "turma_id", "ano_letivo", "situacao", "data_matricula", "data_saida"],
        "avaliacoes_anuais": ["aluno_id", "ano_letivo", "inde", "iaa", "ieg", "ips", "ida", "ipp", "ipv", "ian", "pedra",
                              "defasagem", "nota_portugues", "nota_matematica", "nota_ingles"],
        "disciplinas": ["id", "nome"],
        "atividades": ["id", "turma_id", "disciplina_id", "titulo", "tipo", "data_publicacao", "prazo", "nota_maxima"],
        "entregas": ["id", "atividade_id", "aluno_id", "entregue_em", "nota", "status"],
        "interacoes": ["id", "aluno_id", "turma_id", "tipo", "ocorrido_em"],
        "frequencia_mensal": ["aluno_id", "mes", "aulas_previstas", "presencas"],
        "scores_engajamento": ["aluno_id", "mes", "cluster", "nivel", "score", "modelo_versao", "calculado_em"],
        "scores_risco": ["aluno_id", "ano_letivo", "probabilidade", "nivel", "fatores", "modelo_versao", "calculado_em"],
        "modelos": ["versao", "tipo", "treinado_em", "metricas", "parametros", "promovido"],
    ]

    @Test("every designed table and the engagement view are there, with their columns")
    func tablesAndColumns() throws {
        let schema = try DemoFixture.open().introspect(samplesPerColumn: 0)
        for (table, columns) in Self.designedColumns.sorted(by: { $0.key < $1.key }) {
            #expect(schema.table(named: table)?.kind == .table, "missing table \(table)")
            #expect(schema.table(named: table)?.columns.map(\.name) == columns, "columns of \(table)")
        }
        let cube = try #require(schema.table(named: "cubo_engajamento"))
        #expect(cube.kind == .view)
        #expect(Set(cube.columns.map(\.name)).isSuperset(of: [
            "aluno_id", "mes", "acessos", "postagens", "comentarios", "respostas", "curtidas", "materiais",
            "entregas_no_prazo", "entregas_atrasadas", "entregas_nao_entregues", "nota_media", "taxa_presenca",
        ]))
    }

    @Test("introspection finds every foreign key, and every row satisfies them")
    func foreignKeys() throws {
        let db = try DemoFixture.open()
        let found = Set(try db.introspect(samplesPerColumn: 0).foreignKeys.map {
            "\($0.table).\($0.key.columns.joined(separator: ",")) -> \($0.key.referencedTable).\($0.key.referencedColumns.joined(separator: ","))"
        })
        #expect(found == [
            "turmas.escola_id -> escolas.id",
            "matriculas.aluno_id -> alunos.id", "matriculas.turma_id -> turmas.id",
            "avaliacoes_anuais.aluno_id -> alunos.id",
            "atividades.turma_id -> turmas.id", "atividades.disciplina_id -> disciplinas.id",
            "entregas.atividade_id -> atividades.id", "entregas.aluno_id -> alunos.id",
            "interacoes.aluno_id -> alunos.id", "interacoes.turma_id -> turmas.id",
            "frequencia_mensal.aluno_id -> alunos.id",
            "scores_engajamento.aluno_id -> alunos.id", "scores_engajamento.modelo_versao -> modelos.versao",
            "scores_risco.aluno_id -> alunos.id", "scores_risco.modelo_versao -> modelos.versao",
        ])
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    @Test("sizes are those of a small network: 4–6 schools, about 1,500 students, a few hundred thousand rows")
    func sizes() throws {
        let summary = try DemoFixture.built.get()
        #expect((4...6).contains(summary.rows(in: "escolas")))
        #expect((1_300...1_700).contains(summary.rows(in: "alunos")))
        #expect((250_000...700_000).contains(summary.totalRows))
        for table in ["turmas", "matriculas", "avaliacoes_anuais", "atividades", "entregas", "interacoes", "frequencia_mensal"] {
            #expect(summary.rows(in: table) > 1_000 || table == "turmas", "\(table) is nearly empty")
        }
        for table in ["scores_engajamento", "scores_risco", "modelos"] {
            #expect(summary.rows(in: table) == 0)
        }
    }

    @Test("the data reads as a Brazilian school network in 2022–2024")
    func realism() throws {
        let db = try DemoFixture.open()
        #expect(try db.query("SELECT DISTINCT ano_letivo FROM turmas ORDER BY 1").map { $0[0] } == [2022, 2023, 2024])
        // Class codes are the phase and a letter, e.g. '5B'.
        #expect(try db.int("SELECT count(*) FROM turmas WHERE codigo NOT GLOB '[0-8][A-Z]' OR substr(codigo, 1, 1) <> CAST(fase AS TEXT)") == 0)
        #expect(try db.int("SELECT count(DISTINCT fase) FROM turmas") == 9)
        #expect(try db.int("SELECT count(*) FROM turmas WHERE codigo = '5B'") > 0)
        // Accented pt-BR names, unique RAs.
        #expect(try db.int("SELECT count(*) FROM alunos WHERE nome GLOB '*[áéíóúâêôãõçÁÉÍÓÚ]*'") > 100)
        #expect(try db.int("SELECT count(DISTINCT ra) FROM alunos") == db.int("SELECT count(*) FROM alunos"))
        // ISO-8601 dates that SQLite reads back unchanged, inside the school years.
        #expect(try db.int("SELECT count(*) FROM alunos WHERE date(data_nascimento) IS NOT data_nascimento") == 0)
        #expect(try db.int("SELECT count(*) FROM interacoes WHERE datetime(ocorrido_em) IS NOT ocorrido_em") == 0)
        #expect(try db.scalar("SELECT min(ocorrido_em) >= '2022-02-01' AND max(ocorrido_em) <= '2024-12-31' FROM interacoes") == 1)
        #expect(try db.int("SELECT count(*) FROM frequencia_mensal WHERE mes NOT GLOB '202[234]-[01][0-9]' OR substr(mes, 6) = '07'") == 0)
        #expect(try db.int("SELECT count(*) FROM frequencia_mensal WHERE presencas > aulas_previstas OR aulas_previstas NOT BETWEEN 1 AND 23") == 0)
        // All six kinds of interaction and three kinds of activity occur.
        #expect(try db.int("SELECT count(DISTINCT tipo) FROM interacoes") == 6)
        #expect(try db.int("SELECT count(DISTINCT tipo) FROM atividades") == 3)
        // Every pedra band is in use and agrees with INDE.
        #expect(try db.int("SELECT count(DISTINCT pedra) FROM avaliacoes_anuais") == 4)
        #expect(try db.int("""
            SELECT count(*) FROM avaliacoes_anuais WHERE pedra <> CASE
                WHEN inde < 5.506 THEN 'Quartzo' WHEN inde < 6.868 THEN 'Ágata' WHEN inde < 8.230 THEN 'Ametista' ELSE 'Topázio' END
            """) == 0)
        #expect(try db.int("SELECT count(*) FROM avaliacoes_anuais WHERE max(inde, iaa, ieg, ips, ida, ipp, ipv, ian) > 10 OR min(inde, iaa, ieg, ips, ida, ipp, ipv, ian) < 0") == 0)
    }

    @Test("deliveries agree with their deadlines and status")
    func deliveries() throws {
        let db = try DemoFixture.open()
        #expect(try db.int("SELECT count(*) FROM entregas WHERE (status = 'nao_entregue') <> (entregue_em IS NULL) OR (entregue_em IS NULL) <> (nota IS NULL)") == 0)
        #expect(try db.int("SELECT count(*) FROM entregas e JOIN atividades a ON a.id = e.atividade_id WHERE e.status = 'atrasada' AND date(e.entregue_em) <= a.prazo") == 0)
        #expect(try db.int("SELECT count(*) FROM entregas e JOIN atividades a ON a.id = e.atividade_id WHERE e.status = 'no_prazo' AND date(e.entregue_em) > a.prazo") == 0)
        #expect(try db.int("SELECT count(*) FROM atividades WHERE prazo < data_publicacao") == 0)
        #expect(try db.int("SELECT count(*) FROM entregas WHERE nota NOT BETWEEN 0 AND 10") == 0)
        let late = try db.double("SELECT avg(status = 'atrasada') FROM entregas")
        let missing = try db.double("SELECT avg(status = 'nao_entregue') FROM entregas")
        #expect((0.03...0.25).contains(late))
        #expect((0.05...0.30).contains(missing))
    }

    @Test("enrolments follow the school years: 2022 and 2023 closed, 2024 in progress")
    func enrolments() throws {
        let db = try DemoFixture.open()
        #expect(try db.query("SELECT DISTINCT situacao FROM matriculas WHERE ano_letivo < 2024 ORDER BY 1").map { $0[0] }
            == ["concluida", "evadida", "transferida"])
        #expect(try db.query("SELECT DISTINCT situacao FROM matriculas WHERE ano_letivo = 2024 ORDER BY 1").map { $0[0] }
            == ["ativa", "evadida", "transferida"])
        #expect(try db.int("SELECT count(*) FROM matriculas WHERE (situacao = 'ativa') <> (data_saida IS NULL)") == 0)
        #expect(try db.int("SELECT count(*) FROM (SELECT aluno_id, ano_letivo FROM matriculas GROUP BY 1, 2 HAVING count(*) > 1)") == 0)
        // A student who left has no activity in the network after leaving.
        #expect(try db.int("""
            SELECT count(*) FROM matriculas m JOIN frequencia_mensal f ON f.aluno_id = m.aluno_id
            WHERE m.situacao IN ('evadida', 'transferida') AND f.mes > substr(m.data_saida, 1, 7)
            """) == 0)
        let dropout = try db.double("SELECT avg(situacao = 'evadida') FROM matriculas")
        #expect((0.04...0.15).contains(dropout))
    }

    @Test("the engagement cube has one row per enrolled student-month")
    func engagementCube() throws {
        let db = try DemoFixture.open()
        #expect(try db.int("SELECT count(*) FROM cubo_engajamento") == db.int("SELECT count(*) FROM frequencia_mensal"))
        #expect(try db.int("SELECT sum(interacoes_total) FROM cubo_engajamento") == db.int("SELECT count(*) FROM interacoes"))
        #expect(try db.int("SELECT count(*) FROM cubo_engajamento WHERE taxa_presenca NOT BETWEEN 0 AND 1") == 0)
    }
}
