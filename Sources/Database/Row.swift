/// One result row: values in column order, readable by position or name.
public struct Row: Sendable, Hashable {
    public let columnNames: [String]
    public let values: [DatabaseValue]

    public init(columnNames: [String], values: [DatabaseValue]) {
        self.columnNames = columnNames
        self.values = values
    }

    public var count: Int { values.count }

    public subscript(index: Int) -> DatabaseValue { values[index] }

    /// The value of the first column with this name, or `.null` when there is none.
    public subscript(name: String) -> DatabaseValue {
        columnNames.firstIndex(of: name).map { values[$0] } ?? .null
    }
}
