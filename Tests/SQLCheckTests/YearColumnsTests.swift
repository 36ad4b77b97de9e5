import SQLCheck
import Testing

@Suite("Columns named for different years that compute the same thing")
struct YearColumnsTests {
    @Test("each copy reads only its year: avg of the column, count(*) of the rows")
    func split() {
        let averages = "SELECT e.nome, AVG(av.nota_matematica) AS media_2022, round(AVG(av.nota_matematica), 2) AS media_2023 FROM avaliacoes_anuais av JOIN escolas e ON e.id = av.aluno_id "
            + "WHERE av.ano_letivo IN (2022, 2023) GROUP BY e.nome ORDER BY media_2023 - media_2022 DESC"
        // Not the same expression (round around one): nothing to do.
        #expect(YearColumns.split(averages, years: [2022, 2023]) == nil)
        let same = averages.replacingOccurrences(of: "round(AVG(av.nota_matematica), 2)", with: "AVG(av.nota_matematica)")
        let fixed = YearColumns.split(same, years: [2022, 2023])
        #expect(fixed?.sql == "SELECT e.nome, AVG(CASE WHEN av.ano_letivo = 2022 THEN av.nota_matematica END) AS media_2022, AVG(CASE WHEN av.ano_letivo = 2023 THEN av.nota_matematica END) AS media_2023 "
            + "FROM avaliacoes_anuais av JOIN escolas e ON e.id = av.aluno_id WHERE av.ano_letivo IN (2022, 2023) GROUP BY e.nome ORDER BY media_2023 - media_2022 DESC")
        #expect(fixed?.note == "as colunas media_2022, media_2023 faziam a mesma conta com todos os anos: cada uma passou a ler só o ano do seu nome")
        let counts = YearColumns.split("SELECT count(*) AS evasoes_2023, count(*) AS evasoes_2024 FROM matriculas WHERE ano_letivo BETWEEN 2023 AND 2024 AND situacao = 'evadida'", years: [2023, 2024])
        #expect(counts?.sql == "SELECT count(CASE WHEN ano_letivo = 2023 THEN 1 END) AS evasoes_2023, count(CASE WHEN ano_letivo = 2024 THEN 1 END) AS evasoes_2024 FROM matriculas WHERE ano_letivo BETWEEN 2023 AND 2024 AND situacao = 'evadida'")
    }

    @Test("names without a year, the same year twice, or a WHERE that does not keep those years: left alone", arguments: [
        "SELECT count(*) AS manha, count(*) AS tarde FROM turmas WHERE ano_letivo IN (2022, 2023)",
        "SELECT count(*) AS total_2022, count(*) AS outro_2022 FROM matriculas WHERE ano_letivo IN (2022, 2023)",
        "SELECT count(*) AS total_2022, count(*) AS total_2023 FROM matriculas WHERE ano_letivo = 2022",
        "SELECT count(*) AS total_2022, sum(1) AS total_2023 FROM matriculas WHERE ano_letivo IN (2022, 2023)",
    ])
    func leftAlone(sql: String) {
        #expect(YearColumns.split(sql, years: [2022, 2023]) == nil)
    }

    @Test("the two years side by side become their difference, later minus earlier; an ORDER BY on the difference of their names follows")
    func difference() {
        let sideBySide = "SELECT e.nome, AVG(CASE WHEN av.ano_letivo = 2022 THEN av.nota_matematica END) AS media_2022, AVG(CASE WHEN av.ano_letivo = 2023 THEN av.nota_matematica END) AS media_2023 "
            + "FROM avaliacoes_anuais av JOIN escolas e ON e.id = av.aluno_id WHERE av.ano_letivo IN (2022, 2023) GROUP BY e.nome ORDER BY media_2023 - media_2022 DESC"
        let fixed = YearColumns.difference(sideBySide, years: [2022, 2023])
        #expect(fixed?.sql == "SELECT e.nome, (AVG(CASE WHEN av.ano_letivo = 2023 THEN av.nota_matematica END)) - (AVG(CASE WHEN av.ano_letivo = 2022 THEN av.nota_matematica END)) AS variacao "
            + "FROM avaliacoes_anuais av JOIN escolas e ON e.id = av.aluno_id WHERE av.ano_letivo IN (2022, 2023) GROUP BY e.nome ORDER BY variacao DESC")
        #expect(fixed?.note == "media_2022 e media_2023 viraram uma coluna só, variacao (2023 menos 2022): a pergunta pede quanto mudou")
        // Sorted by the earlier minus the later: the difference sorted the other way.
        let reversed = YearColumns.difference(sideBySide.replacingOccurrences(of: "media_2023 - media_2022 DESC", with: "media_2022 - media_2023"), years: [2023, 2022])
        #expect(reversed?.sql.hasSuffix("ORDER BY variacao DESC") == true)
    }

    @Test("items that differ by more than the year, names used elsewhere, the difference shown already, or two copies of a table: left alone", arguments: [
        "SELECT AVG(CASE WHEN ano_letivo = 2022 THEN inde END) AS a, AVG(CASE WHEN ano_letivo = 2023 THEN ieg END) AS b FROM avaliacoes_anuais",
        "SELECT AVG(CASE WHEN ano_letivo = 2022 THEN inde END) AS a, AVG(CASE WHEN ano_letivo = 2023 THEN inde END) AS b FROM avaliacoes_anuais HAVING b > a",
        "SELECT AVG(CASE WHEN ano_letivo = 2022 THEN inde END) AS a, AVG(CASE WHEN ano_letivo = 2023 THEN inde END) AS b FROM avaliacoes_anuais ORDER BY b",
        "SELECT AVG(CASE WHEN ano_letivo = 2022 THEN inde END) AS a, AVG(CASE WHEN ano_letivo = 2023 THEN inde END) AS b, AVG(CASE WHEN ano_letivo = 2023 THEN inde END) - AVG(CASE WHEN ano_letivo = 2022 THEN inde END) AS d FROM avaliacoes_anuais",
        "SELECT a.inde AS inde_2022, b.inde AS inde_2023 FROM avaliacoes_anuais a JOIN avaliacoes_anuais b ON b.aluno_id = a.aluno_id AND a.ano_letivo = 2022 AND b.ano_letivo = 2023",
    ])
    func differenceLeftAlone(sql: String) {
        #expect(YearColumns.difference(sql, years: [2022, 2023]) == nil)
    }
}
