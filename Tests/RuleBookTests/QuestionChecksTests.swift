@testable import RuleBook
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
        #expect(RuleInput.unnamedYears(in: sql, reading: QuestionReading("Qual a nota média?"), terms: []).isEmpty)
    }

    @Test("a year as a number or in a date, on a baseball and a school database, is one")
    func years() {
        #expect(RuleInput.unnamedYears(in: "SELECT sum(HR) FROM Batting WHERE yearID = 2015", reading: QuestionReading("Quantos home runs no total?"), terms: []) == ["2015"])
        #expect(RuleInput.unnamedYears(in: "SELECT count(*) FROM matriculas WHERE data >= '2023-02-01'", reading: QuestionReading("Quantas matrículas?"), terms: []) == ["2023"])
        // The end of a range the question names is the year after it.
        #expect(RuleInput.unnamedYears(in: "SELECT count(*) FROM flights WHERE time_hour >= '2013-01-01' AND time_hour < '2014-01-01'",
                                       reading: QuestionReading("Quantos voos em 2013?"), terms: []).isEmpty)
    }
}

@Suite("Numbers and thresholds a query writes: checks that stay linear")
struct WrittenNumbersTests {
    @Test("numbers a query writes, found in one pass: glued digits are names, decimals whole", arguments: [
        ("SELECT * FROM t WHERE nota < 5 AND v23 > 0.9 AND m2024 = .5", [5, 0.9, 0.5] as [Double]),
        ("SELECT yearID FROM Batting WHERE HR >= 40 AND yearID = 2019", [40, 2019]),
        ("SELECT \"Nota 2024\" FROM planilha WHERE x > 7.25", [2024, 7.25]),
    ])
    func writtenNumbers(sql: String, numbers: [Double]) {
        #expect(RuleInput.writtenNumbers(in: sql) == Set(numbers))
    }

    @Test("the thresholds check reads a query of the longest accepted length full of letters")
    func longLiteral() {
        let sql = "SELECT count(*) FROM alunos WHERE nome = '" + String(repeating: "a", count: 4_000) + "' AND faltas > 5"
        #expect(RuleInput.unwrittenThresholds(in: QuestionReading("alunos com mais de 5 faltas"), sql: sql).isEmpty)
        #expect(RuleInput.unwrittenThresholds(in: QuestionReading("alunos com mais de 7 faltas"), sql: sql).map(\.number) == ["7"])
    }
}
