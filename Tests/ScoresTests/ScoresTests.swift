import Database
import DemoDatabase
import Foundation
import TestSupport
import Testing

@testable import Scores

@Suite("k-means and logistic regression")
struct AlgorithmTests {
    @Test("k-means++ with restarts recovers three separated groups exactly, the same way every run")
    func recoversClusters() {
        var generator = SeededGenerator(seed: 1)
        let centres: [(Double, Double)] = [(0, 0), (10, 10), (-10, 8)]
        var points: [Double] = []
        var truth: [Int] = []
        for (group, centre) in centres.enumerated() {
            for _ in 0..<100 {
                points += [centre.0 + generator.unit() * 2 - 1, centre.1 + generator.unit() * 2 - 1]
                truth.append(group)
            }
        }
        let fit = KMeans.fit(points, dimension: 2, k: 3, restarts: 5, seed: 9)
        // Same partition up to the clusters' numbering.
        var mapping: [Int: Int] = [:]
        for (label, group) in zip(fit.labels, truth) { mapping[group] = mapping[group] ?? label }
        #expect(Set(mapping.values).count == 3)
        #expect(zip(fit.labels, truth).allSatisfy { mapping[$0.1] == $0.0 })
        #expect(KMeans.fit(points, dimension: 2, k: 3, restarts: 5, seed: 9) == fit)
        #expect(KMeans.silhouette(points, dimension: 2, labels: fit.labels, k: 3) > 0.8)
    }

    @Test("Newton/IRLS matches SciPy's BFGS on the same objective to 1e-6 (Tests/ScoresTests/logistic_reference.py)")
    func logisticMatchesReference() {
        let rows: [Double] = [0.5, 1.2, 1.5, -0.3, -0.7, 0.8, 2.1, 1.1, -1.2, -0.5, 0.3, -1.4,
                              1.8, 0.4, -0.4, 2.0, 0.9, 0.9, -1.6, 1.3, 1.1, -0.8, -0.2, -0.1]
        let labels: [Double] = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1]
        let model = LogisticRegression.fit(rows: rows, labels: labels, dimension: 2, lambda: 1)
        let reference = [1.144100716726249, 0.40822911926963446, -0.545183123800967]
        #expect(abs(model.weights[0] - reference[0]) < 1e-6)
        #expect(abs(model.weights[1] - reference[1]) < 1e-6)
        #expect(abs(model.intercept - reference[2]) < 1e-6)
    }

    @Test("AUC, F1, precision at the top 10% and Brier on a hand-checked case")
    func metrics() {
        let metrics = ClassifierMetrics(probabilities: [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1, 0.05, 0.6, 0.35],
                                        labels: [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], threshold: 0.5)
        // Positives rank 10, 9 and 6 of 10: (25 - 6) / (3 · 7).
        #expect(abs(metrics.auc - 19.0 / 21.0) < 1e-12)
        #expect(abs(metrics.precision - 0.5) < 1e-12 && abs(metrics.recall - 2.0 / 3.0) < 1e-12)
        #expect(abs(metrics.f1 - 4.0 / 7.0) < 1e-12)
        #expect(metrics.precisionTop10 == 1)
    }
}

/// The demo database trained once (train is the expensive part), in its own copy per test.
enum ScoresFixture {
    static let folder = try! TemporaryFolder()
    static let demo: Result<String, Error> = Result { try DemoDatabase.write(to: folder.path("escola.sqlite")).path }
    static var fast: ScoresConfig {
        var config = ScoresConfig()
        config.engagement.restarts = 3
        config.engagement.silhouetteRange = [3, 5]
        config.engagement.silhouetteSample = 500
        return config
    }

    static func copy() throws -> (TemporaryFolder, Connection) {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: try demo.get(), toPath: folder.path("escola.sqlite"))
        return (folder, try Connection(path: folder.path("escola.sqlite"), mode: .readWrite))
    }
}

@Suite("scores on the demo database", .serialized)
struct ScoresJobTests {
    @Test("nothing of year T enters the features: shuffling year T's rows leaves them identical")
    func noLeakage() throws {
        let (folder, connection) = try ScoresFixture.copy()
        defer { withExtendedLifetime(folder) {} }
        let (engagement, _, _) = EngagementModel.train(try EngagementModel.readCube(connection), k: 4, restarts: 2, seed: 42)
        let before = try RiskModel.examples(connection, year: 2023, engagement: engagement, withLabels: true)
        // Year T = 2024: permute every outcome-year column across students.
        try connection.execute("""
            CREATE TEMP TABLE shuffled AS SELECT aluno_id, row_number() OVER (ORDER BY random()) AS position FROM avaliacoes_anuais WHERE ano_letivo = 2024;
            UPDATE avaliacoes_anuais SET inde = random() % 10, ieg = random() % 10, ida = random() % 10, defasagem = -(abs(random()) % 3),
                pedra = 'Quartzo' WHERE ano_letivo = 2024;
            UPDATE matriculas SET situacao = CASE abs(random()) % 2 WHEN 0 THEN 'evadida' ELSE 'ativa' END WHERE ano_letivo = 2024;
            UPDATE frequencia_mensal SET presencas = abs(random()) % (aulas_previstas + 1) WHERE mes LIKE '2024-%';
            DELETE FROM interacoes WHERE ocorrido_em LIKE '2024-%';
            UPDATE entregas SET status = 'nao_entregue', nota = NULL WHERE atividade_id IN (SELECT id FROM atividades WHERE prazo LIKE '2024-%');
            """)
        let after = try RiskModel.examples(connection, year: 2023, engagement: engagement, withLabels: true)
        #expect(before.map(\.values) == after.map(\.values))
        #expect(before.map(\.student) == after.map(\.student))
        #expect(before.map(\.label) != after.map(\.label), "the labels do come from year T")
    }

