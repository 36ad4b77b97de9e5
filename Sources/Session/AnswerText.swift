import Assistant
import Database
import Foundation
import Render
import Scores
import Terminal

/// How an answer is shown: `texto` for a person, the others for another program.
public enum AnswerFormat: String, Sendable, CaseIterable {
    case texto, json, csv, md
}

/// The answer as a manager reads it: the result table (with score badges beside students),
/// a warning or the reason there is none, and a one-line summary.
public enum AnswerText {
    public struct Options: Sendable {
        public var showSQL = false
        public var rowLimit = 50
        public var terminal = TerminalInfo(width: 100, colour: false)
        public var badges: ScoreBadges?

        public init(showSQL: Bool = false, rowLimit: Int = 50, terminal: TerminalInfo = TerminalInfo(width: 100, colour: false),
                    badges: ScoreBadges? = nil) {
            self.showSQL = showSQL
            self.rowLimit = rowLimit
            self.terminal = terminal
            self.badges = badges
        }
    }

    public static func render(_ answer: Answer, format: AnswerFormat = .texto, options: Options = Options()) -> String {
        switch format {
        case .json:
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: AnswerRecord.json(answer, encoder: json), as: UTF8.self)
        case .csv, .md:
            guard answer.status == .ok, let result = answer.result else {
                return "Não consegui responder: \(answer.message ?? "sem resultado")"
            }
            let table = resultTable(result, badges: options.badges)
            return format == .csv ? ResultFormats.csv(table) : ResultFormats.markdown(table)
        case .texto:
            return text(answer, options: options)
        }
    }

    static func text(_ answer: Answer, options: Options) -> String {
        var lines: [String] = []
        if let result = answer.result, answer.status == .ok {
            let table = resultTable(result, badges: options.badges)
            let renderer = ResultRenderer(rowLimit: options.rowLimit, width: options.terminal.width, colour: options.terminal.colour)
            lines.append(renderer.render(table))
            if let cut = result.cutNote { lines.append(cut) }
            if table.columns.count > result.columns.count {
                lines.append("risco = chance de evadir ou ficar para trás no próximo ano, com o fator principal; é apoio à decisão, não um veredito (ficha completa: :aluno RA)")
            }
        }
        if let message = answer.message { lines.append(answer.status == .ok ? message : "Não consegui responder: \(message)") }
        // What the checks changed in the model's query: a year added, a LIMIT taken off, a UNION merged.
        if answer.status == .ok, let repairs = answer.attempts.last(where: { $0.sql == answer.sql })?.repairs, !repairs.isEmpty {
            lines.append("ajustes no SQL do modelo: " + repairs.map(\.note).joined(separator: "; "))
        }
        if options.showSQL, let sql = answer.sql { lines.append("SQL:\n\(sql)") }
        lines.append(summary(answer))
        return lines.joined(separator: "\n")
    }

    /// "12 linhas · 1,4 s · 2 tentativas · modelo qwen2.5-coder:1.5b".
    public static func summary(_ answer: Answer) -> String {
        let total = answer.timings.reduce(Duration.zero) { $0 + $1.duration }
        let source = answer.source == .verifiedExample ? "consulta verificada" : "modelo \(answer.model ?? "")"
        let rows = answer.result?.totalRows ?? 0
        let tries = answer.attempts.count
        return "\(BrazilianFormat.integer(rows)) \(rows == 1 ? "linha" : "linhas") · \(BrazilianFormat.duration(total)) · "
            + "\(tries) \(tries == 1 ? "tentativa" : "tentativas") · \(source)"
    }

    /// The result as the renderer takes it, with `risco` and `engajamento` columns when the
    /// result lists students and their scores exist.
    public static func resultTable(_ result: QueryResult, badges: ScoreBadges?) -> ResultTable {
        var columns = result.columns
        var rows = result.rows.map { $0.map(cell) }
        if let badges, let student = ScoreBadges.studentColumn(in: result.columns) {
            let ids = result.rows.map { badges.studentID($0[student.index], isRA: student.isRA) }
            let hasRisk = ids.contains { $0.flatMap { badges.risk[$0] } != nil }
            let hasEngagement = ids.contains { $0.flatMap { badges.engagement[$0] } != nil }
            if hasRisk {
                columns.append("risco")
                for index in rows.indices { rows[index].append(ids[index].flatMap { badges.risk[$0] }.map(riskBadge) ?? .null) }
            }
            if hasEngagement {
                columns.append("engajamento")
                for index in rows.indices { rows[index].append(ids[index].flatMap { badges.engagement[$0] }.map(engagementBadge) ?? .null) }
            }
        }
        return ResultTable(columns: columns, rows: rows, totalRows: result.totalRows)
    }

    /// "alto 72% · frequência caiu 30%": the level, the chance, and the strongest factor.
    static func riskBadge(_ risk: RiskScore) -> Cell {
        let percent = BrazilianFormat.integer(Int((risk.probability * 100).rounded()))
        return .text("\(levelName(risk.level)) \(percent)%" + (risk.factors.first.map { " · \($0)" } ?? ""))
    }

    /// "baixo 31": the level and the 0–100 score of the latest month.
    static func engagementBadge(_ engagement: EngagementScore) -> Cell {
        .text("\(levelName(engagement.level)) \(BrazilianFormat.integer(Int(engagement.score.rounded())))")
    }

    /// The stored level as a person writes it ("medio" → "médio").
    public static func levelName(_ level: String) -> String {
        level == "medio" ? "médio" : level
    }

    public static func cell(_ value: DatabaseValue) -> Cell {
        switch value {
        case .integer(let number): return .integer(number)
        case .real(let number): return .real(number)
        case .text(let text): return .text(text)
        case .blob(let bytes): return .text("(\(bytes.count) bytes)")
        case .null: return .null
        }
    }
}
