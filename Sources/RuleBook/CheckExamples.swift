extension RuleBook {
    /// Each check shown seeing something and seeing nothing, on two example databases or more;
    /// `RuleBookTests` runs every query on its database and the check on the answer.
    public static let checkExamples: [String: [RuleExample]] = [
        "check.value-not-stored": [
            RuleExample(.escola, "Quantas turmas da noite?", "SELECT count(*) FROM turmas WHERE turno = 'noite'", sees: "'noite' não é valor de turmas.turno"),
            RuleExample(.voos, "Quantos voos da Delta?", "SELECT count(*) FROM flights WHERE carrier = 'DL'", sees: "'DL' não é valor de flights.carrier"),
            RuleExample(.voos, "Quantos voos da United?", "SELECT count(*) FROM flights WHERE carrier = 'UA'"),
        ],
        "check.unlinked-tables": [
            RuleExample(.escola, "Quantos alunos por escola?", "SELECT e.nome, count(*) FROM alunos a JOIN escolas e ON a.ano_ingresso = 2023 GROUP BY e.nome",
                         sees: "nenhuma condição liga"),
            RuleExample(.loja, "Faixas por gênero", "SELECT g.Name, count(*) FROM Track t JOIN Genre g ON t.UnitPrice > 1 GROUP BY g.Name", sees: "nenhuma condição liga"),
            RuleExample(.loja, "Faixas por gênero", "SELECT g.Name, count(*) FROM Track t, Genre g GROUP BY g.Name", sees: "nenhuma condição liga"),
            RuleExample(.loja, "Faixas por gênero", "SELECT g.Name, count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.Name"),
            RuleExample(.loja, "Faixas por gênero", "SELECT g.Name, count(*) FROM Track t, Genre g WHERE g.GenreId = t.GenreId GROUP BY g.Name"),
        ],
        "check.no-rows": [
            RuleExample(.escola, "Alunos que entraram em 1990", "SELECT nome FROM alunos WHERE ano_ingresso = 1990", sees: "nenhuma linha"),
            RuleExample(.beisebol, "Quem fez mais de 100 home runs num ano?", "SELECT playerID FROM Batting WHERE HR > 100", sees: "nenhuma linha"),
            RuleExample(.beisebol, "Quem fez mais de 40 home runs num ano?", "SELECT playerID FROM Batting WHERE HR > 40"),
        ],
        "check.only-null": [
            RuleExample(.escola, "A nota de inglês do Bruno", "SELECT avg(nota_ingles) FROM avaliacoes_anuais WHERE aluno_id = 2", sees: "NULL"),
            RuleExample(.voos, "O maior atraso em LaGuardia", "SELECT max(dep_delay) FROM flights WHERE origin = 'LGA'", sees: "NULL"),
            RuleExample(.voos, "O maior atraso", "SELECT max(dep_delay) FROM flights"),
        ],
        "check.how-many-listed": [
            RuleExample(.escola, "Quantos alunos há?", "SELECT nome FROM alunos", sees: "pede quantos"),
            RuleExample(.loja, "Quantos discos há?", "SELECT Title FROM Album", sees: "pede quantos"),
            RuleExample(.loja, "Quantos discos há?", "SELECT count(*) FROM Album"),
        ],
        "check.counted-keys": [
            RuleExample(.escola, "Quantas entregas atrasadas?", "SELECT count(DISTINCT aluno_id) FROM entregas WHERE status = 'atrasada'",
                         sees: "conta os aluno_id distintos"),
            RuleExample(.loja, "Quantas faixas de rock?", "SELECT count(DISTINCT AlbumId) FROM Track WHERE GenreId = 1", sees: "conta os AlbumId distintos"),
            RuleExample(.loja, "Quantas faixas de rock?", "SELECT count(*) FROM Track WHERE GenreId = 1"),
        ],
        "check.unnegated": [
            RuleExample(.escola, "Quantos alunos não entregaram nada?", "SELECT count(*) FROM entregas", sees: "não nega nada"),
            RuleExample(.voos, "Quantos voos não atrasaram?", "SELECT count(*) FROM flights WHERE dep_delay > 0", sees: "não nega nada"),
            RuleExample(.voos, "Quantos voos não atrasaram?", "SELECT count(*) FROM flights WHERE NOT dep_delay > 0"),
        ],
        "check.all-years-missing": [
            RuleExample(.escola, "Quais alunos tiveram INDE acima de 7 nos dois anos, 2023 e 2024?",
                         "SELECT a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo = 2024 AND v.inde > 7", sees: "não usa 2023"),
            RuleExample(.beisebol, "Quem fez mais de 30 home runs nos dois anos, 2015 e 2016?", "SELECT playerID FROM Batting WHERE yearID = 2016 AND HR > 30",
                         sees: "não usa 2015"),
            RuleExample(.beisebol, "Quem fez mais de 30 home runs nos dois anos, 2015 e 2016?",
                         "SELECT playerID FROM Batting WHERE yearID IN (2015, 2016) AND HR > 30 GROUP BY playerID HAVING count(DISTINCT yearID) = 2"),
        ],
        "check.year-unused": [
            RuleExample(.escola, "Quantas matrículas em 2024?", "SELECT count(*) FROM matriculas", sees: "não usa esse ano"),
            RuleExample(.voos, "Quantos voos em 2013?", "SELECT count(*) FROM flights", sees: "não usa esse ano"),
            RuleExample(.voos, "Quantos voos em 2013?", "SELECT count(*) FROM flights WHERE year = 2013"),
        ],
        "check.threshold-unwritten": [
            RuleExample(.escola, "Alunos com INDE abaixo de 6", "SELECT a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id", sees: "não compara com 6"),
            RuleExample(.loja, "Faixas que custam mais de 1 real", "SELECT Name FROM Track", sees: "não compara com 1"),
            RuleExample(.loja, "Faixas que custam mais de 1 real", "SELECT Name FROM Track WHERE UnitPrice > 1"),
        ],
        "check.threshold-per-row": [
            RuleExample(.escola, "Em quais meses a presença ficou abaixo de 90%?",
                         "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas GROUP BY mes",
                         sees: "antes de agrupar"),
            RuleExample(.beisebol, "Times com mais de 30 home runs", "SELECT teamID, sum(HR) FROM Batting WHERE HR > 30 GROUP BY teamID", sees: "antes de agrupar"),
            RuleExample(.beisebol, "Times com mais de 30 home runs", "SELECT teamID, sum(HR) FROM Batting GROUP BY teamID HAVING sum(HR) > 30"),
        ],
        "check.unnamed-year": [
            RuleExample(.escola, "Quantos alunos evadiram?", "SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2023", sees: "2023"),
            RuleExample(.beisebol, "Quantos home runs no total?", "SELECT sum(HR) FROM Batting WHERE yearID = 2015", sees: "2015"),
            RuleExample(.beisebol, "Quantos home runs em 2015?", "SELECT sum(HR) FROM Batting WHERE yearID = 2015"),
        ],
        "check.unnamed-value": [
            RuleExample(.escola, "Quantos alunos tem a turma 5B?",
                         "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B' AND a.genero = 'F'",
                         sees: "'F'"),
            RuleExample(.beisebol, "Quantos jogadores há?", "SELECT count(*) FROM People WHERE bats = 'R'", sees: "'R'"),
            RuleExample(.escola, "Quantas alunas?", "SELECT count(*) FROM alunos WHERE genero = 'F'"),
        ],
        "check.all-years-any": [
            RuleExample(.escola, "Quais alunos tiveram INDE acima de 7 nos dois anos, 2023 e 2024?",
                         "SELECT a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2023, 2024) AND v.inde > 7",
                         sees: "qualquer um deles"),
            RuleExample(.beisebol, "Quem fez mais de 30 home runs nos dois anos, 2015 e 2016?", "SELECT playerID FROM Batting WHERE yearID IN (2015, 2016) AND HR > 30",
                         sees: "qualquer um deles"),
            RuleExample(.beisebol, "Quem fez mais de 30 home runs nos dois anos, 2015 e 2016?",
                         "SELECT playerID FROM Batting WHERE yearID IN (2015, 2016) AND HR > 30 GROUP BY playerID HAVING count(DISTINCT yearID) = 2"),
        ],
        "check.value-group-ungrouped": [
            RuleExample(.escola, "Turmas da manhã e da tarde", "SELECT count(*) FROM turmas WHERE turno IN ('manhã', 'tarde')", sees: "não agrupa por turno",
                         context: ExampleContext(values: [("turmas", "turno", "manhã", "manhã"), ("turmas", "turno", "tarde", "tarde")])),
            RuleExample(.voos, "Voos da United e da American", "SELECT count(*) FROM flights WHERE carrier IN ('UA', 'AA')", sees: "não agrupa por carrier",
                         context: ExampleContext(values: [("flights", "carrier", "UA", "united"), ("flights", "carrier", "AA", "american")])),
            RuleExample(.voos, "Voos da United e da American", "SELECT carrier, count(*) FROM flights WHERE carrier IN ('UA', 'AA') GROUP BY carrier",
                         context: ExampleContext(values: [("flights", "carrier", "UA", "united"), ("flights", "carrier", "AA", "american")])),
            // The values are of a table the query does not read: not this check's business.
            RuleExample(.voos, "Quantos voos saíram de aeroportos da United e da American?", "SELECT count(*) FROM flights",
                         context: ExampleContext(values: [("airlines", "carrier", "UA", "united"), ("airlines", "carrier", "AA", "american")])),
            // One word that matches two stored spellings names one thing ('manhã' stored twice over).
            RuleExample(.escola, "Quantas turmas de manhã?", "SELECT count(*) FROM turmas WHERE turno IN ('manhã', 'MANHÃ')",
                         context: ExampleContext(values: [("turmas", "turno", "manhã", "manha"), ("turmas", "turno", "MANHÃ", "manha")])),
        ],
        "check.asked-grouping": [
            RuleExample(.escola, "Quantas turmas de cada turno?", "SELECT count(*) FROM turmas", sees: "um resultado por turno"),
            RuleExample(.beisebol, "A média de home runs de cada time", "SELECT avg(HR) FROM Batting", sees: "um resultado por time"),
            RuleExample(.beisebol, "A média de home runs de cada time", "SELECT teamID, avg(HR) FROM Batting GROUP BY teamID"),
        ],
        "check.date-asked": [
            RuleExample(.escola, "Qual a data da primeira entrega?", "SELECT count(*) FROM entregas", sees: "pede uma data"),
            RuleExample(.loja, "Qual a data da fatura mais cara?", "SELECT max(Total) FROM Invoice", sees: "pede uma data"),
            RuleExample(.loja, "Qual a data da fatura mais cara?", "SELECT InvoiceDate FROM Invoice ORDER BY Total DESC LIMIT 1"),
        ],
        "check.one-number-grouped": [
            RuleExample(.escola, "Quantas turmas há?", "SELECT turno, count(*) FROM turmas GROUP BY turno", sees: "pede um número só"),
            RuleExample(.voos, "Quantos voos há?", "SELECT carrier, count(*) FROM flights GROUP BY carrier", sees: "pede um número só"),
            RuleExample(.voos, "Quantos voos por companhia?", "SELECT carrier, count(*) FROM flights GROUP BY carrier"),
        ],
        "check.unasked-grouping": [
            RuleExample(.escola, "Qual a média do INDE?", "SELECT a.genero, avg(v.inde) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero",
                         sees: "agrupa por genero"),
            RuleExample(.voos, "Qual o atraso médio?", "SELECT origin, avg(dep_delay) FROM flights GROUP BY origin", sees: "agrupa por origin"),
            RuleExample(.voos, "Qual o atraso médio por origem?", "SELECT origin, avg(dep_delay) FROM flights GROUP BY origin"),
        ],
        "check.value-dropped": [
            RuleExample(.escola, "Quantas entregas atrasadas?", "SELECT count(*) FROM entregas", sees: "'atrasada'",
                         context: ExampleContext(values: [("entregas", "status", "atrasada", "atrasadas")])),
            RuleExample(.loja, "Quantas faixas de jazz?", "SELECT count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId", sees: "'Jazz'",
                         context: ExampleContext(values: [("Genre", "Name", "Jazz", "jazz")])),
            RuleExample(.loja, "Quantas faixas de jazz?", "SELECT count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId WHERE g.Name = 'Jazz'",
                         context: ExampleContext(values: [("Genre", "Name", "Jazz", "jazz")])),
        ],
        "check.named-column-unread": [
            RuleExample(.escola, "Alunos sem nota de inglês", "SELECT nome FROM alunos", sees: "nota ingles",
                         context: ExampleContext(tables: ["alunos", "avaliacoes_anuais"])),
            RuleExample(.escola, "Alunos sem nota de inglês",
                         "SELECT a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.nota_ingles IS NULL",
                         context: ExampleContext(tables: ["alunos", "avaliacoes_anuais"])),
            RuleExample(.voos, "Qual o atraso médio de chegada?", "SELECT avg(arr_delay) FROM flights", context: ExampleContext(tables: ["flights"])),
        ],
        "check.term-dropped": [
            RuleExample(.escola, "Quantas evasões em 2024?", "SELECT count(*) FROM matriculas WHERE ano_letivo = 2024", sees: "evasão",
                         context: ExampleContext(terms: [("evasão", "matriculas.situacao = 'evadida'", "evasões")])),
            RuleExample(.beisebol, "Quantos canhotos?", "SELECT count(*) FROM People", sees: "canhoto",
                         context: ExampleContext(terms: [("canhoto", "People.bats = 'L'", "canhotos")])),
            RuleExample(.beisebol, "Quantos canhotos?", "SELECT count(*) FROM People WHERE bats = 'L'",
                         context: ExampleContext(terms: [("canhoto", "People.bats = 'L'", "canhotos")])),
        ],
        "check.rows-counted-for-entities": [
            RuleExample(.escola, "Quantos alunos entregaram atividades?", "SELECT count(*) FROM entregas", sees: "count(DISTINCT entregas.aluno_id)"),
            RuleExample(.voos, "Quantos aviões voaram?", "SELECT count(*) FROM flights", sees: "count(DISTINCT flights.tailnum)"),
            RuleExample(.voos, "Quantos aviões voaram?", "SELECT count(DISTINCT tailnum) FROM flights"),
        ],
        "check.best-per-group": [
            RuleExample(.escola, "Qual o melhor aluno de cada escola?", "SELECT a.nome, v.inde FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id ORDER BY v.inde DESC",
                         sees: "o primeiro de cada escola"),
            RuleExample(.beisebol, "O jogador com mais home runs de cada time", "SELECT playerID, HR FROM Batting ORDER BY HR DESC", sees: "o primeiro de cada time"),
            RuleExample(.beisebol, "O jogador com mais home runs de cada time",
                         "SELECT playerID, teamID FROM (SELECT playerID, teamID, rank() OVER (PARTITION BY teamID ORDER BY HR DESC) AS p FROM Batting) WHERE p = 1"),
        ],
        "check.rows-multiplied": [
            RuleExample(.escola, "Entregas de cada aluno", "SELECT * FROM entregas e1, entregas e2", sees: "multiplicou"),
            RuleExample(.loja, "Faixas de cada disco", "SELECT * FROM Track t1, Track t2", sees: "multiplicou"),
            RuleExample(.loja, "Faixas de cada disco", "SELECT al.Title, t.Name FROM Album al JOIN Track t ON t.AlbumId = al.AlbumId"),
        ],
    ]
}
