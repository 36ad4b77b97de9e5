import SQLCheck
import Testing

@Suite("Finding the statement in a model's reply")
struct StatementFindingTests {
    @Test("prose that says 'with' before the query: the query, not the prose", arguments: [
        ("Here is the query with the count of schools:\nSELECT count(*) FROM escolas;", "SELECT count(*) FROM escolas"),
        ("Aqui está a consulta with the total:\n\nSELECT sum(AB) FROM Batting", "SELECT sum(AB) FROM Batting"),
        ("With this query you get it:\nWITH t AS (SELECT 1 AS x) SELECT x FROM t", "WITH t AS (SELECT 1 AS x) SELECT x FROM t"),
        ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select i from n",
         "with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select i from n"),
    ])
    func proseWith(reply: String, sql: String) {
        #expect(SQLExtractor.extract(from: reply) == .sql(sql))
    }

    @Test("a second statement after the first is kept, so validation refuses the reply", arguments: [
        "```sql\nSELECT count(*) FROM escolas;\nDROP TABLE alunos;\n```",
        "SELECT count(*) FROM flights; DELETE FROM flights",
        "SELECT 1; -- e agora\n/* outra */ UPDATE Batting SET HR = 0",
        "SELECT a FROM t\n\nDROP TABLE t",
    ])
    func severalStatements(reply: String) {
        guard case .sql(let sql) = SQLExtractor.extract(from: reply) else {
            Issue.record("no SQL found in \(reply)")
            return
        }
        #expect(SQLScanner.statementCount(sql) == 2, "\(sql)")
    }

    @Test("one statement followed by an explanation stays one statement", arguments: [
        ("SELECT nome FROM alunos;\n\nEsta consulta lista os alunos.", "SELECT nome FROM alunos"),
        ("```sql\nSELECT carrier, count(*) FROM flights GROUP BY carrier;\n```\nThe query groups by carrier.", "SELECT carrier, count(*) FROM flights GROUP BY carrier"),
    ])
    func explanationAfter(reply: String, sql: String) {
        #expect(SQLExtractor.extract(from: reply) == .sql(sql))
    }

    @Test("a query longer than the cap is refused by its length, whatever it holds")
    func tooLong() {
        let literal = String(repeating: "a", count: 30_000)
        let extraction = SQLExtractor.extract(from: "```sql\nSELECT '\(literal)' AS x\n```")
        #expect(extraction == .tooLong(characters: 30_000 + 14))
        #expect(extraction.problem?.message.contains("limite de 4000") == true)
    }
}
