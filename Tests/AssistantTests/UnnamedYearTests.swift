@testable import Assistant
import Testing

/// The check that sends a query back for a year the question never says reads the years a query
/// writes as numbers or dates, never the digits inside a name.
@Suite("A year the question never names")
struct UnnamedYearTests {
    @Test("digits in a quoted column or a table name are no year", arguments: [
        #"SELECT AVG("Nota 2024") FROM notas2024"#,
        #"SELECT t."Censo 2022", count(*) FROM "Tabela 2019" t"#,
        "SELECT count(*) FROM `Aldeias 2018` -- de 2018",
    ])
    func names(sql: String) {
        #expect(Assistant.unnamedYears(in: sql, question: "Qual a nota média?", terms: []).isEmpty)
    }

    @Test("a year as a number or in a date, on a baseball and a school database, is one")
    func years() {
        #expect(Assistant.unnamedYears(in: "SELECT sum(HR) FROM Batting WHERE yearID = 2015", question: "Quantos home runs no total?", terms: []) == ["2015"])
        #expect(Assistant.unnamedYears(in: "SELECT count(*) FROM matriculas WHERE data >= '2023-02-01'", question: "Quantas matrículas?", terms: []) == ["2023"])
        // The end of a range the question names is the year after it.
        #expect(Assistant.unnamedYears(in: "SELECT count(*) FROM flights WHERE time_hour >= '2013-01-01' AND time_hour < '2014-01-01'",
                                       question: "Quantos voos em 2013?", terms: []).isEmpty)
    }
}
