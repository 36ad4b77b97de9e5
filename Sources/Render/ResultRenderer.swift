/// One value of a result, as the renderer sees it (Render depends on no other module).
public enum Cell: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// A query result to show: column names, the rows kept, and how many there were in all.
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[Cell]]
    public var totalRows: Int

    public init(columns: [String], rows: [[Cell]], totalRows: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows ?? rows.count
    }
}

/// How a result is drawn for a person: pt-BR numbers, dd/mm/aaaa dates, a bar chart under
/// label + number results, long results cut with a count, wide ones shrunk or turned vertical.
public struct ResultRenderer: Sendable {
    /// Rows shown before "mostrando N de M linhas".
    public var rowLimit = 50
    /// Terminal columns available.
    public var width = 100
    /// ANSI styles: only for a terminal with NO_COLOR unset.
    public var colour = false

    public init(rowLimit: Int = 50, width: Int = 100, colour: Bool = false) {
        self.rowLimit = rowLimit
        self.width = max(40, width)
        self.colour = colour
    }

    public func render(_ table: ResultTable) -> String {
        var table = table
        // Names come from the query's aliases, and a query can name a column anything.
        table.columns = table.columns.map(ControlCharacters.visible)
        guard !table.columns.isEmpty else { return "(sem colunas)" }
        if table.rows.isEmpty { return dim("nenhuma linha") }
        let shown = Array(table.rows.prefix(rowLimit))
        let texts = shown.map { row in row.enumerated().map { Self.format($1, column: table.columns[$0]) } }
        let numeric = table.columns.indices.map { index in
            shown.allSatisfy { row in
                switch row[index] {
                case .integer, .real, .null: return true
                case .text: return false
                }
            }
        }
        var output = grid(table.columns, texts, numeric: numeric)
        if output.split(separator: "\n").first.map({ displayWidth(String($0)) > width }) == true {
            output = vertical(table.columns, texts)
        }
        if let chart = barChart(table, numeric: numeric) { output += "\n\n" + chart }
        if table.totalRows > shown.count {
            output += "\n" + dim("mostrando \(BrazilianFormat.integer(shown.count)) de \(BrazilianFormat.integer(table.totalRows)) linhas")
        }
        return output
    }

    /// A box grid, text columns shrunk (down to 12 columns) until it fits the width.
    private func grid(_ columns: [String], _ rows: [[String]], numeric: [Bool]) -> String {
        var limits = columns.indices.map { index in
            ([columns[index]] + rows.map { $0[index] }).map(displayWidth).max() ?? 1
        }
        func total() -> Int { limits.reduce(0, +) + 3 * limits.count + 1 }
        while total() > width, let widest = limits.indices.filter({ !numeric[$0] && limits[$0] > 12 }).max(by: { limits[$0] < limits[$1] }) {
            limits[widest] -= 1
        }
        var table = TextTable(columns: columns.indices.map {
            TextTable.Column(bold(columns[$0]), alignment: numeric[$0] ? .right : .left, maxWidth: limits[$0])
        })
        for row in rows { table.append(row) }
        return table.render()
    }

    /// One block per row, "coluna: valor" lines: for results too wide for any grid.
    private func vertical(_ columns: [String], _ rows: [[String]]) -> String {
        let labelWidth = columns.map(displayWidth).max() ?? 0
        return rows.enumerated().map { number, row in
            (["── linha \(number + 1) ──"] + columns.indices.map { index in
                let label = columns[index] + String(repeating: " ", count: labelWidth - displayWidth(columns[index]))
                return "\(bold(label))  \(truncate(row[index], toWidth: max(10, width - labelWidth - 2)))"
            }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Horizontal bars for a label column and a number column (up to 30 rows).
    private func barChart(_ table: ResultTable, numeric: [Bool]) -> String? {
        guard table.columns.count == 2, !numeric[0], numeric[1], (2...30).contains(table.rows.count) else { return nil }
        let values = table.rows.map { row -> Double in
            switch row[1] {
            case .integer(let value): return Double(value)
            case .real(let value): return value
            default: return 0
            }
        }
        guard let maximum = values.max(), maximum > 0, maximum.isFinite, values.allSatisfy({ $0 >= 0 }) else { return nil }
        let labels = table.rows.map { truncate(Self.format($0[0], column: table.columns[0]), toWidth: 28) }
        let labelWidth = labels.map(displayWidth).max() ?? 0
        let barWidth = max(10, min(40, width - labelWidth - 16))
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return zip(labels, values).map { label, value in
            let units = Int((value / maximum * Double(barWidth * 8)).rounded())
            let bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
            let pad = String(repeating: " ", count: labelWidth - displayWidth(label))
            return "\(label)\(pad) \(colourBar(bar)) \(Self.format(.real(value), column: table.columns[1], decimalsForWhole: 0))"
        }.joined(separator: "\n")
    }

    // MARK: - Values

    /// pt-BR numbers (not for identifiers, years or codes), dd/mm/aaaa dates, "—" for NULL,
    /// control characters made visible.
    public static func format(_ cell: Cell, column: String, decimalsForWhole: Int? = nil) -> String {
        switch cell {
        case .null:
            return "—"
        case .integer(let value):
            return isIdentifier(column) ? String(value) : BrazilianFormat.integer(value)
        case .real(let value):
            if value == value.rounded(), let decimals = decimalsForWhole {
                return BrazilianFormat.decimal(value, fractionDigits: decimals)
            }
            return BrazilianFormat.decimal(value, fractionDigits: abs(value) < 1 && value != 0 ? 3 : 2)
        case .text(let text):
            return brazilianDate(text) ?? ControlCharacters.visible(text)
        }
    }

    /// Ids, years, RA, codes and phases are names, not quantities: no thousands separator.
    static func isIdentifier(_ column: String) -> Bool {
        let name = column.lowercased()
        let parts = name.split(whereSeparator: { $0 == "_" || $0 == " " }).map(String.init)
        return parts.contains { ["id", "ano", "ra", "codigo", "fase", "mes", "cluster", "versao"].contains($0) } || name.hasPrefix("id")
    }

    /// "2024-03-07" → "07/03/2024"; "2024-03-07 14:05:09" → "07/03/2024 14:05".
    public static func brazilianDate(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count == 10 || characters.count == 19, characters[4] == "-", characters[7] == "-",
            characters.enumerated().allSatisfy({ [4, 7, 10, 13, 16].contains($0.offset) || $0.element.isNumber })
        else { return nil }
        let date = "\(String(characters[8...9]))/\(String(characters[5...6]))/\(String(characters[0...3]))"
        return characters.count == 10 ? date : "\(date) \(String(characters[11...15]))"
    }

    // MARK: - Styles

    private func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    private func colourBar(_ text: String) -> String { colour ? "\u{1B}[36m\(text)\u{1B}[0m" : text }
}
