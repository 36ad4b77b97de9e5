import Foundation

/// xoshiro256** seeded through SplitMix64: the same seed gives the same stream on every run.
///
/// Swift's own generator is seeded randomly per process, so the demo data
/// cannot use it (nor iterate a Dictionary, whose order is per process too).
struct SeededRandom: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }


    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in the closed range, by the high half of a 64×64 product.
    ///
    /// Written out rather than `Int.random(in:using:)`, whose algorithm the
    /// standard library may change, which would change the data.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    mutating func chance(_ probability: Double) -> Bool {
        uniform() < probability
    }

    /// Standard normal by Box–Muller (one value per call, kept simple over fast).
    mutating func normal(mean: Double = 0, sd: Double = 1) -> Double {
        let u1 = max(uniform(), 0x1.0p-53)
        let u2 = uniform()
        return mean + sd * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Poisson by Knuth's product method; the rates here are small (under 30).
    mutating func poisson(_ rate: Double) -> Int {
        guard rate > 0 else { return 0 }
        let limit = exp(-rate)
        var product = uniform()
        var count = 0
        while product > limit {
            count += 1
            product *= uniform()
        }
        return count
    }

    /// Binomial by summing Bernoulli draws; `trials` is a month of school days.
    mutating func binomial(_ trials: Int, _ probability: Double) -> Int {
        var successes = 0
        for _ in 0..<max(0, trials) where uniform() < probability {
            successes += 1
        }
        return successes
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

}

func logistic(_ x: Double) -> Double {
    1 / (1 + exp(-x))
}

func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
    min(max(value, low), high)
}

/// Rounds half away from zero to `places` decimals, as a person writes a grade.
func rounded(_ value: Double, _ places: Int) -> Double {
    let scale = pow(10, Double(places))
    return (value * scale).rounded() / scale
}
