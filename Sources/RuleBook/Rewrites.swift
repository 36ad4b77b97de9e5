import Database
import Foundation
import Retrieval
import SQLCheck

/// The rewrites of a valid query, in the order they run. Each reads the query as the one before
/// left it; a rewrite whose query no longer validates is dropped (`Assistant.polished`).
/// To add one: a `QueryRewrite` here, with examples on two databases or more, which the generic
/// test in `RuleBookTests` runs; its id joins the ledger and `--without` by itself.
public enum RuleBook {
    public static let rewrites: [QueryRewrite] = [
        QueryRewrite("fix.value-spelling", "valor escrito de outro jeito que o guardado, ou comparado com a coluna errada", needs: [.storedValues], examples: [
            RuleExample(.escola, "Quantas turmas de manhã?", "SELECT count(*) FROM turmas WHERE turno = 'manha'",
                        fixed: "SELECT count(*) FROM turmas WHERE turno = 'manhã'"),
            RuleExample(.loja, "Quantos discos tem o AC/DC?", "SELECT count(*) FROM Album al JOIN Artist ar ON ar.ArtistId = al.ArtistId WHERE ar.Name = 'ac/dc'",
                        fixed: "SELECT count(*) FROM Album al JOIN Artist ar ON ar.ArtistId = al.ArtistId WHERE ar.Name = 'AC/DC'"),
            RuleExample(.voos, "Quantos voos da United?", "SELECT count(*) FROM flights WHERE carrier = 'UA'"),
        ]) { input in
            ValueLiterals.fixed(input.sql, schema: input.schema, stored: input.stored, holders: input.holders)
        },
        QueryRewrite("fix.integer-division", "divisão de inteiros que daria 0 em vez de uma fração", examples: [
            RuleExample(.escola, "Taxa de presença de cada aluno", "SELECT aluno_id, sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal GROUP BY aluno_id",
                        fixed: "SELECT aluno_id, 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal GROUP BY aluno_id"),
            RuleExample(.beisebol, "Média de rebatidas de Trout em 2015", "SELECT H / AB FROM Batting WHERE playerID = 'troutmi01' AND yearID = 2015",
                        fixed: "SELECT 1.0 * H / AB FROM Batting WHERE playerID = 'troutmi01' AND yearID = 2015"),
            RuleExample(.loja, "Preço médio por faixa", "SELECT sum(UnitPrice) / count(*) FROM Track"),
        ]) { input in
            IntegerDivision.fixed(input.sql, schema: input.schema)
        },
        QueryRewrite("fix.unlinked-join", "junção cujo ON nem cita a tabela que entra", needs: [.foreignKeys], examples: [
            RuleExample(.escola, "Notas de inglês por matrícula", "SELECT m.id, a.nota_ingles FROM matriculas m JOIN avaliacoes_anuais a ON m.id = m.turma_id",
                        fixed: "SELECT m.id, a.nota_ingles FROM matriculas m JOIN avaliacoes_anuais a ON a.aluno_id = m.aluno_id"),
            RuleExample(.loja, "Faixas de cada disco", "SELECT al.Title, t.Name FROM Album al JOIN Track t ON al.AlbumId = al.ArtistId",
                        fixed: "SELECT al.Title, t.Name FROM Album al JOIN Track t ON t.AlbumId = al.AlbumId"),
            RuleExample(.loja, "Faixas de cada disco", "SELECT al.Title, t.Name FROM Album al JOIN Track t ON t.AlbumId = al.AlbumId"),
        ]) { input in
            input.repairer.unlinkedJoinFixed(input.sql)
        },
        QueryRewrite("fix.partial-key-join", "junção por uma só coluna de uma chave de várias (o ano de ano e time)", needs: [.foreignKeys], examples: [
            RuleExample(.beisebol, "Home runs e vitórias do time em 2015", "SELECT b.HR, t.W FROM Batting b JOIN Teams t ON t.yearID = b.yearID WHERE b.yearID = 2015",
                        fixed: "SELECT b.HR, t.W FROM Batting b JOIN Teams t ON t.yearID = b.yearID AND t.teamID = b.teamID WHERE b.yearID = 2015"),
            RuleExample(.voos, "Atraso e temperatura de cada voo", "SELECT f.dep_delay, w.temp FROM flights f JOIN weather w ON f.time_hour = w.time_hour",
                        fixed: "SELECT f.dep_delay, w.temp FROM flights f JOIN weather w ON w.origin = f.origin AND w.time_hour = f.time_hour"),
            RuleExample(.escola, "Turmas de cada escola", "SELECT e.nome, t.codigo FROM escolas e JOIN turmas t ON t.escola_id = e.id"),
        ]) { input in
            input.repairer.partialKeyJoinsCompleted(input.sql)
        },
        QueryRewrite("fix.declared-join", "junção por parte de uma relação de várias colunas que o catálogo declara (o aluno sem o ano; o jogador sem a temporada)", needs: [.declaredRelations], examples: [
            RuleExample(.escola, "Alunos da turma 5B e seu INDE",
                        "SELECT a.nome, v.inde FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id JOIN turmas t ON t.id = m.turma_id JOIN alunos a ON a.id = v.aluno_id WHERE t.codigo = '5B'",
                        fixed: "SELECT a.nome, v.inde FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id JOIN alunos a ON a.id = v.aluno_id WHERE t.codigo = '5B'"),
            RuleExample(.beisebol, "Salário e home runs de cada jogador em 2015",
                        "SELECT b.playerID, s.salary, b.HR FROM Batting b JOIN Salaries s ON s.playerID = b.playerID WHERE b.yearID = 2015",
                        fixed: "SELECT b.playerID, s.salary, b.HR FROM Batting b JOIN Salaries s ON s.playerID = b.playerID AND s.yearID = b.yearID AND s.teamID = b.teamID WHERE b.yearID = 2015"),
            RuleExample(.escola, "Notas de quem entregou atividades", "SELECT v.inde FROM avaliacoes_anuais v JOIN entregas e ON e.aluno_id = v.aluno_id"),
            RuleExample(.beisebol, "Salário de 2016 dos que rebateram em 2015",
                        "SELECT s.salary FROM Batting b JOIN Salaries s ON s.playerID = b.playerID WHERE b.yearID = 2015 AND s.yearID = 2016"),
        ]) { input in
            input.repairer.declaredJoinsCompleted(input.sql)
        },
        QueryRewrite("fix.join-keys", "chave de uma tabela comparada com a de outra entidade", needs: [.foreignKeys], examples: [
            RuleExample(.escola, "Notas de cada matrícula", "SELECT m.situacao, a.inde FROM matriculas m JOIN avaliacoes_anuais a ON m.id = a.aluno_id",
                        fixed: "SELECT m.situacao, a.inde FROM matriculas m JOIN avaliacoes_anuais a ON m.aluno_id = a.aluno_id"),
            RuleExample(.loja, "Faixas de cada artista", "SELECT ar.Name, al.Title FROM Artist ar JOIN Album al ON al.AlbumId = ar.ArtistId",
                        fixed: "SELECT ar.Name, al.Title FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId"),
            RuleExample(.loja, "Discos de cada artista", "SELECT ar.Name, al.Title FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId"),
        ]) { input in
            input.repairer.joinKeysFixed(input.sql)
        },
        QueryRewrite("fix.in-keys", "código procurado entre ids de uma subconsulta", needs: [.foreignKeys], examples: [
            RuleExample(.escola, "Alunos sem entrega", "SELECT nome FROM alunos a WHERE a.ra NOT IN (SELECT aluno_id FROM entregas)",
                        fixed: "SELECT nome FROM alunos a WHERE a.id NOT IN (SELECT aluno_id FROM entregas)"),
            RuleExample(.loja, "Artistas sem disco", "SELECT Name FROM Artist ar WHERE ar.Name NOT IN (SELECT ArtistId FROM Album)",
                        fixed: "SELECT Name FROM Artist ar WHERE ar.ArtistId NOT IN (SELECT ArtistId FROM Album)"),
            RuleExample(.loja, "Artistas sem disco", "SELECT Name FROM Artist ar WHERE ar.ArtistId NOT IN (SELECT ArtistId FROM Album)"),
        ]) { input in
            input.repairer.inKeysFixed(input.sql)
        },
        QueryRewrite("fix.join-keys-bridged", "chaves de duas entidades comparadas, ligadas pela tabela que tem as duas", needs: [.foreignKeys], examples: [
            RuleExample(.escola, "INDE de cada turma", "SELECT t.codigo, avg(v.inde) FROM turmas t JOIN avaliacoes_anuais v ON t.id = v.aluno_id GROUP BY t.codigo",
                        fixed: "SELECT t.codigo, avg(v.inde) FROM turmas t JOIN matriculas ON matriculas.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = matriculas.aluno_id GROUP BY t.codigo"),
            RuleExample(.loja, "Faixas de cada gênero", "SELECT g.Name, count(*) FROM Genre g JOIN Track t ON t.GenreId = g.GenreId GROUP BY g.Name"),
        ]) { input in
            input.repairer.joinKeysBridged(input.sql)
        },
        QueryRewrite("fix.unused-join", "tabela juntada e nunca lida, que pareia dois lados \"muitos\" e repete linhas", needs: [.primaryKeys], examples: [
            RuleExample(.escola, "Quantos alunos ficaram sem nota de inglês em 2024?",
                        "SELECT count(*) FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL",
                        fixed: "SELECT count(*) FROM avaliacoes_anuais a WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL"),
            RuleExample(.voos, "Quantos voos saíram de Newark?", "SELECT count(*) FROM flights f JOIN flights g ON f.tailnum = g.tailnum WHERE f.origin = 'EWR'",
                        fixed: "SELECT count(*) FROM flights f WHERE f.origin = 'EWR'"),
            RuleExample(.loja, "Quantos discos tem cada artista?", "SELECT ar.Name, COUNT(*) FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.ArtistId"),
        ]) { input in
            UnusedJoins.removed(from: input.sql, schema: input.schema).map { ($0.sql, [$0.note]) }
        },
        QueryRewrite("fix.missing-year", "ano citado filtrado numa tabela anual e esquecido em outra", needs: [.periodColumn], examples: [
            RuleExample(.escola, "INDE médio por escola em 2024",
                        "SELECT e.nome, avg(v.inde) FROM escolas e JOIN turmas t ON t.escola_id = e.id JOIN matriculas m ON m.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = m.aluno_id WHERE t.ano_letivo = 2024 GROUP BY e.nome",
                        fixed: "SELECT e.nome, avg(v.inde) FROM escolas e JOIN turmas t ON t.escola_id = e.id JOIN matriculas m ON m.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = m.aluno_id WHERE t.ano_letivo = 2024 AND m.ano_letivo = 2024 AND v.ano_letivo = 2024 GROUP BY e.nome",
                        context: ExampleContext(periodFilters: [("turmas", "turmas.ano_letivo = 2024"), ("matriculas", "matriculas.ano_letivo = 2024"),
                                                                ("avaliacoes_anuais", "avaliacoes_anuais.ano_letivo = 2024")])),
            RuleExample(.beisebol, "Home runs e vitórias do time em 2015",
                        "SELECT b.HR, t.W FROM Batting b JOIN Teams t ON t.teamID = b.teamID WHERE b.yearID = 2015",
                        fixed: "SELECT b.HR, t.W FROM Batting b JOIN Teams t ON t.teamID = b.teamID WHERE b.yearID = 2015 AND t.yearID = 2015",
                        context: ExampleContext(periodFilters: [("Batting", "Batting.yearID = 2015"), ("Teams", "Teams.yearID = 2015")])),
            RuleExample(.beisebol, "Home runs no ano anterior a 2016", "SELECT sum(b.HR) FROM Batting b JOIN Teams t ON t.teamID = b.teamID WHERE b.yearID = 2015",
                        context: ExampleContext(periodFilters: [("Batting", "Batting.yearID = 2016"), ("Teams", "Teams.yearID = 2016")])),
        ]) { input in
            guard let year = input.reading.singleYear, input.reading.relativeYears.isEmpty else { return nil }
            return MissingYearConditions.added(to: input.sql, offered: input.context.periodConditions, year: year, schema: input.schema).map { dated in
                (dated.sql, dated.added.map { "filtro do ano acrescentado: \($0) (a pergunta fala de \(year), e essa tabela não era filtrada)" })
            }
        },
        QueryRewrite("fix.misplaced-year", "ano citado aplicado também a uma coluna de que a pergunta não fala", needs: [.yearColumn, .spokenNames], examples: [
            RuleExample(.escola, "Quantos alunos largaram a escola em 2023?",
                        "SELECT count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.situacao = 'evadida' AND a.ano_ingresso = 2023 AND m.ano_letivo = 2023",
                        fixed: "SELECT count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2023"),
            RuleExample(.beisebol, "Quantos home runs em 2015?",
                        "SELECT sum(b.HR) FROM Batting b JOIN People p ON p.playerID = b.playerID WHERE b.yearID = 2015 AND p.birthYear = 2015",
                        fixed: "SELECT sum(b.HR) FROM Batting b JOIN People p ON p.playerID = b.playerID WHERE b.yearID = 2015"),
            RuleExample(.beisebol, "Quantos jogadores nascidos em 1991 rebateram em 1991?",
                        "SELECT count(*) FROM Batting b JOIN People p ON p.playerID = b.playerID WHERE b.yearID = 1991 AND p.birthYear = 1991"),
        ]) { input in
            guard let year = input.reading.singleYear else { return nil }
            return MisplacedYear.removed(from: input.sql, year: year, schema: input.schema) { table, column in
                input.mentions(column, of: table)
            }.map { misplaced in
                (misplaced.sql, misplaced.removed.map { "filtro \($0) tirado: \(year) é o ano do que a pergunta conta, já filtrado, e ela não fala dessa coluna" })
            }
        },
        QueryRewrite("fix.named-value-condition", "valor citado de uma coluna que a consulta nem olha", needs: [.storedValues], examples: [
            RuleExample(.escola, "Quantas entregas atrasadas?", "SELECT count(*) FROM entregas",
                        fixed: "SELECT count(*) FROM entregas WHERE entregas.status = 'atrasada'",
                        context: ExampleContext(values: [("entregas", "status", "atrasada", "atrasadas")])),
            RuleExample(.loja, "Quantas faixas de jazz?", "SELECT count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId",
                        fixed: "SELECT count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId WHERE g.Name = 'Jazz'",
                        context: ExampleContext(values: [("Genre", "Name", "Jazz", "jazz")])),
            RuleExample(.voos, "Quantos voos da United?", "SELECT count(*) FROM flights WHERE carrier = 'UA'",
                        context: ExampleContext(values: [("airlines", "name", "United Air Lines Inc.", "united")])),
        ]) { input in
            let unwritten = input.context.values.filter { !input.writes($0) }.map { (table: $0.table, column: $0.column, value: $0.value) }
            return NamedValueConditions.added(to: input.sql, values: unwritten).map { named in
                (named.sql, named.added.map { "filtro do valor citado acrescentado: \($0) (a pergunta o cita, e a consulta não olhava essa coluna)" })
            }
        },
        QueryRewrite("fix.bare-columns", "coluna solta ao lado de um total da tabela inteira", examples: [
            RuleExample(.escola, "Quantos alunos por escola?", "SELECT e.nome, count(*) FROM escolas e JOIN turmas t ON t.escola_id = e.id",
                        fixed: "SELECT e.nome, count(*) FROM escolas e JOIN turmas t ON t.escola_id = e.id GROUP BY e.nome"),
            RuleExample(.loja, "Quantas faixas há?", "SELECT Name, count(*) FROM Track", fixed: "SELECT count(*) FROM Track"),
            RuleExample(.voos, "Quantos voos por companhia?", "SELECT carrier, count(*) FROM flights GROUP BY carrier"),
        ]) { input in
            BareColumns.fixed(input.sql, perGroup: input.reading.asksPerGroup || !input.reading.asksHowMany).map { ($0.sql, [$0.note]) }
        },
        QueryRewrite("fix.value-group-widened", "grupo de valores citados (\"manhã comparado com a tarde\") reduzido a um", needs: [.storedValues], examples: [
            RuleExample(.escola, "Turmas da manhã comparado com a tarde", "SELECT turno, count(*) FROM turmas WHERE turno = 'tarde' GROUP BY turno",
                        fixed: "SELECT turno, count(*) FROM turmas WHERE turno IN ('manhã', 'tarde') GROUP BY turno",
                        context: ExampleContext(values: [("turmas", "turno", "manhã", "manhã"), ("turmas", "turno", "tarde", "tarde")])),
            RuleExample(.voos, "Voos da United comparado com a American", "SELECT carrier, count(*) FROM flights WHERE carrier = 'AA' GROUP BY carrier",
                        fixed: "SELECT carrier, count(*) FROM flights WHERE carrier IN ('UA', 'AA') GROUP BY carrier",
                        context: ExampleContext(values: [("flights", "carrier", "UA", "united"), ("flights", "carrier", "AA", "american")])),
            RuleExample(.voos, "Voos da American", "SELECT carrier, count(*) FROM flights WHERE carrier = 'AA' GROUP BY carrier",
                        context: ExampleContext(values: [("flights", "carrier", "AA", "american")])),
        ]) { input in
            var text = input.sql
            var notes: [String] = []
            for group in ValueGroup.named(in: input.context) {
                guard let widened = ValueLiterals.widened(text, schema: input.schema, table: group.table, column: group.column, values: group.values) else { continue }
                text = widened.sql
                notes.append(widened.note)
            }
            return notes.isEmpty ? nil : (text, notes)
        },
        QueryRewrite("fix.group-relabel", "CASE que renomeia os grupos e junta valores", examples: [
            RuleExample(.escola, "Matrículas por situação",
                        "SELECT CASE WHEN situacao = 'ativa' THEN 'ativos' ELSE 'outros' END AS situacao, count(*) FROM matriculas GROUP BY situacao",
                        fixed: "SELECT situacao AS situacao, count(*) FROM matriculas GROUP BY situacao"),
            RuleExample(.voos, "Voos por companhia",
                        "SELECT CASE WHEN carrier = 'UA' THEN 'United' ELSE 'Outras' END AS cia, count(*) FROM flights GROUP BY carrier",
                        fixed: "SELECT carrier AS cia, count(*) FROM flights GROUP BY carrier"),
            RuleExample(.voos, "Voos por companhia", "SELECT carrier, count(*) FROM flights GROUP BY carrier"),
        ]) { input in
            GroupRelabel.undone(input.sql).map { ($0.sql, [$0.note]) }
        },
        QueryRewrite("fix.hidden-groups", "um número por grupo sem a coluna que diz qual grupo", examples: [
            RuleExample(.escola, "Média do INDE por gênero", "SELECT avg(v.inde) AS media FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero",
                        fixed: "SELECT a.genero, avg(v.inde) AS media FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero"),
            RuleExample(.voos, "Atraso médio por origem", "SELECT avg(dep_delay) FROM flights GROUP BY origin",
                        fixed: "SELECT origin, avg(dep_delay) FROM flights GROUP BY origin"),
            RuleExample(.loja, "Quantos discos tem cada artista?", "SELECT ar.Name, COUNT(*) FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.ArtistId"),
        ]) { input in
            HiddenGroups.shown(input.sql, schema: input.schema).map { ($0.sql, [$0.note]) }
        },
        QueryRewrite("fix.repeated-columns", "a mesma coluna repetida", examples: [
            RuleExample(.escola, "Quantas turmas de manhã e quantas de tarde?",
                        "SELECT t.turno, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t GROUP BY t.turno",
                        fixed: "SELECT t.turno, count(*) AS turmas FROM turmas t GROUP BY t.turno"),
            RuleExample(.voos, "Quantos voos de cada companhia?", "SELECT carrier, count(*) AS voos_ua, count(*) AS voos_aa FROM flights GROUP BY carrier",
                        fixed: "SELECT carrier, count(*) AS voos FROM flights GROUP BY carrier"),
            RuleExample(.voos, "Menor e maior atraso", "SELECT min(dep_delay), max(dep_delay) FROM flights"),
        ]) { input in
            RepeatedColumns.dropped(from: input.sql).map { ($0.sql, [$0.note]) }
        },
    ]
}
