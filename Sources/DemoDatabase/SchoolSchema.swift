/// The tables, view and indexes of the school network, as DESIGN.md names them.
///
/// Foreign keys are declared so introspection finds the join paths; the
/// indexes follow them, since most questions join along those paths.
enum SchoolSchema {
    static let tables = """
        CREATE TABLE escolas (
            id      INTEGER PRIMARY KEY,
            nome    TEXT NOT NULL,
            cidade  TEXT NOT NULL,
            rede    TEXT NOT NULL CHECK (rede IN ('municipal', 'estadual', 'privada'))
        );
        CREATE TABLE turmas (
            id          INTEGER PRIMARY KEY,
            escola_id   INTEGER NOT NULL REFERENCES escolas(id),
            codigo      TEXT NOT NULL,
            fase        INTEGER NOT NULL CHECK (fase BETWEEN 0 AND 8),
            ano_letivo  INTEGER NOT NULL,
            turno       TEXT NOT NULL CHECK (turno IN ('manhã', 'tarde')),
            UNIQUE (escola_id, ano_letivo, codigo)
        );
        CREATE TABLE alunos (
            id               INTEGER PRIMARY KEY,
            ra               TEXT NOT NULL UNIQUE,
            nome             TEXT NOT NULL,
            data_nascimento  TEXT NOT NULL,
            genero           TEXT NOT NULL CHECK (genero IN ('F', 'M')),
            ano_ingresso     INTEGER NOT NULL
        );
        CREATE TABLE matriculas (
            id              INTEGER PRIMARY KEY,
            aluno_id        INTEGER NOT NULL REFERENCES alunos(id),
            turma_id        INTEGER NOT NULL REFERENCES turmas(id),
            ano_letivo      INTEGER NOT NULL,
            situacao        TEXT NOT NULL CHECK (situacao IN ('ativa', 'concluida', 'evadida', 'transferida')),
            data_matricula  TEXT NOT NULL,
            data_saida      TEXT
        );
        CREATE TABLE avaliacoes_anuais (
            aluno_id         INTEGER NOT NULL REFERENCES alunos(id),
            ano_letivo       INTEGER NOT NULL,
            inde             REAL NOT NULL,
            iaa              REAL NOT NULL,
            ieg              REAL NOT NULL,
            ips              REAL NOT NULL,
            ida              REAL NOT NULL,
            ipp              REAL NOT NULL,
            ipv              REAL NOT NULL,
            ian              REAL NOT NULL,
            pedra            TEXT NOT NULL CHECK (pedra IN ('Quartzo', 'Ágata', 'Ametista', 'Topázio')),
            defasagem        INTEGER NOT NULL,
            nota_portugues   REAL,
            nota_matematica  REAL,
            nota_ingles      REAL,
            PRIMARY KEY (aluno_id, ano_letivo)
        );
        CREATE TABLE disciplinas (
            id    INTEGER PRIMARY KEY,
            nome  TEXT NOT NULL UNIQUE
        );
        CREATE TABLE atividades (
            id               INTEGER PRIMARY KEY,
            turma_id         INTEGER NOT NULL REFERENCES turmas(id),
            disciplina_id    INTEGER NOT NULL REFERENCES disciplinas(id),
            titulo           TEXT NOT NULL,
            tipo             TEXT NOT NULL CHECK (tipo IN ('exercicio', 'prova', 'projeto')),
            data_publicacao  TEXT NOT NULL,
            prazo            TEXT NOT NULL,
            nota_maxima      REAL NOT NULL
        );
        CREATE TABLE entregas (
            id            INTEGER PRIMARY KEY,
            atividade_id  INTEGER NOT NULL REFERENCES atividades(id),
            aluno_id      INTEGER NOT NULL REFERENCES alunos(id),
            entregue_em   TEXT,
            nota          REAL,
            status        TEXT NOT NULL CHECK (status IN ('no_prazo', 'atrasada', 'nao_entregue'))
        );
        CREATE TABLE interacoes (
            id           INTEGER PRIMARY KEY,
            aluno_id     INTEGER NOT NULL REFERENCES alunos(id),
            turma_id     INTEGER NOT NULL REFERENCES turmas(id),
            tipo         TEXT NOT NULL CHECK (tipo IN ('acesso', 'postagem', 'comentario', 'resposta', 'curtida', 'material')),
            ocorrido_em  TEXT NOT NULL
        );
        CREATE TABLE frequencia_mensal (
            aluno_id         INTEGER NOT NULL REFERENCES alunos(id),
            mes              TEXT NOT NULL,
            aulas_previstas  INTEGER NOT NULL,
            presencas        INTEGER NOT NULL CHECK (presencas BETWEEN 0 AND aulas_previstas),
            PRIMARY KEY (aluno_id, mes)
        );
        CREATE TABLE modelos (
            versao       TEXT PRIMARY KEY,
            tipo         TEXT NOT NULL,
            treinado_em  TEXT NOT NULL,
            metricas     TEXT NOT NULL,
            parametros   TEXT NOT NULL,
            promovido    INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE scores_engajamento (
            aluno_id       INTEGER NOT NULL REFERENCES alunos(id),
            mes            TEXT NOT NULL,
            cluster        INTEGER NOT NULL,
            nivel          TEXT NOT NULL CHECK (nivel IN ('alto', 'medio', 'baixo', 'inativo')),
            score          REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
            modelo_versao  TEXT NOT NULL REFERENCES modelos(versao),
            calculado_em   TEXT NOT NULL,
            PRIMARY KEY (aluno_id, mes)
        );
        CREATE TABLE scores_risco (
            aluno_id       INTEGER NOT NULL REFERENCES alunos(id),
            ano_letivo     INTEGER NOT NULL,
            probabilidade  REAL NOT NULL CHECK (probabilidade BETWEEN 0 AND 1),
            nivel          TEXT NOT NULL CHECK (nivel IN ('alto', 'medio', 'baixo')),
            fatores        TEXT NOT NULL,
            modelo_versao  TEXT NOT NULL REFERENCES modelos(versao),
            calculado_em   TEXT NOT NULL,
            PRIMARY KEY (aluno_id, ano_letivo)
        );
        """

