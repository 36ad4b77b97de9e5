import Render
import Scores

/// One student's card (`:aluno RA`): who, where, indicators by year, recent engagement, risk.
public enum StudentCardText {
    public static func render(_ card: StudentCard, width: Int = 100) -> String {
        var sections: [String] = []
        var heading = "\(card.name) · RA \(card.ra)"
        if let born = ResultRenderer.brazilianDate(card.birthDate) { heading += " · nascimento \(born)" }
        heading += " · na rede desde \(card.entryYear)"
        sections.append(heading)

        if !card.enrollments.isEmpty {
            sections.append("Matrículas: " + card.enrollments.map {
                "\($0.year) \($0.school), turma \($0.classCode) (fase \($0.phase)), \($0.status)"
            }.joined(separator: "; "))
        }

        if !card.years.isEmpty {
            var grid = TextTable(columns: [
                .init("ano"), .init("INDE", alignment: .right), .init("pedra"), .init("IEG", alignment: .right),
                .init("IDA", alignment: .right), .init("presença", alignment: .right), .init("defasagem", alignment: .right),
            ])
            for year in card.years {
                grid.append([
                    String(year.year), BrazilianFormat.decimal(year.inde, fractionDigits: 2), year.pedra,
                    BrazilianFormat.decimal(year.ieg, fractionDigits: 1), BrazilianFormat.decimal(year.ida, fractionDigits: 1),
                    year.attendance.map(percent) ?? "—", String(year.defasagem),
                ])
            }
            sections.append("Indicadores por ano\n" + grid.render())
        }

        if !card.recentMonths.isEmpty {
            let scored = card.recentMonths.contains { $0.level != nil }
            var grid = TextTable(columns: [
                .init("mês"), .init("presença", alignment: .right), .init("interações", alignment: .right),
            ] + (scored ? [.init("engajamento")] : []))
            for month in card.recentMonths {
                let label = month.month.count == 7 ? "\(month.month.suffix(2))/\(month.month.prefix(4))" : month.month
                var row = [label, month.attendance.map(percent) ?? "—", BrazilianFormat.integer(month.interactions)]
                if scored {
                    row.append(month.level.map { "\(AnswerText.levelName($0)) \(BrazilianFormat.integer(Int((month.score ?? 0).rounded())))" } ?? "—")
                }
                grid.append(row)
            }
            sections.append("Engajamento nos últimos meses (\(trend(card.recentMonths)))\n" + grid.render())
        }

        if let risk = card.risk {
            var lines = ["Risco de evadir ou ficar para trás no ano seguinte (dados de \(risk.year)): \(AnswerText.levelName(risk.level)) "
                + "(\(percent(risk.probability))) · modelo \(risk.modelVersion)"]
            lines += risk.factors.enumerated().map { "  \($0.offset + 1). \($0.element)" }
            lines.append("  Apoio à decisão: leia os fatores e converse com quem conhece o aluno.")
            sections.append(lines.joined(separator: "\n"))
        } else {
            sections.append("Risco: ainda não calculado para este aluno (indaga scores train calcula).")
        }
        return sections.joined(separator: "\n\n")
    }

    /// Attendance of the last three months against the three before, in words.
    static func trend(_ months: [StudentCard.Month]) -> String {
        let values = months.compactMap(\.attendance)
        guard values.count >= 4 else { return "poucos meses para ver tendência" }
        let half = values.count / 2
        let before = values[..<half].reduce(0, +) / Double(half)
        let after = values[half...].reduce(0, +) / Double(values.count - half)
        let change = (after - before) * 100
        if abs(change) < 3 { return "estável" }
        let points = BrazilianFormat.decimal(abs(change), fractionDigits: 0)
        return change < 0 ? "presença caindo \(points) p.p." : "presença subindo \(points) p.p."
    }

    static func percent(_ value: Double) -> String {
        BrazilianFormat.integer(Int((value * 100).rounded())) + "%"
    }
}
