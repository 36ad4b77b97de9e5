import Database
import Foundation

/// Everything a manager wants on one page about one student (`:aluno RA`).
public struct StudentCard: Sendable {
    public struct Enrollment: Sendable, Equatable {
        public let year: Int
        public let school: String
        public let classCode: String
        public let phase: Int
        public let status: String
    }

    public struct YearIndicators: Sendable, Equatable {
        public let year: Int
        public let inde: Double
        public let pedra: String
        public let ieg: Double
        public let ida: Double
        public let attendance: Double?
        public let defasagem: Int
    }

    public struct Month: Sendable, Equatable {
        public let month: String
        public let attendance: Double?
        public let interactions: Int
        /// From `scores_engajamento`, when scored.
        public let level: String?
        public let score: Double?
    }

    public let ra: String
    public let name: String
    public let birthDate: String
    public let entryYear: Int
    public let enrollments: [Enrollment]
    public let years: [YearIndicators]
    /// The last months with activity, oldest first.
    public let recentMonths: [Month]
    public let risk: RiskScore?

    public enum LoadError: Error, Equatable, LocalizedError {
        case notSchoolSchema
        case unknownStudent(String)

        public var errorDescription: String? {
            switch self {
            case .notSchoolSchema: return "a ficha do aluno só existe no banco da rede escolar (tabelas alunos, matriculas e avaliacoes_anuais)"
            case .unknownStudent(let ra): return "nenhum aluno com RA \(ra)"
            }
        }
    }

    /// Reads the card of the student with this RA.
    ///
    /// - Throws: `LoadError` when the database is not the school schema or the RA is unknown.
    public static func load(ra: String, from connection: any SQLDatabase, months: Int = 6) throws -> StudentCard {
        let required = ["alunos", "matriculas", "turmas", "escolas", "avaliacoes_anuais", "frequencia_mensal"]
        let present = try connection.tableNames()
        guard required.allSatisfy(present.contains) else { throw LoadError.notSchoolSchema }
        guard let student = try connection.query("SELECT id, ra, nome, data_nascimento, ano_ingresso FROM alunos WHERE ra = ?", [.text(ra)]).first,
            let id = student[0].integer
        else { throw LoadError.unknownStudent(ra) }

        let enrollments = try connection.query("""
            SELECT m.ano_letivo, e.nome, t.codigo, t.fase, m.situacao FROM matriculas m
            JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id
            WHERE m.aluno_id = ? ORDER BY m.ano_letivo, m.data_matricula
            """, [.integer(id)]).map {
            Enrollment(year: Int($0[0].integer ?? 0), school: $0[1].text ?? "", classCode: $0[2].text ?? "",
                       phase: Int($0[3].integer ?? 0), status: $0[4].text ?? "")
        }
        let years = try connection.query("""
            SELECT a.ano_letivo, a.inde, a.pedra, a.ieg, a.ida, a.defasagem,
                   (SELECT 1.0 * sum(f.presencas) / nullif(sum(f.aulas_previstas), 0) FROM frequencia_mensal f
                    WHERE f.aluno_id = a.aluno_id AND substr(CAST(f.mes AS TEXT), 1, 4) = CAST(a.ano_letivo AS TEXT))
            FROM avaliacoes_anuais a WHERE a.aluno_id = ? ORDER BY a.ano_letivo
            """, [.integer(id)]).map {
            YearIndicators(year: Int($0[0].integer ?? 0), inde: $0[1].double ?? 0, pedra: $0[2].text ?? "", ieg: $0[3].double ?? 0,
                           ida: $0[4].double ?? 0, attendance: $0[6].double, defasagem: Int($0[5].integer ?? 0))
        }
        let scored = present.contains("scores_engajamento")
        let monthRows = try connection.query("""
            SELECT f.mes, 1.0 * f.presencas / nullif(f.aulas_previstas, 0),
                   (SELECT count(*) FROM interacoes i WHERE i.aluno_id = f.aluno_id AND substr(CAST(i.ocorrido_em AS TEXT), 1, 7) = CAST(f.mes AS TEXT)),
                   \(scored ? "s.nivel, s.score" : "NULL, NULL")
            FROM frequencia_mensal f
            \(scored ? "LEFT JOIN scores_engajamento s ON s.aluno_id = f.aluno_id AND s.mes = f.mes" : "")
            WHERE f.aluno_id = ? ORDER BY f.mes DESC LIMIT ?
            """, [.integer(id), .integer(Int64(months))])
        let recent = monthRows.reversed().map {
            Month(month: $0[0].text ?? "", attendance: $0[1].double, interactions: Int($0[2].integer ?? 0), level: $0[3].text, score: $0[4].double)
        }
        let risk = present.contains("scores_risco") ? ScoreBadges.risk(ofStudent: id, from: connection) : nil
        return StudentCard(ra: student[1].text ?? ra, name: student[2].text ?? "", birthDate: student[3].text ?? "",
                           entryYear: Int(student[4].integer ?? 0), enrollments: enrollments, years: years, recentMonths: recent, risk: risk)
    }
}
