/// What a database holds: its tables and views, as introspected from SQLite itself.
public struct Schema: Sendable, Codable, Equatable {
    public var tables: [Table]

    public init(tables: [Table]) {
        self.tables = tables
    }

    public func table(named name: String) -> Table? {
        tables.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Whether another table's foreign key points at `table`.
    public func isReferenced(_ table: String) -> Bool {
        tables.contains { other in other.foreignKeys.contains { $0.referencedTable.caseInsensitiveCompare(table) == .orderedSame } }
    }

    /// Every declared foreign key, each with the table that holds it.
    public var foreignKeys: [(table: String, key: ForeignKey)] {
        tables.flatMap { table in table.foreignKeys.map { (table.name, $0) } }
    }

    public struct Table: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            case table, view
        }

        public var name: String
        public var kind: Kind
        public var columns: [Column]
        /// Primary-key columns in key order; empty for views and rowid-only tables.
        public var primaryKey: [String]
        public var foreignKeys: [ForeignKey]
        /// Rows in the table; nil for views, whose count would run their whole query.
        public var rowCount: Int?
        /// The CREATE statement as SQLite stores it (as PostgreSQL would take it, for a table of one).
        public var sql: String
        /// What the database's own documentation says of the table (PostgreSQL's `COMMENT ON`).
        public var comment: String?

        public init(name: String, kind: Kind, columns: [Column], primaryKey: [String], foreignKeys: [ForeignKey], rowCount: Int?, sql: String,
                    comment: String? = nil) {
            self.comment = comment
            self.name = name
            self.kind = kind
            self.columns = columns
            self.primaryKey = primaryKey
            self.foreignKeys = foreignKeys
            self.rowCount = rowCount
            self.sql = sql
        }

        public func column(named name: String) -> Column? {
            columns.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        }
    }

    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        /// The declared type as written in CREATE TABLE ("" when none).
        public var declaredType: String
        public var notNull: Bool
        public var isPrimaryKey: Bool
        /// A few distinct values, for columns of tables that hold text (whatever their declared type).
        public var sampleValues: [String]
        /// What the column is for, as the catalog's metadata says; nil where it says nothing.
        public var role: ColumnRole?
        /// What the database's own documentation says of the column (PostgreSQL's `COMMENT ON`).
        public var comment: String?

        public init(name: String, declaredType: String, notNull: Bool, isPrimaryKey: Bool, sampleValues: [String], role: ColumnRole? = nil,
                    comment: String? = nil) {
            self.comment = comment
            self.name = name
            self.declaredType = declaredType
            self.notNull = notNull
            self.isPrimaryKey = isPrimaryKey
            self.sampleValues = sampleValues
            self.role = role
        }

        /// SQLite's type affinity, derived from the declared type by SQLite's own rules.
        public var affinity: Affinity { Affinity(declaredType: declaredType) }
    }

    public struct ForeignKey: Sendable, Codable, Equatable {
        public var columns: [String]
        public var referencedTable: String
        public var referencedColumns: [String]

        public init(columns: [String], referencedTable: String, referencedColumns: [String]) {
            self.columns = columns
            self.referencedTable = referencedTable
            self.referencedColumns = referencedColumns
        }
    }

    /// SQLite's column affinity (section 3.1 of "Datatypes In SQLite").
    public enum Affinity: String, Sendable, Codable {
        case integer, text, blob, real, numeric

        public init(declaredType: String) {
            let type = declaredType.uppercased()
            if type.contains("INT") {
                self = .integer
            } else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") {
                self = .text
            } else if type.isEmpty || type.contains("BLOB") {
                self = .blob
            } else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") {
                self = .real
            } else {
                self = .numeric
            }
        }
    }
}

extension Connection {
    /// Reads the schema: tables and views, columns, keys, row counts and sample values.
    ///
    /// Tables come in creation order (the order their author wrote them in), then views.
    ///
    /// - Parameter samplesPerColumn: distinct values kept per text column of a table (0 for none).
    public func introspect(samplesPerColumn: Int = 3) throws -> Schema {
        let objects = try query("""
            SELECT name, type, sql FROM sqlite_master
            WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY type = 'view', rowid
            """)
        var tables: [Schema.Table] = []
        for object in objects {
            guard let name = object[0].text, let type = object[1].text else { continue }
            let kind: Schema.Table.Kind = type == "view" ? .view : .table
            var columns = try tableColumns(name)
            let primaryKey = try primaryKeyColumns(name)
            if kind == .table, samplesPerColumn > 0 {
                // Any declared type: a DATETIME or DATE column holds ISO text, as SQLite has no date type.
                for index in columns.indices where ![.integer, .real].contains(columns[index].affinity) {
                    columns[index].sampleValues = try sampleValues(table: name, column: columns[index].name, limit: samplesPerColumn)
                }
            }
            let count = kind == .table ? try scalar("SELECT count(*) FROM \(quoteIdentifier(name))")?.integer.map(Int.init) : nil
            tables.append(Schema.Table(
                name: name, kind: kind, columns: columns, primaryKey: primaryKey,
                foreignKeys: try foreignKeys(of: name), rowCount: count, sql: object[2].text ?? ""
            ))
        }
        // Foreign keys that name no column point at the referenced table's primary key.
        for tableIndex in tables.indices {
            for keyIndex in tables[tableIndex].foreignKeys.indices where tables[tableIndex].foreignKeys[keyIndex].referencedColumns.isEmpty {
                let target = tables[tableIndex].foreignKeys[keyIndex].referencedTable
                tables[tableIndex].foreignKeys[keyIndex].referencedColumns =
                    tables.first { $0.name.caseInsensitiveCompare(target) == .orderedSame }?.primaryKey ?? []
            }
        }
        return Schema(tables: tables)
    }

    private func tableColumns(_ table: String) throws -> [Schema.Column] {
        try query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", [.text(table)]).map { row in
            Schema.Column(
                name: row[0].text ?? "",
                declaredType: row[1].text ?? "",
                notNull: row[2].integer == 1,
                isPrimaryKey: (row[3].integer ?? 0) > 0,
                sampleValues: []
            )
        }
    }

    private func primaryKeyColumns(_ table: String) throws -> [String] {
        try query("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [.text(table)])
            .compactMap { $0[0].text }
    }

    private func foreignKeys(of table: String) throws -> [Schema.ForeignKey] {
        let rows = try query(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            [.text(table)]
        )
        var keys: [Schema.ForeignKey] = []
        var currentID: Int64?
        for row in rows {
            let from = row[2].text ?? ""
            if row[0].integer != currentID {
                currentID = row[0].integer
                keys.append(Schema.ForeignKey(columns: [], referencedTable: row[1].text ?? "", referencedColumns: []))
            }
            keys[keys.count - 1].columns.append(from)
            if let to = row[3].text {
                keys[keys.count - 1].referencedColumns.append(to)
            }
        }
        return keys
    }

    private func sampleValues(table: String, column: String, limit: Int) throws -> [String] {
        let name = quoteIdentifier(column)
        return try query(
            "SELECT DISTINCT \(name) FROM \(quoteIdentifier(table)) WHERE typeof(\(name)) = 'text' AND \(name) <> '' LIMIT ?",
            [.integer(Int64(limit))]
        ).compactMap { $0[0].text }
    }
}
