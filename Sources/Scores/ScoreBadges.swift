import Database
import Foundation

/// One student's current dropout risk, as `scores_risco` holds it.
public struct RiskScore: Sendable, Equatable {
    public let year: Int
    public let probability: Double
    /// alto, medio, baixo.
    public let level: String
    /// The top factors in pt-BR words, strongest first.
    public let factors: [String]
    public let modelVersion: String
}

/// One student's latest engagement, as `scores_engajamento` holds it.
public struct EngagementScore: Sendable, Equatable {
    public let month: String
    /// alto, medio, baixo, inativo.
    public let level: String
    /// 0–100.
    public let score: Double
}

/// The scores beside students in an answer: looked up by student id or RA, only where the
/// school schema has score tables with rows (DESIGN: scores exist only where that schema does).
public struct ScoreBadges: Sendable {
    public let risk: [Int64: RiskScore]
    public let engagement: [Int64: EngagementScore]
    /// RA → student id, to place badges on results that show the RA.
    public let studentIDs: [String: Int64]

    /// The latest scores per student, or nil when the database has none to show.
    public static func load(from connection: any SQLDatabase) -> ScoreBadges? {
        guard hasRows(connection, "scores_risco") || hasRows(connection, "scores_engajamento") else { return nil }
        var risk: [Int64: RiskScore] = [:]
        var engagement: [Int64: EngagementScore] = [:]
        var studentIDs: [String: Int64] = [:]
        for row in (try? connection.query(latestRisk)) ?? [] {
            guard let id = row[0].integer else { continue }
            risk[id] = riskScore(row)
        }
        let latestEngagement = """
            SELECT aluno_id, mes, nivel, score FROM scores_engajamento AS s
            WHERE mes = (SELECT max(mes) FROM scores_engajamento WHERE aluno_id = s.aluno_id)
            """
        for row in (try? connection.query(latestEngagement)) ?? [] {
            guard let id = row[0].integer else { continue }
            engagement[id] = EngagementScore(month: row[1].text ?? "", level: row[2].text ?? "", score: row[3].double ?? 0)
        }
        for row in (try? connection.query("SELECT ra, id FROM alunos")) ?? [] {
            if let ra = row[0].text, let id = row[1].integer { studentIDs[ra] = id }
        }
        return ScoreBadges(risk: risk, engagement: engagement, studentIDs: studentIDs)
    }

    /// Each student's latest risk row.
    static let latestRisk = """
        SELECT aluno_id, ano_letivo, probabilidade, nivel, fatores, modelo_versao FROM scores_risco AS s
        WHERE ano_letivo = (SELECT max(ano_letivo) FROM scores_risco WHERE aluno_id = s.aluno_id)
        """

    /// One student's latest risk, without reading everyone's (the student card).
    public static func risk(ofStudent id: Int64, from connection: any SQLDatabase) -> RiskScore? {
        ((try? connection.query(latestRisk + " AND aluno_id = ?", [.integer(id)])) ?? []).first.map(riskScore)
    }

    static func riskScore(_ row: Row) -> RiskScore {
        RiskScore(year: Int(row[1].integer ?? 0), probability: row[2].double ?? 0, level: row[3].text ?? "",
                  factors: factorTexts(row[4].text), modelVersion: row[5].text ?? "")
    }

    /// The column of a result that identifies students, if any: `ra`, else `aluno_id`.
    public static func studentColumn(in columns: [String]) -> (index: Int, isRA: Bool)? {
        let names = columns.map { $0.lowercased() }
        if let index = names.firstIndex(where: { $0 == "ra" || $0.hasSuffix(".ra") }) { return (index, true) }
        if let index = names.firstIndex(where: { $0 == "aluno_id" || $0 == "id_aluno" }) { return (index, false) }
        return nil
    }

    /// The student behind a result value: an RA (text or number) or an id.
    public func studentID(_ value: DatabaseValue, isRA: Bool) -> Int64? {
        guard isRA else { return value.integer }
        switch value {
        case .text(let ra): return studentIDs[ra]
        case .integer(let ra): return studentIDs[String(ra)]
        default: return nil
        }
    }

    /// `fatores` is JSON: a list of {"fator": text, "peso": number}, or of plain texts.
    static func factorTexts(_ json: String?) -> [String] {
        guard let data = json?.data(using: .utf8), let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return [] }
        return list.compactMap { item in
            if let text = item as? String { return text }
            return (item as? [String: Any])?["fator"] as? String
        }
    }

    static func hasRows(_ connection: any SQLDatabase, _ table: String) -> Bool {
        !((try? connection.query("SELECT 1 FROM \(quoteIdentifier(table)) LIMIT 1")) ?? []).isEmpty
    }
}
