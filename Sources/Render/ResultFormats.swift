import Foundation

/// A result as data for another program: CSV (RFC 4180) or a Markdown table.
///
/// Unlike the text renderer these keep every row and plain machine numbers (1234.5,
/// not 1.234,5), because the reader is a spreadsheet or a document, not a person at a terminal.
public enum ResultFormats {
    public static func csv(_ table: ResultTable) -> String {
        ([table.columns] + table.rows.map { $0.map(plain) }).map { $0.map(csvField).joined(separator: ",") }
            .joined(separator: "\r\n") + "\r\n"
    }

    public static func markdown(_ table: ResultTable) -> String {
        var lines = ["| " + table.columns.map(markdownCell).joined(separator: " | ") + " |"]
        // Numeric columns align right, as in the text table.
        lines.append("|" + table.columns.indices.map { column in
            !table.rows.isEmpty && table.rows.allSatisfy { isNumber($0[column]) || $0[column] == .null } ? " ---: |" : " --- |"
        }.joined())
        lines += table.rows.map { "| " + $0.map { markdownCell(plain($0)) }.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break; quotes doubled.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Pipes escaped and line breaks turned into <br>, so one value stays in one cell.
    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
    }

    static func plain(_ cell: Cell) -> String {
        switch cell {
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .text(let text): return text
        case .null: return ""
        }
    }

    static func isNumber(_ cell: Cell) -> Bool {
        switch cell {
        case .integer, .real: return true
        default: return false
        }
    }
}