    /// Per student and month: the engagement cube the clustering reads.
    ///
    /// The spine is `frequencia_mensal` (one row per enrolled student-month);
    /// deliveries count in the month of their deadline.
    static let engagementCube = """
        CREATE VIEW cubo_engajamento AS
        SELECT
            f.aluno_id,
            f.mes,
            coalesce(i.acessos, 0)      AS acessos,
            coalesce(i.postagens, 0)    AS postagens,
            coalesce(i.comentarios, 0)  AS comentarios,
            coalesce(i.respostas, 0)    AS respostas,
            coalesce(i.curtidas, 0)     AS curtidas,
            coalesce(i.materiais, 0)    AS materiais,
            coalesce(i.total, 0)        AS interacoes_total,
            coalesce(e.no_prazo, 0)     AS entregas_no_prazo,
            coalesce(e.atrasadas, 0)    AS entregas_atrasadas,
            coalesce(e.nao_entregues, 0) AS entregas_nao_entregues,
            e.nota_media,
            round(1.0 * f.presencas / nullif(f.aulas_previstas, 0), 4) AS taxa_presenca
        FROM frequencia_mensal AS f
        LEFT JOIN (
            SELECT aluno_id, substr(ocorrido_em, 1, 7) AS mes,
                   sum(tipo = 'acesso') AS acessos, sum(tipo = 'postagem') AS postagens,
                   sum(tipo = 'comentario') AS comentarios, sum(tipo = 'resposta') AS respostas,
                   sum(tipo = 'curtida') AS curtidas, sum(tipo = 'material') AS materiais,
                   count(*) AS total
            FROM interacoes
            GROUP BY aluno_id, substr(ocorrido_em, 1, 7)
        ) AS i ON i.aluno_id = f.aluno_id AND i.mes = f.mes
        LEFT JOIN (
            SELECT en.aluno_id, substr(a.prazo, 1, 7) AS mes,
                   sum(en.status = 'no_prazo') AS no_prazo, sum(en.status = 'atrasada') AS atrasadas,
                   sum(en.status = 'nao_entregue') AS nao_entregues,
                   round(avg(10.0 * en.nota / a.nota_maxima), 2) AS nota_media
            FROM entregas AS en
            JOIN atividades AS a ON a.id = en.atividade_id
            GROUP BY en.aluno_id, substr(a.prazo, 1, 7)
        ) AS e ON e.aluno_id = f.aluno_id AND e.mes = f.mes;
        """

    /// Built after the bulk insert, which is faster than maintaining them row by row.
    static let indexes = """
        CREATE INDEX turmas_escola ON turmas(escola_id, ano_letivo);
        CREATE INDEX matriculas_aluno ON matriculas(aluno_id, ano_letivo);
        CREATE INDEX matriculas_turma ON matriculas(turma_id);
        CREATE INDEX atividades_turma ON atividades(turma_id);
        CREATE INDEX entregas_atividade ON entregas(atividade_id);
        CREATE INDEX entregas_aluno ON entregas(aluno_id);
        CREATE INDEX interacoes_aluno ON interacoes(aluno_id, ocorrido_em);
        CREATE INDEX interacoes_turma ON interacoes(turma_id);
        CREATE INDEX scores_engajamento_mes ON scores_engajamento(mes);
        """
}
