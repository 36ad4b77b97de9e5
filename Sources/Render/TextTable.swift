/// A table drawn with box characters, aligned by display width.
public struct TextTable: Sendable {
    public enum Alignment: Sendable {
        case left, right
    }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// Cells wider than this are cut with "…".
        public var maxWidth: Int

        public init(_ title: String, alignment: Alignment = .left, maxWidth: Int = 60) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = max(1, maxWidth)
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row; missing cells are blank and extra cells are dropped.
    public mutating func append(_ cells: [String]) {
        rows.append((0..<columns.count).map { $0 < cells.count ? cells[$0] : "" })
    }

    /// The table as lines of text, with a header row and a rule under it.
    public func render() -> String {
        // Newlines and tabs inside a cell would break the grid.
        let cells = rows.map { row in
            zip(row, columns).map { truncate(flatten($0), toWidth: $1.maxWidth) }
        }
        let titles = columns.map { truncate($0.title, toWidth: $0.maxWidth) }
        let widths = columns.indices.map { index in
            ([titles[index]] + cells.map { $0[index] }).map(displayWidth).max() ?? 0
        }
        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func row(_ values: [String], header: Bool) -> String {
            let padded = values.indices.map { index -> String in
                let gap = String(repeating: " ", count: widths[index] - displayWidth(values[index]))
                return columns[index].alignment == .right && !header ? gap + values[index] : values[index] + gap
            }
            return "│ " + padded.joined(separator: " │ ") + " │"
        }
        var lines = [line("┌", "┬", "┐"), row(titles, header: true), line("├", "┼", "┤")]
        lines += cells.map { row($0, header: false) }
        lines.append(line("└", "┴", "┘"))
        return lines.joined(separator: "\n")
    }

    private func flatten(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\t" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
    }
}
