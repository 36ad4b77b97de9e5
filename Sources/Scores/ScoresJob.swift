import Database
import Foundation
import Yams

/// The scores' settings (`config/scores.yaml`): parameters live in a file, not in code.
public struct ScoresConfig: Sendable, Codable, Equatable {
    public struct Engagement: Sendable, Codable, Equatable {
        public var k = 4
        public var restarts = 10
        public var seed: UInt64 = 42
        /// The k of the silhouette table, from…to.
        public var silhouetteRange = [2, 8]
        public var silhouetteSample = 2_000

        enum CodingKeys: String, CodingKey {
            case k, restarts = "reinicios", seed = "semente", silhouetteRange = "silhueta_k", silhouetteSample = "amostra_silhueta"
        }

        public init() {}

        /// Keys left out keep their defaults.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            k = try container.decodeIfPresent(Int.self, forKey: .k) ?? k
            restarts = try container.decodeIfPresent(Int.self, forKey: .restarts) ?? restarts
            seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
            silhouetteRange = try container.decodeIfPresent([Int].self, forKey: .silhouetteRange) ?? silhouetteRange
            silhouetteSample = try container.decodeIfPresent(Int.self, forKey: .silhouetteSample) ?? silhouetteSample
        }
    }

    public struct Risk: Sendable, Codable, Equatable {
        public var lambda = 1.0
        /// A new model is promoted when its F1 is at least this share of the promoted one's.
        public var gate = 0.95

        enum CodingKeys: String, CodingKey { case lambda = "l2", gate = "gate_f1" }

        public init() {}

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            lambda = try container.decodeIfPresent(Double.self, forKey: .lambda) ?? lambda
            gate = try container.decodeIfPresent(Double.self, forKey: .gate) ?? gate
        }
    }

    public var engagement = Engagement()
    public var risk = Risk()

    enum CodingKeys: String, CodingKey { case engagement = "engajamento", risk = "risco" }

    public init() {}

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        engagement = try container.decodeIfPresent(Engagement.self, forKey: .engagement) ?? Engagement()
        risk = try container.decodeIfPresent(Risk.self, forKey: .risk) ?? Risk()
    }

    /// Reads the file; the defaults when it does not exist.
    public static func load(from file: URL) throws -> ScoresConfig {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return ScoresConfig() }
        do {
            let config = try YAMLDecoder().decode(ScoresConfig.self, from: text)
            let range = config.engagement.silhouetteRange
            guard (2...20).contains(config.engagement.k), config.engagement.restarts >= 1, range.count == 2, range[0] >= 2, range[0] <= range[1],
                config.risk.lambda >= 0, (0...1).contains(config.risk.gate)
            else { throw ScoresError.badConfig(file.path, "k entre 2 e 20, reinicios ≥ 1, silhueta_k [de, até] com de ≥ 2, l2 ≥ 0, gate_f1 entre 0 e 1") }
            return config
        } catch let error as ScoresError {
            throw error
        } catch {
            throw ScoresError.badConfig(file.path, String(describing: error))
        }
    }
}

public enum ScoresError: Error, Equatable, LocalizedError {
    case notSchoolSchema
    case badConfig(String, String)
    case notEnoughYears
    case noPromotedModel

    public var errorDescription: String? {
        switch self {
        case .notSchoolSchema:
            return "as notas de risco e engajamento só existem no banco da rede escolar (tabelas avaliacoes_anuais, matriculas, cubo_engajamento, scores_*)"
        case .badConfig(let path, let detail): return "configuração inválida em \(path): \(detail)"
        case .notEnoughYears: return "são precisos pelo menos três anos letivos de dados para treinar e testar o modelo de risco"
        case .noPromotedModel: return "ainda não há modelo promovido; rode indaga scores train"
        }
    }
}

/// What `indaga scores train` did, for the report.
public struct TrainingReport: Sendable {
    public var silhouettes: [(k: Int, value: Double)] = []
    public var engagementVersion = ""
    public var clusterProfiles: [(level: String, count: Int, centroid: [Double])] = []
    public var riskVersion = ""
    public var metrics: ClassifierMetrics?
    public var trainingMetrics: ClassifierMetrics?
    public var trainYears: [Int] = []
    public var testYear = 0
    /// The promoted model's F1 before this one, if any.
    public var previousF1: Double?
    public var promoted = false
    public var scored: (risk: Int, engagement: Int) = (0, 0)
    public var duration: Duration = .zero
}

