import ArgumentParser
import Render

/// The sensible range of a numeric option: outside it, a pt-BR usage error instead of a
/// trap (`--timeout inf`) or minutes of work nobody meant (`--max-tries 1000000`).
enum OptionRange {
    static func check(_ value: Int, _ range: ClosedRange<Int>, option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) vai de \(BrazilianFormat.integer(range.lowerBound)) a \(BrazilianFormat.integer(range.upperBound)) (veio \(value))")
        }
    }

    /// `value` brought into `range` (NaN to its lower bound): for a caller that skipped validate().
    static func clamped<T: Comparable>(_ value: T, _ range: ClosedRange<T>) -> T {
        max(range.lowerBound, min(value, range.upperBound))
    }

    /// Also refuses infinity and NaN, which no range contains.
    static func check(_ value: Double, _ range: ClosedRange<Double>, option: String, unit: String = "s") throws {
        guard range.contains(value) else {
            let shown = value.isFinite ? BrazilianFormat.decimal(value, fractionDigits: 1) : "\(value)"
            throw ValidationError("\(option) vai de \(BrazilianFormat.decimal(range.lowerBound, fractionDigits: 1)) a "
                + "\(BrazilianFormat.decimal(range.upperBound, fractionDigits: 0)) \(unit) (veio \(shown))")
        }
    }
}
