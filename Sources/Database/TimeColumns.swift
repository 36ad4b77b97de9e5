import Foundation

/// The columns that say when: integer years (`ano_letivo`) and ISO dates or months (`mes` = '2024-03').
/// Retrieval tells the model how each table filters a year by them; the repair of generated SQL
/// swaps a year column a table does not have for the date column it has.
extension Schema {
    /// Integer columns whose name says year: `ano`, `ano_letivo`, `ano_ingresso`, `year`, `fiscal_year`.
    /// Part of a key with others (one row per student per year) still counts; the whole key of a
    /// table of years does not.
    /// A column the catalog gives the role `ano` is one whatever its name; one with another role is not.
    public func yearColumns(of table: Table) -> [String] {
        let soleKey = table.columns.count(where: \.isPrimaryKey) == 1
        return table.columns.filter { column in
            guard let role = column.role else {
                return column.affinity == .integer && !(column.isPrimaryKey && soleKey) && Self.namesYear(column.name)
            }
            return role == .year
        }.map(\.name)
    }

    /// Text columns whose sampled values are ISO dates, date-times or months ('2024-03'), or that
    /// the catalog calls a date, date-time or ISO month. A view is never sampled: its columns named
    /// like a date column of a table are taken as dates too.
    public func dateColumns(of table: Table) -> [String] {
        let isDate = { (column: Column) in
            guard let role = column.role else { return !column.sampleValues.isEmpty && column.sampleValues.allSatisfy(Self.isISODate) }
            return role == .date || role == .dateTime || (role == .month && column.affinity != .integer)
        }
        guard table.kind == .view else { return table.columns.filter(isDate).map(\.name) }
        let known = Set(tables.filter { $0.kind == .table }.flatMap { $0.columns.filter(isDate).map { $0.name.lowercased() } })
        return table.columns.filter { known.contains($0.name.lowercased()) }.map(\.name)
    }

    /// Date columns whose sampled values are months alone ('2024-03'), on which SQLite's date
    /// functions give NULL. A view's columns named like a month column of a table are months too.
    public func monthColumns(of table: Table) -> [String] {
        let isMonth = { (column: Column) in
            let isoMonths = !column.sampleValues.isEmpty && column.sampleValues.allSatisfy { $0.utf8.count == 7 && Self.isISODate($0) }
            guard let role = column.role else { return isoMonths }
            return role == .month && column.affinity != .integer
        }
        guard table.kind == .view else { return table.columns.filter(isMonth).map(\.name) }
        let known = Set(tables.filter { $0.kind == .table }.flatMap { $0.columns.filter(isMonth).map { $0.name.lowercased() } })
        return table.columns.filter { known.contains($0.name.lowercased()) }.map(\.name)
    }

    /// Whether a column name says year: one of its words is "ano" or "year" (`ano_letivo`, `yearID`).
    public static func namesYear(_ name: String) -> Bool {
        nameParts(name).contains { $0 == "ano" || $0 == "year" }
    }

    /// Whether `text` starts like an ISO date or month: '2024-03', '2024-03-01', '2024-03-01 08:00'.
    public static func isISODate(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count >= 7, characters[4] == UInt8(ascii: "-") else { return false }
        let digit = { (c: UInt8) in c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        return characters[0..<4].allSatisfy(digit) && digit(characters[5]) && digit(characters[6])
            && (characters.count == 7 || characters[7] == UInt8(ascii: "-"))
    }
}
