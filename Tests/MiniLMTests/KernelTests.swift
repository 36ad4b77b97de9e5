import Foundation
import Testing

@testable import MiniLM

@Suite("Numeric kernels against plain references")
struct KernelTests {
    @Test("the vectorised erf agrees with libm's to 1e-6")
    func erfAccuracy() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            let approximation = erf(SIMD8<Float>(repeating: x))[0]
            worst = max(worst, abs(approximation - Foundation.erf(x)))
            x += 0.001
        }
        #expect(worst < 1e-6, "worst error \(worst)")
    }

    /// A deterministic pseudo-random matrix in [-1, 1).
    func matrix(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    @Test("the packed linear layer equals x·Wᵀ + b, with each epilogue, for any row count", arguments: [1, 3, 4, 5, 11])
    func packedLinear(rows: Int) {
        let inputs = 768  // two K blocks
        let outputs = 2 * PackedLinear.panelWidth
        let weight = matrix(inputs * outputs, seed: 1)
        let bias = matrix(outputs, seed: 2)
        let x = matrix(rows * inputs, seed: 3)
        let residual = matrix(rows * outputs, seed: 4)
        let layer = PackedLinear(weight: weight, bias: bias, inputs: inputs, outputs: outputs)
        let teams = [1: WorkerTeam(size: 1), 2: WorkerTeam(size: 2)]
        for (epilogueName, threads) in [("none", 1), ("gelu", 2), ("residual", 2)] {
            var y = [Float](repeating: .nan, count: rows * outputs)
            residual.withUnsafeBufferPointer { residual in
                let epilogue: PackedLinear.Epilogue = epilogueName == "gelu" ? .gelu : epilogueName == "residual" ? .residual(residual.baseAddress!) : .none
                y.withUnsafeMutableBufferPointer { y in
                    layer.apply(x, rows: rows, into: y.baseAddress!, epilogue: epilogue, team: teams[threads]!)
                }
            }
            var worst: Double = 0
            for r in 0..<rows {
                for o in 0..<outputs {
                    var expected = Double(bias[o])
                    for i in 0..<inputs { expected += Double(x[r * inputs + i]) * Double(weight[o * inputs + i]) }
                    if epilogueName == "gelu" { expected = 0.5 * expected * (1 + Foundation.erf(expected / 2.0.squareRoot())) }
                    if epilogueName == "residual" { expected += Double(residual[r * outputs + o]) }
                    worst = max(worst, abs(Double(y[r * outputs + o]) - expected))
                }
            }
            #expect(worst < 1e-3, "\(epilogueName): worst error \(worst)")
        }
    }

    @Test("layer norm gives mean β and the γ scale")
    func layerNormMatchesDefinition() {
        let width = 384
        var x = matrix(2 * width, seed: 7)
        let original = x
        let gamma = matrix(width, seed: 8)
        let beta = matrix(width, seed: 9)
        x.withUnsafeMutableBufferPointer { layerNorm($0.baseAddress!, rows: 2, width: width, gamma: gamma, beta: beta) }
        for row in 0..<2 {
            let values = original[(row * width)..<((row + 1) * width)].map(Double.init)
            let mean = values.reduce(0, +) / Double(width)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
            for column in 0..<width {
                let expected = Double(gamma[column]) * (values[column] - mean) / (variance + 1e-12).squareRoot() + Double(beta[column])
                #expect(abs(Double(x[row * width + column]) - expected) < 1e-4)
            }
        }
    }

    @Test("a worker team runs every part of every step, also when idle between steps and shared by callers")
    func workerTeam() async throws {
        let team = WorkerTeam(size: 2)
        final class Counter: @unchecked Sendable {
            var hits = [Int](repeating: 0, count: 2)
        }
        let counter = Counter()
        // Fresh teams used at once: a step posted before a worker thread starts must not be lost.
        for _ in 0..<50 {
            let fresh = WorkerTeam(size: 2)
            fresh.run { worker, _ in if worker == 1 { counter.hits[1] += 0 } }
        }
        for step in 0..<2_000 {
            team.run { worker, workers in
                #expect(workers == 2)
                counter.hits[worker] += 1
            }
            // Let the helpers fall asleep now and then, so waking them is tested too.
            if step % 500 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(counter.hits == [2_000, 2_000])
        // Two callers at once: the one that finds the team busy does its step alone, and nothing is lost.
        let totals = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let seen = Counter()
                    for _ in 0..<500 {
                        team.run { worker, workers in
                            if workers == 1 { seen.hits[0] += 2 } else { seen.hits[worker] += 1 }
                        }
                    }
                    return seen.hits.reduce(0, +)
                }
            }
            return await group.reduce(0, +)
        }
        #expect(totals == 4 * 500 * 2)
    }
}
