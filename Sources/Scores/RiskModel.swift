import Database
import Foundation

/// Dropout-or-falling-behind risk for next year from this year's data only: lag features,
/// a logistic regression over their z-scores, a threshold and levels, and each student's factors.
public struct RiskModel: Sendable, Codable, Equatable {
    /// The features, in order, all measured in year T−1 (the year before the outcome).
    public static let features = [
        "inde", "iaa", "ieg", "ips", "ida", "ipp", "ipv", "ian", "defasagem",
        "presenca", "variacao_presenca", "entregas_no_prazo", "entregas_nao_entregues",
        "engajamento", "tendencia_engajamento", "anos_na_rede", "aluno_novo",
    ]

    public var standardizer: Standardizer
    public var regression: LogisticRegression
    /// At or above: nivel alto (the threshold with the best F1 in training).
    public var threshold: Double
    /// At or above (and below the threshold): nivel medio; the network's base rate in training.
    public var baseRate: Double

    /// One student in one year: the features of that year and, when known, next year's outcome.
    public struct Example: Sendable, Equatable {
        public let student: Int64
        public let year: Int
        public let values: [Double]
        public var label: Double?
    }

    public func probability(_ values: [Double]) -> Double {
        regression.probability(standardizer.transform(values)[...])
    }

    public func level(_ probability: Double) -> String {
        probability >= threshold ? "alto" : probability >= min(baseRate, threshold) ? "medio" : "baixo"
    }

    /// The three features pushing this student's risk up the most, in pt-BR words, with their weight.
    public func factors(_ values: [Double], top: Int = 3) -> [(text: String, weight: Double)] {
        let z = standardizer.transform(values)
        let contributions = zip(regression.weights, z).map { $0 * $1 }
        return contributions.indices.filter { contributions[$0] > 0 }.sorted { contributions[$0] > contributions[$1] }.prefix(top).map {
            (Self.describe(feature: $0, value: values[$0], mean: standardizer.means[$0]), contributions[$0])
        }
    }

