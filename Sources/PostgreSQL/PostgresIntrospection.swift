import Database
import Foundation

/// The schema as PostgreSQL's catalog knows it: the tables and views of the connection's schema
/// (`public`, or the one `?schema=` names), columns with their types, keys, and the comments
/// people wrote with `COMMENT ON`, which become the data dictionary's first descriptions.
extension PostgresDatabase {
    /// Tables at or under this many rows (by the planner's estimate) are counted exactly; a
    /// larger one keeps the estimate, as counting it would take seconds.
    static let exactCountLimit = 1_000_000

    public func tableNames() throws -> Set<String> {
        Set(try query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """).compactMap { $0[0].text })
    }

    /// Tables in creation order (their oids), then views.
    public func introspect(samplesPerColumn: Int) throws -> Schema {
        let objects = try query("""
            SELECT c.oid, c.relname, c.relkind IN ('v', 'm'), obj_description(c.oid, 'pg_class'), c.reltuples::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
            ORDER BY c.relkind IN ('v', 'm'), c.oid
            """)
        var tables: [Schema.Table] = []
        for object in objects {
            guard let oid = object[0].integer, let name = object[1].text else { continue }
            let kind: Schema.Table.Kind = object[2].integer == 1 ? .view : .table
            let primaryKey = try query("""
                SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.position
                """, [.integer(oid)]).compactMap { $0[0].text }
            var columns = try query("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, col_description(a.attrelid, a.attnum)
                FROM pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """, [.integer(oid)]).map { row in
                Schema.Column(name: row[0].text ?? "", declaredType: row[1].text ?? "", notNull: row[2].integer == 1,
                              isPrimaryKey: primaryKey.contains(row[0].text ?? ""), sampleValues: [], comment: row[3].text)
            }
            if kind == .table, samplesPerColumn > 0 {
                for index in columns.indices where SQLDialect.postgresClass(of: columns[index].declaredType) == .text {
                    let column = quoteIdentifier(columns[index].name)
                    columns[index].sampleValues = try query(
                        "SELECT DISTINCT \(column)::text FROM \(quoteIdentifier(name)) WHERE \(column) IS NOT NULL AND \(column)::text <> '' LIMIT ?",
                        [.integer(Int64(samplesPerColumn))]).compactMap { $0[0].text }
                }
            }
            var rowCount: Int?
            if kind == .table {
                let estimate = Int(object[4].integer ?? -1)
                rowCount = estimate > Self.exactCountLimit
                    ? estimate : try query("SELECT count(*) FROM \(quoteIdentifier(name))").first?[0].integer.map(Int.init)
            }
            let foreignKeys = try self.foreignKeys(of: oid)
            tables.append(Schema.Table(
                name: name, kind: kind, columns: columns, primaryKey: primaryKey, foreignKeys: foreignKeys, rowCount: rowCount,
                sql: Self.createStatement(name, kind: kind, columns: columns, primaryKey: primaryKey, foreignKeys: foreignKeys),
                comment: object[3].text))
        }
        return Schema(tables: tables)
    }

    private func foreignKeys(of table: Int64) throws -> [Schema.ForeignKey] {
        let rows = try query("""
            SELECT c.conname, target.relname, a.attname, ra.attname
            FROM pg_constraint c JOIN pg_class target ON target.oid = c.confrelid
            CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, position)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum
            WHERE c.conrelid = ? AND c.contype = 'f' ORDER BY c.conname, k.position
            """, [.integer(table)])
        var keys: [Schema.ForeignKey] = []
        var current: String?
        for row in rows {
            if row[0].text != current {
                current = row[0].text
                keys.append(Schema.ForeignKey(columns: [], referencedTable: row[1].text ?? "", referencedColumns: []))
            }
            keys[keys.count - 1].columns.append(row[2].text ?? "")
            keys[keys.count - 1].referencedColumns.append(row[3].text ?? "")
        }
        return keys
    }

    /// The table as a `CREATE` statement, for whoever reads the schema as SQL.
    static func createStatement(_ name: String, kind: Schema.Table.Kind, columns: [Schema.Column], primaryKey: [String],
                                foreignKeys: [Schema.ForeignKey]) -> String {
        guard kind == .table else { return "CREATE VIEW \(quoteIdentifier(name))" }
        var lines = columns.map { "  \(quoteIdentifier($0.name)) \($0.declaredType)\($0.notNull ? " NOT NULL" : "")" }
        if !primaryKey.isEmpty { lines.append("  PRIMARY KEY (\(primaryKey.map(quoteIdentifier).joined(separator: ", ")))") }
        for key in foreignKeys {
            lines.append("  FOREIGN KEY (\(key.columns.map(quoteIdentifier).joined(separator: ", "))) REFERENCES "
                + "\(quoteIdentifier(key.referencedTable)) (\(key.referencedColumns.map(quoteIdentifier).joined(separator: ", ")))")
        }
        return "CREATE TABLE \(quoteIdentifier(name)) (\n" + lines.joined(separator: ",\n") + "\n)"
    }

    /// Every table and column of the connection's schema, with the columns' types.
    func readSchemaNames() throws -> SchemaNames {
        let rows = try query("""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """)
        var columns: [String: [(name: String, type: String)]] = [:]
        for row in rows {
            guard let table = row[0].text else { continue }
            columns[table, default: []] += row[1].text.map { [($0, row[2].text ?? "")] } ?? []
        }
        return SchemaNames(columns: columns)
    }
}

/// The tables and columns of a schema, as the screen, the quoting of names and the reading of
/// SQLite's habits need them.
struct SchemaNames {
    /// Each table's columns and their declared types, by the table's name.
    let columns: [String: [(name: String, type: String)]]
    /// Every name, lowercased.
    let lowercased: Set<String>

    init(columns: [String: [(name: String, type: String)]]) {
        self.columns = columns
        lowercased = Set(columns.keys.map { $0.lowercased() } + columns.values.flatMap { $0.map { $0.name.lowercased() } })
    }

    /// The columns of the tables a query reads (all of them, when it names none it knows).
    func columns(of tables: [String]) -> [(name: String, type: String)] {
        let wanted = Set(tables.map { $0.lowercased() })
        let read = columns.filter { wanted.contains($0.key.lowercased()) }
        return (read.isEmpty ? columns : read).values.flatMap { $0 }
    }

    /// The names among `names` an unquoted word would not reach (`playerID`, which PostgreSQL
    /// reads as `playerid`), by their lowercase form; a lowercase form two of them share is left
    /// out, as a word cannot say which, and so is one that exists as such.
    static func needingQuotes(_ names: [String]) -> [String: String] {
        var byLowercase: [String: String] = [:]
        var shared: Set<String> = []
        for name in names where name != name.lowercased() {
            let lower = name.lowercased()
            if let other = byLowercase[lower], other != name { shared.insert(lower) }
            byLowercase[lower] = name
        }
        for lower in shared { byLowercase[lower] = nil }
        for name in names where name == name.lowercased() { byLowercase[name] = nil }
        return byLowercase
    }
}
