import Render
import Testing

@Suite("Display width and text tables")
struct TextTableTests {
    @Test("width counts terminal columns", arguments: [
        ("evasão", 6), ("e\u{301}vasao", 6), ("Ágata", 5), ("🎓", 2), ("❤️", 2), ("👩‍🏫", 2), ("中文", 4), ("a\u{200B}b", 2), ("", 0),
    ])
    func width(text: String, columns: Int) {
        #expect(displayWidth(text) == columns)
    }

    @Test("truncation ends in an ellipsis and never exceeds the width")
    func truncation() {
        #expect(truncate("Exercícios de Português", toWidth: 10) == "Exercícios" .prefix(9) + "…")
        #expect(truncate("curto", toWidth: 10) == "curto")
        #expect(displayWidth(truncate("🎓🎓🎓🎓", toWidth: 5)) <= 5)
        #expect(truncate("abc", toWidth: 1) == "…")
    }

    @Test("every line of a table has the same width, whatever the accents and emoji")
    func alignment() {
        var table = TextTable(columns: [.init("nome"), .init("alunos", alignment: .right), .init("obs", maxWidth: 8)])
        table.append(["Ágata", "1.234", "ok"])
        table.append(["🎓 turma 5B", "7", "texto bem mais longo que oito"])
        table.append(["e\u{301}", "", "linha\nquebrada"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(Set(lines.map(displayWidth)).count == 1, "\(lines)")
        #expect(lines[3].contains("│ Ágata       │  1.234 │"))
        #expect(lines[4].contains("texto b…"))
        #expect(lines[5].contains("linha q…"))
    }
}

@Suite("Brazilian number formats")
struct BrazilianFormatTests {
    @Test("integers group thousands with dots", arguments: [(0, "0"), (999, "999"), (1_000, "1.000"), (1_234_567, "1.234.567"), (-45_000, "-45.000")])
    func integers(value: Int, text: String) {
        #expect(BrazilianFormat.integer(value) == text)
    }

    @Test("decimals use a comma")
    func decimals() {
        #expect(BrazilianFormat.decimal(1234.5) == "1.234,5")
        #expect(BrazilianFormat.decimal(0.125, fractionDigits: 2) == "0,13")
        #expect(BrazilianFormat.decimal(-2.04, fractionDigits: 1) == "-2,0")
        #expect(BrazilianFormat.decimal(-0.01, fractionDigits: 1) == "0,0")
        #expect(BrazilianFormat.decimal(7, fractionDigits: 0) == "7")
    }

    @Test("sizes and durations read naturally")
    func sizesAndDurations() {
        #expect(BrazilianFormat.bytes(512) == "512 bytes")
        #expect(BrazilianFormat.bytes(35_300_000) == "33,7 MB")
        #expect(BrazilianFormat.duration(.milliseconds(850)) == "850 ms")
        #expect(BrazilianFormat.duration(.milliseconds(2_340)) == "2,3 s")
    }
}