/// Training, gating, scoring and storing, over a writable connection to the school database.
public struct ScoresJob {
    let connection: Connection
    let config: ScoresConfig
    let now: Date

    public init(connection: Connection, config: ScoresConfig, now: Date = Date()) {
        self.connection = connection
        self.config = config
        self.now = now
    }

    var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: now)
    }

    var versionStamp: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss-SSS"
        return formatter.string(from: now)
    }

    func checkSchema() throws {
        let names = Set(try connection.query("SELECT name FROM sqlite_schema").compactMap { $0[0].text })
        guard ["avaliacoes_anuais", "matriculas", "alunos", "cubo_engajamento", "modelos", "scores_risco", "scores_engajamento"]
            .allSatisfy(names.contains)
        else { throw ScoresError.notSchoolSchema }
    }

    func years() throws -> [Int] {
        try connection.query("SELECT DISTINCT ano_letivo FROM avaliacoes_anuais ORDER BY ano_letivo").compactMap { $0[0].integer.map(Int.init) }
    }

    /// Fits both models, stores them, promotes through the gate, and rescores with the promoted ones.
    public func train(progress: (String) -> Void = { _ in }) throws -> TrainingReport {
        try checkSchema()
        let started = ContinuousClock.now
        var report = TrainingReport()
        let years = try years()
        guard years.count >= 3 else { throw ScoresError.notEnoughYears }

        progress("engajamento: lendo o cubo")
        let cube = try EngagementModel.readCube(connection)
        let settings = config.engagement
        let (engagement, fit, points) = EngagementModel.train(cube, k: settings.k, restarts: settings.restarts, seed: settings.seed)
        progress("engajamento: silhueta para k = \(settings.silhouetteRange.first ?? 2)…\(settings.silhouetteRange.last ?? 8)")
        let d = EngagementModel.features.count
        for k in (settings.silhouetteRange.first ?? 2)...(settings.silhouetteRange.last ?? 8) {
            let labels = k == settings.k ? fit.labels
                : KMeans.fit(points, dimension: d, k: k, restarts: 3, seed: settings.seed, maxIterations: 50).labels
            report.silhouettes.append((k, KMeans.silhouette(points, dimension: d, labels: labels, k: k, sample: settings.silhouetteSample)))
        }
        report.engagementVersion = "engajamento-\(versionStamp)"

        progress("risco: montando os pares de anos")
        let testYear = years[years.count - 2]  // features of this year, outcomes of the latest
        let trainYears = Array(years[..<(years.count - 2)])
        let training = try trainYears.flatMap { try RiskModel.examples(connection, year: $0, engagement: engagement, withLabels: true) }
        let test = try RiskModel.examples(connection, year: testYear, engagement: engagement, withLabels: true)
        let risk = RiskModel.train(training, lambda: config.risk.lambda)
        report.metrics = risk.evaluate(test)
        report.trainingMetrics = risk.evaluate(training)
        report.trainYears = trainYears.map { $0 + 1 }
        report.testYear = testYear + 1
        report.riskVersion = "risco-\(versionStamp)"

        let previous = try promotedMetrics()
        report.previousF1 = previous?.f1
        report.promoted = previous.map { (report.metrics?.f1 ?? 0) >= config.risk.gate * $0.f1 } ?? true
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try connection.transaction {
            // Engagement has no held-out truth to gate on: the newest clustering is the one used.
            try connection.execute("UPDATE modelos SET promovido = 0 WHERE tipo = 'engajamento'")
            let silhouettes = Dictionary(uniqueKeysWithValues: report.silhouettes.map { (String($0.k), ($0.value * 10_000).rounded() / 10_000) })
            try insertModel(report.engagementVersion, "engajamento", metrics: ["k": settings.k, "silhuetas": silhouettes, "inercia": fit.inertia],
                            parameters: try encoder.encode(engagement), promoted: true)
            if report.promoted { try connection.execute("UPDATE modelos SET promovido = 0 WHERE tipo = 'risco'") }
            try insertModel(report.riskVersion, "risco", metrics: try metricsDictionary(report.metrics!, trainYears: report.trainYears, testYear: report.testYear),
                            parameters: try encoder.encode(risk), promoted: report.promoted)
        }
        report.clusterProfiles = profiles(engagement, cube: cube)
        report.scored = try compute()
        report.duration = ContinuousClock.now - started
        return report
    }

    /// Rescores every student with the promoted models: engagement per month, risk for the latest year.
    @discardableResult
    public func compute() throws -> (risk: Int, engagement: Int) {
        try checkSchema()
        guard let (engagementVersion, engagement): (String, EngagementModel) = try promoted("engajamento"),
            let (riskVersion, risk): (String, RiskModel) = try promoted("risco")
        else { throw ScoresError.noPromotedModel }
        guard let latest = try years().last else { return (0, 0) }
        let cube = try EngagementModel.readCube(connection)
        let examples = try RiskModel.examples(connection, year: latest, engagement: engagement, withLabels: false)
        let stamp = timestamp
        try connection.transaction {
            try connection.execute("DELETE FROM scores_engajamento; DELETE FROM scores_risco")
            let insertEngagement = try connection.prepare("INSERT INTO scores_engajamento VALUES (?, ?, ?, ?, ?, ?, ?)")
            for row in cube {
                let scored = engagement.score(row.values)
                try insertEngagement.run([.integer(row.student), .text(row.month), .integer(Int64(scored.cluster)), .text(scored.level),
                                          .real((scored.score * 10).rounded() / 10), .text(engagementVersion), .text(stamp)])
            }
            let insertRisk = try connection.prepare("INSERT INTO scores_risco VALUES (?, ?, ?, ?, ?, ?, ?)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for example in examples {
                let probability = risk.probability(example.values)
                let factors = risk.factors(example.values).map { Factor(fator: $0.text, peso: ($0.weight * 1000).rounded() / 1000) }
                try insertRisk.run([.integer(example.student), .integer(Int64(latest)), .real((probability * 10_000).rounded() / 10_000),
                                    .text(risk.level(probability)), .text(String(decoding: try encoder.encode(factors), as: UTF8.self)),
                                    .text(riskVersion), .text(stamp)])
            }
        }
        return (examples.count, cube.count)
    }

    /// What `indaga scores report` shows: the promoted models, their metrics, and the scores as stored.
    public struct Summary: Sendable {
        public var riskVersion: String?
        public var riskMetrics: [String: Double] = [:]
        public var trainYears: [Int] = []
        public var testYear: Int?
        public var engagementVersion: String?
        public var k = 0
        public var silhouettes: [(k: Int, value: Double)] = []
        /// Per engagement level: student-months and mean cube values.
        public var profiles: [(level: String, months: Int, interactions: Double, onTime: Double, missing: Double, grade: Double?, attendance: Double)] = []
        /// Per school: students at each risk level in the latest year.
        public var riskBySchool: [(school: String, high: Int, medium: Int, low: Int)] = []
        public var riskYear: Int?
    }

    public func summary() throws -> Summary {
        try checkSchema()
        var summary = Summary()
        if let row = try connection.query("SELECT versao, metricas FROM modelos WHERE tipo = 'risco' AND promovido = 1 ORDER BY treinado_em DESC LIMIT 1").first,
            let object = try JSONSerialization.jsonObject(with: Data((row[1].text ?? "{}").utf8)) as? [String: Any] {
            summary.riskVersion = row[0].text
            summary.riskMetrics = object.compactMapValues { $0 as? Double }
            summary.trainYears = object["anos_treino"] as? [Int] ?? []
            summary.testYear = object["ano_teste"] as? Int
        }
        if let row = try connection.query("SELECT versao, metricas FROM modelos WHERE tipo = 'engajamento' AND promovido = 1 ORDER BY treinado_em DESC LIMIT 1").first,
            let object = try JSONSerialization.jsonObject(with: Data((row[1].text ?? "{}").utf8)) as? [String: Any] {
            summary.engagementVersion = row[0].text
            summary.k = object["k"] as? Int ?? 0
            summary.silhouettes = ((object["silhuetas"] as? [String: Double]) ?? [:]).compactMap { key, value in Int(key).map { ($0, value) } }
                .sorted { $0.k < $1.k }
        }
        summary.profiles = try connection.query("""
            SELECT s.nivel, count(*), avg(c.interacoes_total), avg(c.entregas_no_prazo), avg(c.entregas_nao_entregues), avg(c.nota_media), avg(c.taxa_presenca)
            FROM scores_engajamento s JOIN cubo_engajamento c ON c.aluno_id = s.aluno_id AND c.mes = s.mes
            GROUP BY s.nivel ORDER BY min(s.cluster)
            """).map { ($0[0].text ?? "", Int($0[1].integer ?? 0), $0[2].double ?? 0, $0[3].double ?? 0, $0[4].double ?? 0, $0[5].double, $0[6].double ?? 0) }
        summary.riskYear = try connection.scalar("SELECT max(ano_letivo) FROM scores_risco")?.integer.map(Int.init)
        summary.riskBySchool = try connection.query("""
            SELECT e.nome, sum(r.nivel = 'alto'), sum(r.nivel = 'medio'), sum(r.nivel = 'baixo')
            FROM scores_risco r
            JOIN matriculas m ON m.aluno_id = r.aluno_id AND m.ano_letivo = r.ano_letivo
            JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id
            GROUP BY e.nome ORDER BY e.nome
            """).map { ($0[0].text ?? "", Int($0[1].integer ?? 0), Int($0[2].integer ?? 0), Int($0[3].integer ?? 0)) }
        return summary
    }

    struct Factor: Codable {
        let fator: String
        let peso: Double
    }

    func insertModel(_ version: String, _ kind: String, metrics: [String: Any], parameters: Data, promoted: Bool) throws {
        let metricsJSON = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
        try connection.prepare("INSERT INTO modelos (versao, tipo, treinado_em, metricas, parametros, promovido) VALUES (?, ?, ?, ?, ?, ?)")
            .run([.text(version), .text(kind), .text(timestamp), .text(String(decoding: metricsJSON, as: UTF8.self)),
                  .text(String(decoding: parameters, as: UTF8.self)), .integer(promoted ? 1 : 0)])
    }

    func metricsDictionary(_ metrics: ClassifierMetrics, trainYears: [Int], testYear: Int) throws -> [String: Any] {
        let data = try JSONEncoder().encode(metrics)
        var dictionary = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        dictionary["anos_treino"] = trainYears
        dictionary["ano_teste"] = testYear
        return dictionary
    }

    /// The promoted risk model's held-out metrics, if there is one.
    public func promotedMetrics() throws -> ClassifierMetrics? {
        guard let text = try connection.scalar("SELECT metricas FROM modelos WHERE tipo = 'risco' AND promovido = 1 ORDER BY treinado_em DESC LIMIT 1")?.text
        else { return nil }
        return try? JSONDecoder().decode(ClassifierMetrics.self, from: Data(text.utf8))
    }

    func promoted<Model: Decodable>(_ kind: String) throws -> (String, Model)? {
        guard let row = try connection.query(
            "SELECT versao, parametros FROM modelos WHERE tipo = ? AND promovido = 1 ORDER BY treinado_em DESC, versao DESC LIMIT 1", [.text(kind)]).first,
            let version = row[0].text, let parameters = row[1].text
        else { return nil }
        return (version, try JSONDecoder().decode(Model.self, from: Data(parameters.utf8)))
    }

    func profiles(_ model: EngagementModel, cube: [EngagementModel.Row]) -> [(level: String, count: Int, centroid: [Double])] {
        var counts = [Int](repeating: 0, count: model.k)
        var sums = [Double](repeating: 0, count: model.k * EngagementModel.features.count)
        let d = EngagementModel.features.count
        for row in cube {
            let cluster = model.score(row.values).cluster
            counts[cluster] += 1
            for column in 0..<d where !row.values[column].isNaN { sums[cluster * d + column] += row.values[column] }
        }
        return (0..<model.k).map { cluster in
            (model.levels[cluster], counts[cluster], (0..<d).map { sums[cluster * d + $0] / Double(max(1, counts[cluster])) })
        }
    }
}
