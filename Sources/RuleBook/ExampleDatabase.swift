import Catalog

/// The small databases the rules' examples run on, as the statements that create them. Each
/// follows its own conventions, so a rule that only knows one of them shows it: a school network
/// (snake_case, `x_id` keys to `id`), a music store (`ArtistId` in both tables), a baseball
/// database (keys of two columns, `yearID`), and New York flights (codes as keys, dates as text).
public enum ExampleDatabase: String, Sendable, CaseIterable {
    case escola, loja, beisebol, voos

    /// How a person who knows the data says some columns, as a catalog's `sinonimos`: rules that
    /// judge whether a question speaks of a column read them (an English name is never said by
    /// a Portuguese question).
    public var synonyms: [String: [String: [String]]] {
        switch self {
        case .escola:
            return ["alunos": ["ano_ingresso": ["ano de ingresso", "entrou", "ingressou"], "data_nascimento": ["nascimento", "nascido", "idade"],
                               "genero": ["gênero", "sexo", "alunas", "meninas", "meninos"]],
                    "turmas": ["turno": ["turno", "período"]]]
        case .loja:
            return ["Track": ["Milliseconds": ["duração", "longa"], "UnitPrice": ["preço"]], "Genre": ["Name": ["gênero"]], "Invoice": ["InvoiceDate": ["data da fatura"]]]
        case .beisebol:
            return ["People": ["birthYear": ["ano de nascimento", "nascidos", "nasceu"], "bats": ["rebate com a mão", "canhoto", "destro"]],
                    "Batting": ["teamID": ["time"], "HR": ["home runs", "home run"], "yearID": ["ano", "temporada"]],
                    "Teams": ["teamID": ["time"], "W": ["vitórias"]]]
        case .voos:
            return ["flights": ["arr_delay": ["atraso de chegada", "atraso na chegada"], "dep_delay": ["atraso de partida", "atraso na saída"],
                                "origin": ["origem", "aeroporto de origem"], "carrier": ["companhia", "companhia aérea"]],
                    "planes": ["year": ["ano de fabricação"]]]
        }
    }

    /// How a person says some tables ("aviões" for planes).
    public var tableSynonyms: [String: [String]] {
        switch self {
        case .escola: return ["alunos": ["estudantes"], "escolas": ["escola", "unidade"]]
        case .loja: return ["Album": ["discos", "disco", "álbuns"], "Track": ["faixas", "músicas"]]
        case .beisebol: return ["Teams": ["time", "times", "equipe"], "People": ["jogadores", "jogador"]]
        case .voos: return ["planes": ["aviões", "avião"], "flights": ["voos", "voo"], "airlines": ["companhias", "companhia"]]
        }
    }

    /// Coded values a person listed with what they mean: the only values a rule may judge a
    /// question for not saying.
    public var listedValues: [String: [String: [String: String]]] {
        switch self {
        case .escola: return ["alunos": ["genero": ["F": "feminino, as alunas", "M": "masculino, os alunos"]]]
        case .beisebol: return ["People": ["bats": ["L": "canhoto", "R": "destro", "B": "ambidestro"]]]
        case .loja, .voos: return [:]
        }
    }

    /// Joins of several columns a person declared, by the table whose `relacoes` say them.
    public var relations: [String: [String]] {
        switch self {
        case .escola:
            return ["avaliacoes_anuais": ["avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo: a matrícula do mesmo ano"]]
        case .beisebol:
            return ["Salaries": ["Salaries.playerID = Batting.playerID AND Salaries.yearID = Batting.yearID AND Salaries.teamID = Batting.teamID: a temporada do jogador naquele time"]]
        case .loja, .voos: return [:]
        }
    }

    /// The catalog metadata of the synonyms, listed values and relations, as a person would have written it.
    public var metadata: CatalogMetadata {
        let tables = Set(synonyms.keys).union(tableSynonyms.keys).union(listedValues.keys).union(relations.keys).sorted()
        return CatalogMetadata(tables: tables.map { table in
            let columns = Set((synonyms[table] ?? [:]).keys).union((listedValues[table] ?? [:]).keys).sorted()
            return TableMetadata(name: table, description: table, synonyms: tableSynonyms[table] ?? [], columns: columns.map { column in
                let said = synonyms[table]?[column] ?? []
                return ColumnMetadata(name: column, description: said.first ?? column, synonyms: said, values: listedValues[table]?[column] ?? [:])
            }, relations: relations[table] ?? [])
        }, glossary: [], examples: [])
    }

