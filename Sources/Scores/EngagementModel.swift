import Database
import Foundation

/// Engagement per student and month: standardised cube features, k-means clusters named by a
/// composite index, and a 0–100 score from the same index.
public struct EngagementModel: Sendable, Codable, Equatable {
    /// The cube's columns the model reads, in order.
    public static let features = [
        "acessos", "postagens", "comentarios", "respostas", "curtidas", "materiais",
        "entregas_no_prazo", "entregas_atrasadas", "entregas_nao_entregues", "nota_media", "taxa_presenca",
    ]
    /// How each standardised feature counts in the engagement index: participation, deliveries on
    /// time, grades and presence up; late and missing deliveries down.
    public static let indexWeights: [Double] = [1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1, -0.5, -1, 1, 1]
    /// Names from the highest index to the lowest.
    public static let levelNames = ["alto", "medio", "baixo", "inativo"]

    public var standardizer: Standardizer
    /// A missing mean grade (no graded delivery that month) is read as the training mean.
    public var centroids: [Double]
    public var k: Int
    /// Level of each cluster; cluster 0 has the highest index.
    public var levels: [String]
    /// Index values mapped to 0 and 100 (the 1st and 99th percentiles of training).
    public var indexLow: Double
    public var indexHigh: Double

    /// One row of the cube: a student, a month, the feature values.
    public struct Row: Sendable {
        public let student: Int64
        public let month: String
        public let values: [Double]
    }

    /// Reads the cube; NULL grades become NaN here and the training mean later.
    public static func readCube(_ connection: Connection, where filter: String = "") throws -> [Row] {
        let columns = features.map { "CAST(\($0) AS REAL)" }.joined(separator: ", ")
        return try connection.query("SELECT aluno_id, mes, \(columns) FROM cubo_engajamento \(filter) ORDER BY aluno_id, mes").map { row in
            Row(student: row[0].integer ?? 0, month: row[1].text ?? "", values: (2..<row.count).map { row[$0].double ?? .nan })
        }
    }

    /// A clustering of `rows` into `k` levels, the best of `restarts` seeded runs.
    public static func train(_ rows: [Row], k: Int = 4, restarts: Int = 10, seed: UInt64 = 42) -> (EngagementModel, KMeans.Result, [Double]) {
        let d = features.count
        var flat = rows.flatMap(\.values)
        // Grades: a month without one takes the mean of the months with one.
        let grades = stride(from: 9, to: flat.count, by: d).map { flat[$0] }.filter { !$0.isNaN }
        let meanGrade = grades.isEmpty ? 0 : grades.reduce(0, +) / Double(grades.count)
        for index in stride(from: 9, to: flat.count, by: d) where flat[index].isNaN { flat[index] = meanGrade }
        let standardizer = Standardizer(rows: flat, dimension: d)
        let points = standardizer.transform(flat)
        let fit = KMeans.fit(points, dimension: d, k: k, restarts: restarts, seed: seed)

        // Name clusters by their centroid's index, highest first, and renumber them that way,
        // so names and numbers stay put across retrains whatever order k-means found them in.
        let centroidIndex = (0..<k).map { index(Array(fit.centroids[($0 * d)..<($0 * d + d)])) }
        let order = (0..<k).sorted { centroidIndex[$0] > centroidIndex[$1] }
        var centroids: [Double] = []
        for cluster in order { centroids += fit.centroids[(cluster * d)..<(cluster * d + d)] }
        let levels = (0..<k).map { rank -> String in
            if rank == 0 { return "alto" }
            if rank == k - 1 { return "inativo" }
            return Double(rank) / Double(k - 1) < 0.5 ? "medio" : "baixo"
        }
        let pointIndex = (0..<(points.count / d)).map { index(Array(points[($0 * d)..<($0 * d + d)])) }.sorted()
        let low = pointIndex[Int(Double(pointIndex.count - 1) * 0.01)]
        let high = pointIndex[Int(Double(pointIndex.count - 1) * 0.99)]
        let model = EngagementModel(standardizer: standardizer, centroids: centroids, k: k, levels: levels, indexLow: low, indexHigh: high)
        return (model, fit, points)
    }

    /// The composite engagement index of standardised values.
    static func index(_ z: [Double]) -> Double {
        let total = indexWeights.reduce(0) { $0 + abs($1) }
        return zip(indexWeights, z).reduce(0) { $0 + $1.0 * $1.1 } / total
    }

    /// The cluster, level and 0–100 score of one row.
    public func score(_ values: [Double]) -> (cluster: Int, level: String, score: Double) {
        var raw = values
        if raw[9].isNaN { raw[9] = standardizer.means[9] }
        let z = standardizer.transform(raw)
        let d = z.count
        var best = (cluster: 0, distance: Double.infinity)
        for cluster in 0..<k {
            let distance = KMeans.squaredDistance(z, 0, centroids, cluster, d)
            if distance < best.distance { best = (cluster, distance) }
        }
        let value = (Self.index(z) - indexLow) / max(1e-9, indexHigh - indexLow)
        return (best.cluster, levels[best.cluster], min(100, max(0, value * 100)))
    }
}
