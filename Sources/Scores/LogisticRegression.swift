import Foundation

/// L2-regularised logistic regression fitted by Newton's method (IRLS); the intercept is not penalised.
public struct LogisticRegression: Sendable, Codable, Equatable {
    public var weights: [Double]
    public var intercept: Double

    public init(weights: [Double], intercept: Double) {
        self.weights = weights
        self.intercept = intercept
    }

    /// Minimises Σ log-loss + (λ/2)·‖w‖² over `rows` (n × d, row-major) and 0/1 `labels`.
    public static func fit(rows: [Double], labels: [Double], dimension d: Int, lambda: Double = 1,
                           maxIterations: Int = 50, tolerance: Double = 1e-10) -> LogisticRegression {
        let n = labels.count
        let p = d + 1  // the intercept is the last parameter
        var beta = [Double](repeating: 0, count: p)
        for _ in 0..<maxIterations {
            var gradient = [Double](repeating: 0, count: p)
            var hessian = [Double](repeating: 0, count: p * p)
            for i in 0..<n {
                var z = beta[d]
                for j in 0..<d { z += beta[j] * rows[i * d + j] }
                let mu = sigmoid(z)
                let residual = mu - labels[i]
                let weight = max(mu * (1 - mu), 1e-12)
                for j in 0..<p {
                    let xj = j == d ? 1 : rows[i * d + j]
                    gradient[j] += residual * xj
                    for k in 0...j {
                        let xk = k == d ? 1 : rows[i * d + k]
                        hessian[j * p + k] += weight * xj * xk
                    }
                }
            }
            for j in 0..<p { for k in 0..<j { hessian[k * p + j] = hessian[j * p + k] } }
            for j in 0..<d {
                gradient[j] += lambda * beta[j]
                hessian[j * p + j] += lambda
            }
            guard let step = solveSymmetric(hessian, gradient) else { break }
            for j in 0..<p { beta[j] -= step[j] }
            if step.map(abs).max() ?? 0 < tolerance { break }
        }
        return LogisticRegression(weights: Array(beta[0..<d]), intercept: beta[d])
    }

    public func probability(_ row: ArraySlice<Double>) -> Double {
        var z = intercept
        for (weight, value) in zip(weights, row) { z += weight * value }
        return Self.sigmoid(z)
    }

    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}

/// How good a risk model is on data it did not see.
public struct ClassifierMetrics: Sendable, Codable, Equatable {
    public var auc: Double
    public var f1: Double
    public var precision: Double
    public var recall: Double
    /// Precision among the 10% highest scores.
    public var precisionTop10: Double
    public var brier: Double
    public var threshold: Double
    public var positives: Int
    public var count: Int

    public init(probabilities: [Double], labels: [Double], threshold: Double) {
        let count = labels.count
        let positives = labels.filter { $0 > 0.5 }.count
        var truePositives = 0, predicted = 0
        for (probability, label) in zip(probabilities, labels) where probability >= threshold {
            predicted += 1
            if label > 0.5 { truePositives += 1 }
        }
        precision = predicted > 0 ? Double(truePositives) / Double(predicted) : 0
        recall = positives > 0 ? Double(truePositives) / Double(positives) : 0
        f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        auc = Self.auc(probabilities, labels)
        let top = max(1, count / 10)
        let ranked = zip(probabilities, labels).sorted { $0.0 > $1.0 }.prefix(top)
        precisionTop10 = Double(ranked.filter { $0.1 > 0.5 }.count) / Double(top)
        brier = zip(probabilities, labels).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(1, count))
        self.threshold = threshold
        self.positives = positives
        self.count = count
    }

    /// The area under the ROC curve by ranks (Mann–Whitney), ties counted as half.
    static func auc(_ scores: [Double], _ labels: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        let positives = Double(labels.filter { $0 > 0.5 }.count)
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return 0.5 }
        let positiveRanks = zip(ranks, labels).filter { $0.1 > 0.5 }.reduce(0) { $0 + $1.0 }
        return (positiveRanks - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// The threshold with the best F1 on these scores (the one the model is used with).
    public static func bestThreshold(probabilities: [Double], labels: [Double]) -> Double {
        let candidates = Set(probabilities.map { ($0 * 200).rounded() / 200 }).sorted()
        var best = (threshold: 0.5, f1: -1.0)
        for threshold in candidates where threshold > 0 {
            let f1 = ClassifierMetrics(probabilities: probabilities, labels: labels, threshold: threshold).f1
            if f1 > best.f1 { best = (threshold, f1) }
        }
        return best.threshold
    }
}