    public var statements: String {
        switch self {
        case .escola:
            return """
                CREATE TABLE escolas (id INTEGER PRIMARY KEY, nome TEXT, cidade TEXT);
                CREATE TABLE turmas (id INTEGER PRIMARY KEY, escola_id INTEGER REFERENCES escolas (id), codigo TEXT, turno TEXT, ano_letivo INTEGER);
                CREATE TABLE alunos (id INTEGER PRIMARY KEY, ra TEXT, nome TEXT, genero TEXT, data_nascimento TEXT, ano_ingresso INTEGER);
                CREATE TABLE matriculas (id INTEGER PRIMARY KEY, aluno_id INTEGER REFERENCES alunos (id), turma_id INTEGER REFERENCES turmas (id),
                    ano_letivo INTEGER, situacao TEXT);
                CREATE TABLE avaliacoes_anuais (id INTEGER PRIMARY KEY, aluno_id INTEGER REFERENCES alunos (id), ano_letivo INTEGER, inde REAL,
                    nota_matematica REAL, nota_portugues REAL, nota_ingles REAL);
                CREATE TABLE entregas (id INTEGER PRIMARY KEY, aluno_id INTEGER REFERENCES alunos (id), status TEXT, data_entrega TEXT);
                CREATE TABLE frequencia_mensal (aluno_id INTEGER REFERENCES alunos (id), mes TEXT, presencas INTEGER, aulas_previstas INTEGER,
                    PRIMARY KEY (aluno_id, mes));
                INSERT INTO escolas VALUES (1, 'Escola Azul', 'Santos'), (2, 'Escola Verde', 'Campinas');
                INSERT INTO turmas VALUES (1, 1, '5B', 'manhã', 2024), (2, 2, '6A', 'tarde', 2024);
                INSERT INTO alunos VALUES (1, 'R1', 'Ana', 'F', '2012-03-01', 2022), (2, 'R2', 'Bruno', 'M', '2011-07-15', 2023);
                INSERT INTO matriculas VALUES (1, 1, 1, 2024, 'ativa'), (2, 2, 2, 2024, 'evadida');
                INSERT INTO avaliacoes_anuais VALUES (1, 1, 2024, 7.5, 8, 7, 6), (2, 2, 2024, 5.5, 4, 6, NULL);
                INSERT INTO entregas VALUES (1, 1, 'entregue', '2024-03-02'), (2, 1, 'atrasada', '2024-03-09'), (3, 2, 'entregue', '2024-04-01');
                INSERT INTO frequencia_mensal VALUES (1, '2024-03', 18, 20), (2, '2024-03', 12, 20);
                """
        case .loja:
            return """
                CREATE TABLE Artist (ArtistId INTEGER PRIMARY KEY, Name TEXT);
                CREATE TABLE Album (AlbumId INTEGER PRIMARY KEY, Title TEXT, ArtistId INTEGER REFERENCES Artist (ArtistId));
                CREATE TABLE Genre (GenreId INTEGER PRIMARY KEY, Name TEXT);
                CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT, AlbumId INTEGER REFERENCES Album (AlbumId),
                    GenreId INTEGER REFERENCES Genre (GenreId), Milliseconds INTEGER, UnitPrice REAL);
                CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, CustomerId INTEGER, InvoiceDate TEXT, BillingCountry TEXT, Total REAL);
                INSERT INTO Artist VALUES (1, 'AC/DC'), (2, 'Aerosmith');
                INSERT INTO Album VALUES (1, 'Back in Black', 1), (2, 'Highway to Hell', 1), (3, 'Toys', 2);
                INSERT INTO Genre VALUES (1, 'Rock'), (2, 'Jazz');
                INSERT INTO Track VALUES (1, 'Hells Bells', 1, 1, 312000, 0.99), (2, 'Shoot', 1, 1, 200000, 0.99), (3, 'Walk', 3, 2, 250000, 1.99);
                INSERT INTO Invoice VALUES (1, 1, '2013-01-02', 'Brazil', 1.98), (2, 2, '2013-02-11', 'USA', 3.96);
                """
        case .beisebol:
            return """
                CREATE TABLE People (playerID TEXT PRIMARY KEY, nameFirst TEXT, nameLast TEXT, birthYear INTEGER, bats TEXT);
                CREATE TABLE Teams (yearID INTEGER, teamID TEXT, name TEXT, W INTEGER, L INTEGER, PRIMARY KEY (yearID, teamID));
                CREATE TABLE Batting (playerID TEXT REFERENCES People (playerID), yearID INTEGER, teamID TEXT, G INTEGER, AB INTEGER, H INTEGER, HR INTEGER,
                    FOREIGN KEY (yearID, teamID) REFERENCES Teams (yearID, teamID));
                CREATE TABLE Salaries (playerID TEXT REFERENCES People (playerID), yearID INTEGER, teamID TEXT, salary INTEGER,
                    FOREIGN KEY (yearID, teamID) REFERENCES Teams (yearID, teamID));
                INSERT INTO People VALUES ('troutmi01', 'Mike', 'Trout', 1991, 'R'), ('ortizda01', 'David', 'Ortiz', 1975, 'L');
                INSERT INTO Teams VALUES (2015, 'LAA', 'Angels', 85, 77), (2015, 'BOS', 'Red Sox', 78, 84), (2016, 'BOS', 'Red Sox', 93, 69);
                INSERT INTO Batting VALUES ('troutmi01', 2015, 'LAA', 159, 575, 172, 41), ('ortizda01', 2015, 'BOS', 146, 528, 144, 37),
                    ('ortizda01', 2016, 'BOS', 151, 537, 169, 38);
                INSERT INTO Salaries VALUES ('troutmi01', 2015, 'LAA', 6083000), ('ortizda01', 2015, 'BOS', 16000000), ('ortizda01', 2016, 'BOS', 16000000);
                """
        case .voos:
            return """
                CREATE TABLE airlines (carrier TEXT PRIMARY KEY, name TEXT);
                CREATE TABLE airports (faa TEXT PRIMARY KEY, name TEXT, tzone TEXT);
                CREATE TABLE planes (tailnum TEXT PRIMARY KEY, year INTEGER, manufacturer TEXT, seats INTEGER);
                CREATE TABLE weather (origin TEXT, time_hour TEXT, temp REAL, PRIMARY KEY (origin, time_hour));
                CREATE TABLE flights (year INTEGER, month INTEGER, day INTEGER, dep_delay INTEGER, arr_delay INTEGER, air_time INTEGER, distance INTEGER,
                    carrier TEXT REFERENCES airlines (carrier), tailnum TEXT REFERENCES planes (tailnum), origin TEXT REFERENCES airports (faa),
                    dest TEXT, time_hour TEXT, FOREIGN KEY (origin, time_hour) REFERENCES weather (origin, time_hour));
                INSERT INTO airlines VALUES ('UA', 'United Air Lines Inc.'), ('AA', 'American Airlines Inc.');
                INSERT INTO airports VALUES ('EWR', 'Newark Liberty Intl', 'America/New_York'), ('JFK', 'John F Kennedy Intl', 'America/New_York');
                INSERT INTO planes VALUES ('N14228', 1999, 'BOEING', 149), ('N24211', 1998, 'BOEING', 149);
                INSERT INTO weather VALUES ('EWR', '2013-01-01 05:00:00', 39.0), ('JFK', '2013-01-01 05:00:00', 39.9);
                INSERT INTO flights VALUES (2013, 1, 1, 2, 11, 227, 1400, 'UA', 'N14228', 'EWR', 'IAH', '2013-01-01 05:00:00'),
                    (2013, 1, 1, 4, 20, 227, 1416, 'UA', 'N24211', 'JFK', 'IAH', '2013-01-01 05:00:00'),
                    (2013, 2, 3, -5, -10, 160, 1089, 'AA', 'N14228', 'JFK', 'MIA', '2013-01-01 05:00:00');
                """
        }
    }
}
