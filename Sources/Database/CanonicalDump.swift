import Foundation

extension Connection {
    /// Writes the database's whole content as text that depends only on what it holds.
    ///
    /// Objects come sorted by type and name, each with its SQL; table rows come
    /// sorted by every column, so insertion order, page layout and file-format
    /// details do not change the dump. Two databases with the same dump hold the
    /// same data; hash it to compare.
    ///
    /// - Parameter write: receives the dump one line at a time (without newline).
    public func writeCanonicalDump(_ write: (String) throws -> Void) throws {
        let objects = try query("""
            SELECT type, name, sql FROM sqlite_master
            WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY type, name
            """)
        for object in objects {
            guard let type = object[0].text, let name = object[1].text else { continue }
            try write("\(type) \(name): \(object[2].text ?? "")")
            guard type == "table" else { continue }
            let columnCount = try query("SELECT count(*) FROM pragma_table_info(?)", [.text(name)]).first?[0].integer ?? 0
            let ordering = (1...max(1, Int(columnCount))).map(String.init).joined(separator: ", ")
            let statement = try prepare("SELECT * FROM \(quoteIdentifier(name)) ORDER BY \(ordering)")
            while let row = try statement.step() {
                try write(row.values.map(\.canonicalLiteral).joined(separator: "|"))
            }
        }
    }
}

extension DatabaseValue {
    /// An SQL-literal spelling that round-trips exactly (reals in shortest exact form).
    public var canonicalLiteral: String {
        switch self {
        case .integer(let value): return String(value)
        case .real(let value): return "\(value)"
        case .text(let value): return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let bytes): return "X'" + bytes.map { String(format: "%02X", $0) }.joined() + "'"
        case .null: return "NULL"
        }
    }
}
