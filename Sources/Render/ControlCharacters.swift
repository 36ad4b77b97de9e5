/// Control characters stored in the data, made visible before they reach a terminal.
///
/// A value holding `ESC[2J` or an OSC title would otherwise clear the screen or retitle the
/// window. As the `sqlite3` and `psql` shells do, C0 controls and DEL are shown in caret
/// notation (`^[`, `^G`, `^?`) and C1 controls by their code (`<9B>`); line breaks and tabs,
/// which only break a grid, become spaces. JSON, CSV and Markdown keep values as they are.
public enum ControlCharacters {
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D:
                result.unicodeScalars.append(" ")
            case 0x00..<0x20:
                result += "^" + String(UnicodeScalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                result += "^?"
            case 0x80..<0xA0:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "<" + hex + ">"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }
}
