import Foundation
import Render
import Testing

@Suite("Rendering results for a person")
struct ResultRendererTests {
    @Test("golden: pt-BR numbers, identifiers left alone, dates, accents aligned, NULL as a dash")
    func golden() {
        let table = ResultTable(columns: ["ra", "nome", "ano_letivo", "faltas", "inde", "data_saida"], rows: [
            [.text("20220042"), .text("Ágata Conceição"), .integer(2024), .integer(1234), .real(7.125), .text("2024-03-07")],
            [.text("20230007"), .text("João"), .integer(2023), .integer(12), .real(9.5), .null],
        ])
        let expected = """
            ┌──────────┬─────────────────┬────────────┬────────┬──────┬────────────┐
            │ ra       │ nome            │ ano_letivo │ faltas │ inde │ data_saida │
            ├──────────┼─────────────────┼────────────┼────────┼──────┼────────────┤
            │ 20220042 │ Ágata Conceição │       2024 │  1.234 │ 7,13 │ 07/03/2024 │
            │ 20230007 │ João            │       2023 │     12 │ 9,50 │ —          │
            └──────────┴─────────────────┴────────────┴────────┴──────┴────────────┘
            """
        #expect(ResultRenderer().render(table) == expected)
    }

    @Test("golden: a label and a number get a bar chart under the table")
    func barChart() {
        let table = ResultTable(columns: ["escola", "evasoes"], rows: [
            [.text("EMEF Paulo Freire"), .integer(40)], [.text("EE Cecília Meireles"), .integer(20)], [.text("Colégio"), .integer(5)],
        ])
        let output = ResultRenderer(width: 80).render(table)
        let chart = output.components(separatedBy: "\n\n").last ?? ""
        #expect(chart == """
            EMEF Paulo Freire   ████████████████████████████████████████ 40
            EE Cecília Meireles ████████████████████ 20
            Colégio             █████ 5
            """)
    }

    @Test("long results are cut with a count; NO_COLOR means no escape codes")
    func cutAndColour() {
        let rows = (1...120).map { [Cell.integer(Int64($0)), Cell.text("aluno \($0)")] }
        let table = ResultTable(columns: ["id", "nome"], rows: Array(rows.prefix(100)), totalRows: 1_234)
        let plain = ResultRenderer(rowLimit: 50).render(table)
        #expect(plain.hasSuffix("mostrando 50 de 1.234 linhas"))
        #expect(!plain.contains("\u{1B}"))
        let coloured = ResultRenderer(rowLimit: 50, colour: true).render(table)
        #expect(coloured.contains("\u{1B}[1mid\u{1B}[0m"))
        // Escape codes take no width: the coloured grid lines up like the plain one.
        let widths = Set(coloured.split(separator: "\n").filter { $0.hasPrefix("│") || $0.hasPrefix("┌") }.map { displayWidth(String($0)) })
        #expect(widths.count == 1)
    }

    @Test("a result too wide for the terminal shrinks its text, then turns vertical")
    func wide() {
        let long = String(repeating: "texto longo ", count: 20)
        let table = ResultTable(columns: (1...12).map { "coluna_\($0)" }, rows: [Array(repeating: .text(long), count: 12)])
        let output = ResultRenderer(width: 80).render(table)
        #expect(output.hasPrefix("── linha 1 ──"))
        #expect(output.split(separator: "\n").allSatisfy { displayWidth(String($0)) <= 80 })
        let two = ResultTable(columns: ["nome", "descricao"], rows: [[.text("Ana"), .text(long)]])
        let shrunk = ResultRenderer(width: 60).render(two)
        #expect(shrunk.split(separator: "\n").allSatisfy { displayWidth(String($0)) <= 60 })
        #expect(shrunk.contains("…"))
    }
}

@Suite("results as CSV and Markdown")
struct ResultFormatsTests {
    let table = ResultTable(columns: ["escola", "evasões", "taxa"], rows: [
        [.text("EMEF \"Centro\", Norte"), .integer(1234), .real(0.5)],
        [.text("linha\nquebrada | pipe"), .null, .real(12)],
    ])

    @Test("CSV: RFC 4180 quoting, machine numbers, empty NULL")
    func csv() {
        #expect(ResultFormats.csv(table) == "escola,evasões,taxa\r\n\"EMEF \"\"Centro\"\", Norte\",1234,0.5\r\n\"linha\nquebrada | pipe\",,12.0\r\n")
    }

    @Test("Markdown: pipes escaped, line breaks as <br>, numeric columns right-aligned")
    func markdown() {
        #expect(ResultFormats.markdown(table) == """
            | escola | evasões | taxa |
            | --- | ---: | ---: |
            | EMEF "Centro", Norte | 1234 | 0.5 |
            | linha<br>quebrada \\| pipe |  | 12.0 |

            """)
    }
}
