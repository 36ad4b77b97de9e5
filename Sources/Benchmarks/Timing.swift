import Foundation
import LLM

/// Repeats `body` until both `minimumRuns` and `duration` are reached, after `warmup` untimed runs.
///
/// - Returns: the time of each timed run.
func timeRuns(warmup: Int, minimumRuns: Int, duration: Duration, _ body: () -> Void) -> [Duration] {
    let clock = ContinuousClock()
    for _ in 0..<warmup { body() }
    var samples: [Duration] = []
    let deadline = clock.now + duration
    while samples.count < minimumRuns || clock.now < deadline {
        let started = clock.now
        body()
        samples.append(clock.now - started)
    }
    return samples
}

/// The value at `fraction` (0…1) of the sorted samples, nearest rank.
func percentile(_ samples: [Duration], _ fraction: Double) -> Duration {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .zero }
    return sorted[min(sorted.count - 1, Int((fraction * Double(sorted.count - 1)).rounded()))]
}

/// The most memory this process has held at once, in bytes (getrusage's ru_maxrss).
public func peakResidentMemory() -> Int64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int64(usage.ru_maxrss) * 1024
}

/// A duration that is coded as fractional milliseconds, the unit of every time in the benchmarks' JSON.
@propertyWrapper
public struct Milliseconds: Sendable, Codable {
    public var wrappedValue: Duration

    public init(wrappedValue: Duration) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: Decoder) throws {
        wrappedValue = .nanoseconds(Int64((try decoder.singleValueContainer().decode(Double.self) * 1_000_000).rounded()))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.milliseconds)
    }
}