    /// A factor as a manager reads it: the value, and whether it is above or below the network's.
    static func describe(feature: Int, value: Double, mean: Double) -> String {
        let low = value < mean
        func number(_ value: Double) -> String { String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",") }
        func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
        switch features[feature] {
        case "inde": return "INDE anterior \(low ? "baixo" : "alto") (\(number(value)))"
        case "iaa": return "autoavaliação (IAA) \(low ? "baixa" : "alta") (\(number(value)))"
        case "ieg": return "engajamento (IEG) \(low ? "baixo" : "alto") (\(number(value)))"
        case "ips": return "indicador psicossocial (IPS) \(low ? "baixo" : "alto") (\(number(value)))"
        case "ida": return "desempenho acadêmico (IDA) \(low ? "baixo" : "alto") (\(number(value)))"
        case "ipp": return "indicador psicopedagógico (IPP) \(low ? "baixo" : "alto") (\(number(value)))"
        case "ipv": return "ponto de virada (IPV) \(low ? "baixo" : "alto") (\(number(value)))"
        case "ian": return "adequação de nível (IAN) \(low ? "baixa" : "alta") (\(number(value)))"
        case "defasagem": return value < 0 ? "\(Int(-value)) ano(s) de defasagem" : "sem defasagem"
        case "presenca": return "frequência de \(percent(value)) no ano"
        case "variacao_presenca": return value < 0 ? "frequência caiu \(percent(-value))" : "frequência subiu \(percent(value))"
        case "entregas_no_prazo": return "só \(percent(value)) das entregas no prazo"
        case "entregas_nao_entregues": return "deixou de entregar \(percent(value)) das atividades"
        case "engajamento": return "engajamento na plataforma \(low ? "baixo" : "alto") (\(Int(value.rounded())) de 100)"
        case "tendencia_engajamento": return value < 0 ? "engajamento caindo (\(Int(value.rounded())) pontos)" : "engajamento subindo"
        case "anos_na_rede": return "\(Int(value)) ano(s) na rede"
        case "aluno_novo": return value > 0.5 ? "aluno novo na rede" : "já estava na rede"
        default: return features[feature]
        }
    }

    // MARK: - Data

    /// The features of every student enrolled in `year` (not already gone), from that year's rows
    /// only, plus next year's outcome when `withLabels`.
    ///
    /// Nothing of year+1 enters the features: the tests shuffle next year's rows and compare.
    public static func examples(_ connection: Connection, year: Int, engagement: EngagementModel, withLabels: Bool) throws -> [Example] {
        let base = try connection.query("""
            SELECT a.aluno_id, a.inde, a.iaa, a.ieg, a.ips, a.ida, a.ipp, a.ipv, a.ian, a.defasagem, al.ano_ingresso
            FROM avaliacoes_anuais a
            JOIN alunos al ON al.id = a.aluno_id
            JOIN matriculas m ON m.aluno_id = a.aluno_id AND m.ano_letivo = a.ano_letivo
            WHERE a.ano_letivo = ? AND m.situacao IN ('ativa', 'concluida')
            ORDER BY a.aluno_id
            """, [.integer(Int64(year))])
        // The year's months per student, oldest first.
        let months = Dictionary(grouping: try EngagementModel.readCube(connection, where: "WHERE substr(mes, 1, 4) = '\(year)'"), by: \.student)
        var examples: [Example] = []
        for row in base {
            guard let student = row[0].integer else { continue }
            let cube = months[student] ?? []
            let attendance = cube.map { $0.values[10] }.filter { !$0.isNaN }
            let half = attendance.count / 2
            let firstHalf = mean(attendance.prefix(max(1, half)))
            let change = half > 0 && firstHalf > 0 ? (mean(attendance.suffix(attendance.count - half)) - firstHalf) / firstHalf : 0
            let onTime = cube.reduce(0) { $0 + $1.values[6] }
            let late = cube.reduce(0) { $0 + $1.values[7] }
            let missing = cube.reduce(0) { $0 + $1.values[8] }
            let delivered = onTime + late + missing
            let scores = cube.map { engagement.score($0.values).score }
            let trend = scores.count >= 2 ? mean(scores.suffix(3)) - mean(scores.prefix(3)) : 0
            let entry = Double(row[10].integer ?? Int64(year))
            var values = (1...9).map { row[$0].double ?? 0 }
            values += [
                mean(attendance[...]), change, delivered > 0 ? onTime / delivered : 0, delivered > 0 ? missing / delivered : 0,
                mean(scores[...]), trend, Double(year) - entry + 1, entry == Double(year) ? 1 : 0,
            ]
            examples.append(Example(student: student, year: year, values: values, label: nil))
        }
        guard withLabels else { return examples }
        // Next year's outcome: left (evadida), or fell further behind. Students with no enrolment
        // next year (finished the last phase, moved away unrecorded) have no outcome and are left out.
        let outcomes = try connection.query("""
            SELECT m.aluno_id, max(m.situacao = 'evadida'), av.defasagem
            FROM matriculas m LEFT JOIN avaliacoes_anuais av ON av.aluno_id = m.aluno_id AND av.ano_letivo = m.ano_letivo
            WHERE m.ano_letivo = ? GROUP BY m.aluno_id
            """, [.integer(Int64(year + 1))])
        var outcome: [Int64: (left: Bool, defasagem: Double?)] = [:]
        for row in outcomes {
            if let student = row[0].integer { outcome[student] = (row[1].integer == 1, row[2].double) }
        }
        return examples.compactMap { example in
            guard let next = outcome[example.student] else { return nil }
            var labelled = example
            let fellBehind = next.defasagem.map { $0 < example.values[8] } ?? false
            labelled.label = next.left || fellBehind ? 1 : 0
            return labelled
        }
    }

    /// Fits on `training`, choosing the threshold with the best F1 there.
    public static func train(_ training: [Example], lambda: Double = 1) -> RiskModel {
        let d = features.count
        let flat = training.flatMap(\.values)
        let labels = training.map { $0.label ?? 0 }
        let standardizer = Standardizer(rows: flat, dimension: d)
        let regression = LogisticRegression.fit(rows: standardizer.transform(flat), labels: labels, dimension: d, lambda: lambda)
        var model = RiskModel(standardizer: standardizer, regression: regression, threshold: 0.5,
                              baseRate: labels.reduce(0, +) / Double(max(1, labels.count)))
        model.threshold = ClassifierMetrics.bestThreshold(probabilities: training.map { model.probability($0.values) }, labels: labels)
        return model
    }

    public func evaluate(_ examples: [Example]) -> ClassifierMetrics {
        ClassifierMetrics(probabilities: examples.map { probability($0.values) }, labels: examples.map { $0.label ?? 0 }, threshold: threshold)
    }
}

func mean<C: Collection>(_ values: C) -> Double where C.Element == Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}