    @Test("train: held-out AUC ≥ 0,80, scores in the tables, readable by SQL, factors in words; the gate both ways")
    func trainAndGate() throws {
        let (folder, connection) = try ScoresFixture.copy()
        defer { withExtendedLifetime(folder) {} }
        let job = ScoresJob(connection: connection, config: ScoresFixture.fast)
        let first = try job.train()
        #expect(first.promoted && first.previousF1 == nil)
        #expect((first.metrics?.auc ?? 0) >= 0.80, "AUC \(first.metrics?.auc ?? 0)")
        #expect(first.testYear == 2024 && first.trainYears == [2023])

        let rows = try connection.query("""
            SELECT a.ra, r.probabilidade, r.nivel, r.fatores FROM scores_risco r JOIN alunos a ON a.id = r.aluno_id
            WHERE r.ano_letivo = 2024 ORDER BY r.probabilidade DESC LIMIT 5
            """)
        #expect(rows.count == 5)
        #expect(rows.first?[2].text == "alto")
        let factors = try JSONSerialization.jsonObject(with: Data((rows.first?[3].text ?? "").utf8)) as? [[String: Any]] ?? []
        #expect(factors.count == 3 && factors.allSatisfy { ($0["fator"] as? String)?.isEmpty == false && ($0["peso"] as? Double ?? 0) > 0 })
        let levels = try connection.query("SELECT DISTINCT nivel FROM scores_engajamento ORDER BY nivel").compactMap { $0[0].text }
        #expect(levels == ["alto", "baixo", "inativo", "medio"])
        #expect(try connection.scalar("SELECT count(*) FROM scores_engajamento")?.integer == 31_357)
        #expect(try connection.scalar("SELECT min(score) >= 0 AND max(score) <= 100 FROM scores_engajamento")?.integer == 1)

        // A promoted model far better than anything training can give: the new one is stored, not promoted.
        try connection.execute("UPDATE modelos SET metricas = json_set(metricas, '$.f1', 0.99) WHERE tipo = 'risco' AND promovido = 1")
        let blocked = try ScoresJob(connection: connection, config: ScoresFixture.fast, now: Date().addingTimeInterval(1)).train()
        #expect(!blocked.promoted && blocked.previousF1 == 0.99)
        #expect(try connection.scalar("SELECT count(*) FROM modelos WHERE tipo = 'risco'")?.integer == 2)
        #expect(try connection.scalar("SELECT versao FROM modelos WHERE tipo = 'risco' AND promovido = 1")?.text == first.riskVersion)
        #expect(try connection.scalar("SELECT DISTINCT modelo_versao FROM scores_risco")?.text == first.riskVersion)

        // A weak promoted model: the new one passes the gate and takes over.
        try connection.execute("UPDATE modelos SET metricas = json_set(metricas, '$.f1', 0.30) WHERE versao = '\(first.riskVersion)'")
        let passed = try ScoresJob(connection: connection, config: ScoresFixture.fast, now: Date().addingTimeInterval(2)).train()
        #expect(passed.promoted)
        #expect(try connection.scalar("SELECT versao FROM modelos WHERE tipo = 'risco' AND promovido = 1")?.text == passed.riskVersion)
        #expect(try connection.scalar("SELECT DISTINCT modelo_versao FROM scores_risco")?.text == passed.riskVersion)
    }

    @Test("cluster names follow the index, not k-means' numbering: any seed gives the same ordering of levels")
    func stableNames() throws {
        let (folder, connection) = try ScoresFixture.copy()
        defer { withExtendedLifetime(folder) {} }
        let cube = try EngagementModel.readCube(connection)
        let one = EngagementModel.train(cube, k: 4, restarts: 2, seed: 1).0
        let two = EngagementModel.train(cube, k: 4, restarts: 2, seed: 99).0
        #expect(one.levels == ["alto", "medio", "baixo", "inativo"] && two.levels == one.levels)
        let indexes = (0..<4).map { EngagementModel.index(Array(one.centroids[($0 * 11)..<($0 * 11 + 11)])) }
        #expect(indexes == indexes.sorted(by: >))
    }
}
