import Database
@testable import SQLCheck
import Testing

@Suite("Lexer: strings told from quoted names, in any alphabet")
struct SQLLexerTests {
    @Test("a quoted name, a string, a number and a parameter are four kinds")
    func kinds() {
        let tokens = SQLLexer.tokens(#"SELECT avg("Nota 2024") FROM [Tabela de Aldeias] WHERE `Nº Turma` = '5B' AND ano > 2023.5 AND id = :id"#)
        let kinds = Dictionary(tokens.map { ($0.text, $0.kind) }, uniquingKeysWith: { first, _ in first })
        #expect(kinds[#""Nota 2024""#] == .quotedName)
        #expect(kinds["[Tabela de Aldeias]"] == .quotedName)
        #expect(kinds["`Nº Turma`"] == .quotedName)
        #expect(kinds["'5B'"] == .string)
        #expect(kinds["2023.5"] == .number)
        #expect(kinds[":id"] == .parameter)
        #expect(tokens.first { $0.text == #""Nota 2024""# }?.name == "Nota 2024")
    }

    @Test("names with accents are one word; a qualifier before a quoted name stays with it")
    func unicodeNames() {
        let tokens = SQLLexer.tokens(#"SELECT m.situação, t."Nº Turma" FROM matrículas m -- comentário"#)
        #expect(tokens.map(\.text) == ["SELECT", "m.situação", ",", "t.", #""Nº Turma""#, "FROM", "matrículas", "m", "-- comentário"])
        #expect(tokens.last?.kind == .comment)
        // Positions point back into the text.
        let text = Array(#"SELECT m.situação, t."Nº Turma" FROM matrículas m -- comentário"#)
        for token in tokens { #expect(String(text[token.start..<token.end]) == token.text) }
    }

    @Test("depths: a parenthesis in a string, a quoted name or a comment opens nothing")
    func depths() {
        let sql = "SELECT count(*) FROM t -- (sic\nWHERE x = '(' AND `a(b` IN (1)"
        let depth = SQLLexer.depths(Array(sql))
        let characters = Array(sql)
        #expect(depth.last == 0)
        #expect(depth[characters.firstIndex(of: "W")!] == 0)
        #expect(depth[characters.firstIndex(of: "'")!] == -1)
        #expect(depth[characters.firstIndex(of: "`")!] == -1)
        #expect(depth[characters.firstIndex(of: "*")!] == 1)
    }

    @Test("a doubled quote stays inside the string or name")
    func escapedQuotes() {
        let tokens = SQLLexer.tokens(#"SELECT 'D''Ávila', "a""b" FROM t"#)
        #expect(tokens[1].text == "'D''Ávila'" && tokens[1].kind == .string)
        #expect(tokens[3].name == #"a"b"#)
    }
}

@Suite("ParsedQuery: one parse the rules read")
struct ParsedQueryTests {
    @Test("a join of a music store: items, aliases, tables and ON")
    func musicStore() throws {
        let query = ParsedQuery("SELECT ar.Name, COUNT(*) AS discos FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.ArtistId ORDER BY discos DESC LIMIT 5;")
        let select = try #require(query.selects.first)
        #expect(select.items.map { query.source($0.expression) } == ["ar.Name", "COUNT(*)"])
        #expect(select.items.map(\.alias) == [nil, "discos"])
        #expect(select.from.map(\.table) == ["Artist", "Album"])
        #expect(select.from.map(\.alias) == ["ar", "al"])
        #expect(select.from.map(\.join) == [nil, "JOIN"])
        #expect(select.from[1].on.map(query.source) == "al.ArtistId = ar.ArtistId")
        #expect(query.source(select.from[1].range) == "JOIN Album al ON al.ArtistId = ar.ArtistId")
        #expect(select.groupBy.map(query.source) == ["ar.ArtistId"])
        #expect(select.orderBy.map(query.source) == ["discos DESC"])
        #expect(select.limit.map(query.source) == "5")
    }

    @Test("quoted names with spaces and accents, from a spreadsheet database")
    func quotedNames() throws {
        let query = ParsedQuery(#"SELECT t."Nº Turma", "Tabela de Aldeias"."Nome" n, avg("Nota 2024") FROM "Tabela de Aldeias" LEFT OUTER JOIN turmas t USING ("Nº Turma") WHERE "Situação" = 'ativa'"#)
        let select = try #require(query.selects.first)
        #expect(select.from.map(\.table) == ["Tabela de Aldeias", "turmas"])
        #expect(select.from[1].join == "LEFT OUTER JOIN")
        #expect(select.from[1].using == ["Nº Turma"])
        #expect(!select.from[1].isInner)
        #expect(select.items[1].alias == "n")
        let references = query.columnReferences(in: query.range)
        #expect(references.contains { $0.qualifier == "t" && $0.column == "Nº Turma" })
        #expect(references.contains { $0.qualifier == "Tabela de Aldeias" && $0.column == "Nome" })
        #expect(references.contains { $0.qualifier == nil && $0.column == "Nota 2024" })
        // A string literal is never a name, nor is a function.
        #expect(!references.contains { $0.column == "ativa" || $0.column == "avg" })
    }

    @Test("common tables, a UNION and subqueries at their depth")
    func compound() throws {
        let query = ParsedQuery("""
            WITH anual AS (SELECT aluno_id, avg(nota) AS media FROM notas GROUP BY aluno_id)
            SELECT count(*) FROM anual WHERE media < 5
            UNION ALL
            SELECT count(*) FROM batting b WHERE b.yearID = (SELECT max(yearID) FROM batting)
            """)
        #expect(query.commonTables.map(\.name) == ["anual"])
        #expect(query.setOperators == ["UNION ALL"])
        #expect(query.selects.count == 2)
        #expect(query.selects[1].from.map(\.table) == ["batting"])
        // The common table's body is the first subquery; the scalar one is the last.
        #expect(query.subqueries().count == 2)
        let inner = try #require(query.subqueries().last)
        #expect(query.part(inner).selects.first?.items.map { query.source($0.expression) } == ["max(yearID)"])
        let table = try #require(query.commonTables.first)
        #expect(query.part(table.body).selects.first?.groupBy.map(query.source) == ["aluno_id"])
    }

    @Test("a change keeps every untouched character, comments included")
    func writing() throws {
        let sql = "SELECT a.nome  -- quem\nFROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.ano_letivo = 2024"
        let query = ParsedQuery(sql)
        let select = try #require(query.selects.first)
        let join = select.from[1].range
        #expect(query.removing(join) == "SELECT a.nome  -- quem\nFROM alunos a WHERE m.ano_letivo = 2024")
        let rewritten = query.replacing([(select.items[0].range, "a.ra, a.nome")])
        #expect(rewritten == "SELECT a.ra, a.nome  -- quem\nFROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.ano_letivo = 2024")
    }
}

@Suite("Table references read from tokens")
struct TableReferencesTests {
    @Test("quoted names, accents and comma lists are tables; a table after a comma is not the FROM table")
    func read() {
        let references = SQLRepair.tableReferences(in: #"SELECT * FROM "Tabela de Aldeias" AS t, matrículas m JOIN [Nº Turma] n ON n.x = m.x WHERE m.y IN (SELECT y FROM main.alunos a)"#)
        #expect(references.map(\.table) == ["Tabela de Aldeias", "matrículas", "Nº Turma", "alunos"])
        #expect(references.map(\.alias) == ["t", "m", "n", "a"])
        #expect(references.map(\.isFrom) == [true, false, false, true])
    }

    @Test("a keyword after the table is no alias; commas of a select list or a call are no tables")
    func notTables() {
        let references = SQLRepair.tableReferences(in: "SELECT a, b FROM alunos WHERE substr(x, 1, 2) = 'a' GROUP BY a, b")
        #expect(references.map(\.table) == ["alunos"] && references[0].alias == nil)
        let nested = SQLRepair.tableReferences(in: "SELECT * FROM (SELECT x, y FROM t1) s, t2 WHERE s.x = t2.x")
        #expect(nested.map(\.table) == ["t1", "t2"])
    }
}

