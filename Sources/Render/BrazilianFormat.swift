/// Numbers, sizes and durations as a Brazilian reader writes them (1.234,5).
///
/// Written out rather than through NumberFormatter so the output does not
/// depend on the machine's locale data.
public enum BrazilianFormat {
    /// "1.234.567"
    public static func integer<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(".") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "1.234,50" with a fixed number of decimals.
    public static func decimal(_ value: Double, fractionDigits: Int = 1) -> String {
        guard value.isFinite else { return value.isNaN ? "—" : (value < 0 ? "-∞" : "∞") }
        // Near 2^53 a double has no exact units left to group (and past Int64 none to convert):
        // scientific notation with a decimal comma ("1,5e+19").
        guard abs(value) < 9e15 else { return scientific(value) }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = (scaled / scale).rounded(.down)
        let fraction = Int((scaled - whole * scale).rounded())
        var text = integer(Int64(whole))
        if fractionDigits > 0 {
            let digits = String(fraction)
            text += "," + String(repeating: "0", count: max(0, fractionDigits - digits.count)) + digits
        }
        return (value < 0 && scaled != 0 ? "-" : "") + text
    }

    /// "1,5e+19": Swift's shortest exact digits, with the decimal comma.
    static func scientific(_ value: Double) -> String {
        let text = String(value)
        let mantissaEnd = text.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? text.endIndex
        let exponent = text[mantissaEnd...].dropFirst()
        let mantissa = String(text[..<mantissaEnd]).replacingOccurrences(of: ".", with: ",")
        guard !exponent.isEmpty else { return mantissa }
        return mantissa + "e" + (exponent.hasPrefix("-") || exponent.hasPrefix("+") ? String(exponent) : "+" + exponent)
    }

    /// "31,2 MB" (powers of 1024, as file managers show them).
    public static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(integer(count)) bytes" : "\(decimal(value, fractionDigits: 1)) \(units[unit])"
    }

    /// "2,3 s", or "850 ms" under a second.
    public static func duration(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        if seconds < 1 {
            return "\(integer(Int64((seconds * 1000).rounded()))) ms"
        }
        return "\(decimal(seconds, fractionDigits: 1)) s"
    }
}
