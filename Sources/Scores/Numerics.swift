/// A small seeded generator (SplitMix64): the same seed gives the same clusters on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// Column means and standard deviations of a row-major matrix, for z-scores stored with a model.
public struct Standardizer: Sendable, Codable, Equatable {
    public var means: [Double]
    public var deviations: [Double]

    /// Fits on `rows` (n × d, row-major); a constant column gets deviation 1 so it maps to 0.
    public init(rows: [Double], dimension: Int) {
        let count = max(1, rows.count / dimension)
        var means = [Double](repeating: 0, count: dimension)
        for row in 0..<count { for column in 0..<dimension { means[column] += rows[row * dimension + column] } }
        means = means.map { $0 / Double(count) }
        var variances = [Double](repeating: 0, count: dimension)
        for row in 0..<count {
            for column in 0..<dimension {
                let difference = rows[row * dimension + column] - means[column]
                variances[column] += difference * difference
            }
        }
        self.means = means
        deviations = variances.map { let deviation = ($0 / Double(count)).squareRoot(); return deviation > 1e-12 ? deviation : 1 }
    }

    public func transform(_ rows: [Double]) -> [Double] {
        let dimension = means.count
        var result = rows
        for index in result.indices {
            let column = index % dimension
            result[index] = (result[index] - means[column]) / deviations[column]
        }
        return result
    }
}

/// Solves A x = b for a symmetric positive-definite A (n × n, row-major) by Cholesky.
/// Returns nil when A is not positive definite.
func solveSymmetric(_ matrix: [Double], _ vector: [Double]) -> [Double]? {
    let n = vector.count
    var lower = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var sum = matrix[i * n + j]
            for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
            if i == j {
                guard sum > 0 else { return nil }
                lower[i * n + i] = sum.squareRoot()
            } else {
                lower[i * n + j] = sum / lower[j * n + j]
            }
        }
    }
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var sum = vector[i]
        for k in 0..<i { sum -= lower[i * n + k] * y[k] }
        y[i] = sum / lower[i * n + i]
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var sum = y[i]
        for k in (i + 1)..<n { sum -= lower[k * n + i] * x[k] }
        x[i] = sum / lower[i * n + i]
    }
    return x
}
