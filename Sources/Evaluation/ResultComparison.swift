import Database
import Foundation

/// Execution accuracy: does a predicted result hold the same answer as the gold one?
///
/// - Rows are a multiset (order and duplicates as counted), unless the order matters.
/// - Column names never matter; column order does not either, as long as each gold column
///   has its own predicted column with the same values.
/// - Numbers match within the precision of the less precise one (a value rounded to one
///   decimal place matches anything within half of that place) or a relative 1e-6; an
///   integer and a real compare as numbers, and so does text that is a plain number
///   (`strftime('%Y', …)` gives '2023' where the gold has 2023).
/// - NULL matches only NULL.
public enum ResultComparison {
    public enum Verdict: Sendable, Equatable {
        case same
        case different(String)

        public var isSame: Bool { self == .same }
    }

    /// How many column assignments to try before giving up (a wide result of equal columns).
    static let assignmentLimit = 20_000

    public static func compare(_ predicted: QueryResult, _ gold: QueryResult, orderMatters: Bool) -> Verdict {
        if predicted.truncated || gold.truncated {
            guard predicted.totalRows == gold.totalRows else {
                return .different("\(rowCount(predicted.totalRows)), esperava \(gold.totalRows)")
            }
            return .different("resultado grande demais para comparar (\(gold.totalRows) linhas)")
        }
        return compare(predicted.rows, columns: predicted.columns.count, gold.rows, columns: gold.columns.count, orderMatters: orderMatters)
    }

    /// Compares row lists with `columns` values each.
    public static func compare(_ predicted: [[DatabaseValue]], columns predictedColumns: Int, _ gold: [[DatabaseValue]], columns goldColumns: Int,
                               orderMatters: Bool) -> Verdict {
        if predicted.isEmpty && gold.isEmpty { return .same }
        guard predicted.count == gold.count else { return .different("\(rowCount(predicted.count)), esperava \(gold.count)") }
        guard predictedColumns == goldColumns else {
            return .different("\(predictedColumns) \(predictedColumns == 1 ? "coluna" : "colunas"), esperava \(goldColumns)")
        }
        let mine = predicted.map { $0.map(Cell.init) }
        let theirs = gold.map { $0.map(Cell.init) }
        let outcome = match(mine, theirs, width: goldColumns, ordered: orderMatters)
        if outcome == .found { return .same }
        if orderMatters, match(mine, theirs, width: goldColumns, ordered: false) == .found {
            return .different("as linhas certas, na ordem errada")
        }
        if case .noColumn(let index) = outcome { return .different("nenhuma coluna tem os valores da coluna \(index + 1) esperada") }
        return .different("os valores das linhas não conferem")
    }

    private enum Match: Equatable {
        case found
        /// This gold column's values are in no predicted column.
        case noColumn(Int)
        case noAssignment
    }

    /// Looks for a way to line the predicted columns up with the gold ones that gives the same rows.
    private static func match(_ mine: [[Cell]], _ theirs: [[Cell]], width: Int, ordered: Bool) -> Match {
        func column(_ rows: [[Cell]], _ index: Int) -> [Cell] { rows.map { $0[index] } }
        // Which predicted columns could stand for each gold column, judged on the column alone.
        var candidates: [[Int]] = []
        for goldIndex in 0..<width {
            let wanted = column(theirs, goldIndex)
            let fitting = (0..<width).filter { sameValues(column(mine, $0), wanted, ordered: ordered) }
            guard !fitting.isEmpty else { return .noColumn(goldIndex) }
            // The same position first: the usual case costs one try.
            candidates.append(fitting.sorted { ($0 != goldIndex ? 1 : 0, $0) < ($1 != goldIndex ? 1 : 0, $1) })
        }
        var assignment = [Int](repeating: -1, count: width)
        var used = [Bool](repeating: false, count: width)
        var tries = 0
        func search(_ goldIndex: Int) -> Bool {
            if goldIndex == width {
                tries += 1
                return sameRows(mine.map { row in assignment.map { row[$0] } }, theirs, ordered: ordered)
            }
            for candidate in candidates[goldIndex] where !used[candidate] {
                guard tries < assignmentLimit else { return false }
                used[candidate] = true
                assignment[goldIndex] = candidate
                if search(goldIndex + 1) { return true }
                used[candidate] = false
            }
            return false
        }
        return search(0) ? .found : .noAssignment
    }

