import Foundation
import Render
import Testing

@Suite("Values no one expected: huge, infinite, full of control characters")
struct HostileValuesTests {
    @Test("reals past Int64 and near 2^53 in scientific notation with a decimal comma; the rest as before", arguments: [
        (1e19, "1e+19"), (-1e19, "-1e+19"), (9223372036854775808.0, "9,223372036854776e+18"), (1.5e300, "1,5e+300"),
        (-9.3e15, "-9,3e+15"), (1234.5, "1.234,50"), (8.9e15, "8.900.000.000.000.000,00"),
    ])
    func hugeReals(value: Double, text: String) {
        #expect(BrazilianFormat.decimal(value, fractionDigits: 2) == text)
    }

    @Test("a result with huge, infinite and NaN reals renders, bar chart included")
    func renderHuge() {
        let table = ResultTable(columns: ["nome", "valor"], rows: [
            [.text("a"), .real(1e19)], [.text("b"), .real(.infinity)], [.text("c"), .real(-.infinity)], [.text("d"), .real(.nan)],
        ])
        let output = ResultRenderer().render(table)
        #expect(output.contains("1e+19") && output.contains("∞") && output.contains("-∞"))
        let chart = ResultRenderer().render(ResultTable(columns: ["nome", "valor"], rows: [[.text("a"), .real(1e300)], [.text("b"), .real(.infinity)]]))
        #expect(chart.contains("1e+300"))
    }

    @Test("control characters are shown in caret notation, C1 by code; line breaks are spaces", arguments: [
        ("\u{1B}[2J", "^[[2J"), ("\u{1B}]0;titulo\u{07}", "^[]0;titulo^G"), ("a\u{7F}b", "a^?b"), ("\u{9B}31m", "<9B>31m"),
        ("linha\num\tdois", "linha um dois"), ("João", "João"),
    ])
    func visible(raw: String, shown: String) {
        #expect(ControlCharacters.visible(raw) == shown)
    }

    @Test("no raw escape reaches the text table, in cells or in column names; CSV keeps the value as it is")
    func tableHasNoEscapes() {
        let table = ResultTable(columns: ["nome\u{1B}[31m"], rows: [[.text("\u{1B}[2JAna")]])
        let output = ResultRenderer(colour: false).render(table)
        #expect(!output.contains("\u{1B}"))
        #expect(output.contains("^[[2JAna") && output.contains("nome^[[31m"))
        #expect(ResultFormats.csv(table).contains("\u{1B}[2JAna"))
    }
}

@Suite("Foundation's English file errors, said in pt-BR")
struct ErrorTextTests {
    @Test("a missing file, a folder that cannot be made: pt-BR with the path, not Foundation's English")
    func fileErrors() {
        do {
            _ = try String(contentsOfFile: "/nao/existe.yaml", encoding: .utf8)
            Issue.record("read a file that does not exist")
        } catch {
            #expect(ErrorText.portuguese(error) == "o arquivo ou a pasta '/nao/existe.yaml' não existe")
        }
        do {
            try FileManager.default.createDirectory(atPath: "/proc/indaga/x", withIntermediateDirectories: true)
            Issue.record("made a folder under /proc")
        } catch {
            let text = ErrorText.portuguese(error)
            #expect(!text.contains("The ") && !text.contains("operation"), "\(text)")
        }
    }
}
