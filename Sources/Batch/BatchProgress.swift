import Assistant
import Foundation
import Render

/// The progress of a batch as stderr shows it: a bar redrawn in place on a terminal,
/// one line per question otherwise (a log file, CI).
public struct BatchProgress: Sendable, Equatable {
    public var total: Int
    public var done = 0
    public var elapsed: Duration = .zero

    public init(total: Int) {
        self.total = total
    }

    /// `[██████····] 12/50 · 0,8 perguntas/s · faltam 0:45`, without a line break.
    public func bar(width: Int = 20) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        var text = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            + "\(BrazilianFormat.integer(done))/\(BrazilianFormat.integer(total))"
        let seconds = elapsed.milliseconds / 1000
        guard done > 0, seconds > 0 else { return text }
        let perSecond = Double(done) / seconds
        // Under one question every two seconds (a large model), per minute reads better.
        text += perSecond >= 0.5
            ? " · \(BrazilianFormat.decimal(perSecond, fractionDigits: 1)) perguntas/s"
            : " · \(BrazilianFormat.decimal(perSecond * 60, fractionDigits: 1)) perguntas/min"
        if done < total {
            text += " · faltam " + Self.clock(Double(total - done) / perSecond)
        }
        return text
    }

    /// `12/50 q012 ok 1,2 s` or `13/50 q013 falhou: <message>`, for the question just finished.
    public func line(for record: BatchRecord, took duration: Duration) -> String {
        let position = "\(BrazilianFormat.integer(done))/\(BrazilianFormat.integer(total)) \(record.id)"
        guard record.answered else {
            let message = (record.message ?? record.status).split(whereSeparator: \.isNewline).joined(separator: " ")
            return "\(position) falhou: \(message)"
        }
        return "\(position) ok \(BrazilianFormat.duration(duration))"
    }

    /// `0:45`, `12:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
    }
}

/// The closing lines of a batch on stderr.
public struct BatchSummary: Sendable, Equatable {
    public var answered = 0
    public var failed = 0
    /// Questions already in the output file (`--resume`).
    public var skipped = 0
    /// Questions not run because Ctrl-C stopped the batch.
    public var notDone = 0
    public var failedIDs: [String] = []
    /// Wall-clock time of this run.
    public var elapsed: Duration = .zero
    /// The questions' own times, added up (more than `elapsed` with --jobs above 1).
    public var questionTime: Duration = .zero
    public var interrupted = false
    /// Answers the audit log could not take, and the first reason.
    public var auditFailures = 0
    public var auditProblem: String?

    /// Failed ids named before "e mais N".
    public static let idsShown = 10

    public init() {}

    public var lines: [String] {
        let run = answered + failed
        var first = interrupted ? "Interrompido: " : "Pronto: "
        first += "\(BrazilianFormat.integer(answered)) \(answered == 1 ? "respondida" : "respondidas"), "
            + "\(BrazilianFormat.integer(failed)) com falha, \(BrazilianFormat.integer(skipped)) \(skipped == 1 ? "pulada" : "puladas") (--resume)"
        if interrupted { first += ", \(BrazilianFormat.integer(notDone)) não \(notDone == 1 ? "feita" : "feitas")" }
        first += " · \(BrazilianFormat.duration(elapsed)) no total"
        if run > 0 {
            first += ", média de \(BrazilianFormat.duration(questionTime / run)) por pergunta"
        }
        var lines = [first]
        if !failedIDs.isEmpty {
            let shown = failedIDs.prefix(Self.idsShown).joined(separator: ", ")
            let more = failedIDs.count - Self.idsShown
            lines.append("Falharam: " + shown + (more > 0 ? " e mais \(BrazilianFormat.integer(more))" : ""))
        }
        if auditFailures > 0 {
            lines.append("aviso: \(AuditLog.failureWarning(auditProblem ?? "")) (\(BrazilianFormat.integer(auditFailures)) "
                + "\(auditFailures == 1 ? "resposta ficou" : "respostas ficaram") de fora)")
        }
        return lines
    }

}