    /// Two values as the comparison sees them.
    public static func same(_ a: DatabaseValue, _ b: DatabaseValue) -> Bool {
        Cell(a).matches(Cell(b))
    }

    private static func rowCount(_ count: Int) -> String {
        "\(count) \(count == 1 ? "linha" : "linhas")"
    }

    private static func sameValues(_ a: [Cell], _ b: [Cell], ordered: Bool) -> Bool {
        let (left, right) = ordered ? (a, b) : (a.sorted(by: Cell.precedes), b.sorted(by: Cell.precedes))
        return zip(left, right).allSatisfy { $0.matches($1) }
    }

    private static func sameRows(_ a: [[Cell]], _ b: [[Cell]], ordered: Bool) -> Bool {
        func rowsMatch(_ x: [Cell], _ y: [Cell]) -> Bool { zip(x, y).allSatisfy { $0.matches($1) } }
        if ordered { return zip(a, b).allSatisfy(rowsMatch) }
        let left = a.sorted(by: Cell.rowPrecedes)
        let right = b.sorted(by: Cell.rowPrecedes)
        if zip(left, right).allSatisfy(rowsMatch) { return true }
        // Sorting can split rows that match only within tolerance; pair them one by one instead.
        guard a.count <= 2_000 else { return false }
        var unused = Array(right.indices)
        for row in left {
            guard let position = unused.firstIndex(where: { rowsMatch(row, right[$0]) }) else { return false }
            unused.remove(at: position)
        }
        return true
    }
}

/// A value reduced to what the comparison cares about.
private enum Cell {
    case null
    /// `decimals`: places shown by a real (its precision); nil for integers and long reals.
    case number(Double, decimals: Int?)
    case text(String)
    case blob([UInt8])

    init(_ value: DatabaseValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .number(Double(number), decimals: nil)
        case .real(let number): self = .number(number, decimals: Self.decimals(of: number.description))
        case .text(let text):
            if let number = Self.plainNumber(text) {
                self = .number(number, decimals: text.contains(".") ? Self.decimals(of: text) : nil)
            } else {
                self = .text(text)
            }
        case .blob(let bytes): self = .blob(bytes)
        }
    }

    /// Digits after the decimal point, when few enough to mean the value was rounded.
    static func decimals(of text: String) -> Int? {
        guard !text.contains("e"), !text.contains("E"), let dot = text.firstIndex(of: ".") else { return nil }
        let places = text.distance(from: dot, to: text.endIndex) - 1
        return places <= 6 ? places : nil
    }

    /// `2023`, `-1.5`, `0.25`: digits with an optional sign and point, nothing else.
    static func plainNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 30,
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
            text.contains(where: \.isNumber)
        else { return nil }
        return Double(text)
    }

    func matches(_ other: Cell) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.text(let a), .text(let b)): return a == b
        case (.blob(let a), .blob(let b)): return a == b
        case (.number(let a, let placesA), .number(let b, let placesB)):
            if a == b { return true }
            var tolerance = 1e-9 * max(abs(a), abs(b))
            // The less precise of the two sets the tolerance: half a unit in its last place.
            if let places = [placesA, placesB].compactMap({ $0 }).min() {
                tolerance = max(tolerance, 0.5 * pow(10, -Double(places)) * (1 + 1e-9))
            }
            return abs(a - b) <= tolerance
        default: return false
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .number: return 1
        case .text: return 2
        case .blob: return 3
        }
    }

    static func precedes(_ a: Cell, _ b: Cell) -> Bool {
        switch (a, b) {
        case (.number(let x, _), .number(let y, _)): return x < y
        case (.text(let x), .text(let y)): return x < y
        case (.blob(let x), .blob(let y)): return x.lexicographicallyPrecedes(y)
        default: return a.rank < b.rank
        }
    }

    static func rowPrecedes(_ a: [Cell], _ b: [Cell]) -> Bool {
        for (x, y) in zip(a, b) {
            if precedes(x, y) { return true }
            if precedes(y, x) { return false }
        }
        return false
    }
}
