@testable import PostgreSQL
import Testing

@Suite("SQLite habits rewritten once, in PostgreSQL's words")
struct SQLiteHabitsTextTests {
    @Test("each habit becomes its PostgreSQL form, and a rewritten query is left as it is", arguments: [
        ("SELECT substr(data_saida, 1, 4) FROM matriculas", "SELECT substr(CAST(data_saida AS text), 1, 4) FROM matriculas"),
        ("SELECT strftime('%Y-%m', d) FROM t", "SELECT substr(CAST(d AS text), 1, 7) FROM t"),
        ("SELECT strftime('%m/%Y', d) FROM t", "SELECT (substr(CAST(d AS text), 6, 2) || '/' || substr(CAST(d AS text), 1, 4)) FROM t"),
        ("SELECT strftime('%W', d) FROM t", "SELECT strftime('%W', d) FROM t"),
        ("SELECT count(*) FROM f WHERE EXTRACT(YEAR FROM f.mes) = 2023", "SELECT count(*) FROM f WHERE CAST(substr(CAST(f.mes AS text), 1, 4) AS integer) = 2023"),
        ("SELECT EXTRACT(DAY FROM (b - a)) FROM t", "SELECT EXTRACT(DAY FROM (b - a)) FROM t"),
        // A column that holds no text (a time kept as a number, 517 for 05:17) is the server's to refuse.
        ("SELECT count(*) FROM flights WHERE EXTRACT(MONTH FROM dep_time) = 1", "SELECT count(*) FROM flights WHERE EXTRACT(MONTH FROM dep_time) = 1"),
        ("SELECT round(avg(nota), 2) FROM t", "SELECT round(CAST(avg(nota) AS numeric), 2) FROM t"),
        ("SELECT avg(situacao = 'evadido') FROM t", "SELECT avg(CASE WHEN situacao = 'evadido' THEN 1 ELSE 0 END) FROM t"),
        ("SELECT sum(CASE WHEN a = 1 THEN 1 END) FROM t", "SELECT sum(CASE WHEN a = 1 THEN 1 END) FROM t"),
        ("SELECT count(*) FROM t WHERE t.d LIKE '2023-%'", "SELECT count(*) FROM t WHERE CAST(t.d AS text) ILIKE '2023-%'"),
        ("SELECT x FROM (SELECT 1 AS x)", "SELECT x FROM (SELECT 1 AS x) AS subconsulta3"),
        ("SELECT 'substr(x, 1)' FROM t", "SELECT 'substr(x, 1)' FROM t"),
    ])
    func rewrites(sql: String, expected: String) {
        let once = SQLiteHabits.translated(sql, textColumns: ["mes"])
        #expect(once == expected)
        #expect(SQLiteHabits.translated(once, textColumns: ["mes"]) == once)
    }
}
