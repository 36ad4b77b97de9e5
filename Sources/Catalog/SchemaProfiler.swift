import Database
import Foundation

/// What `indaga refresh` learns of a database nobody described, from its values rather than its
/// declared types or anyone's naming habits: each column's role (key, reference, date, year,
/// category, measure, label…), a category's values, a few examples, and the keys a schema
/// without declared foreign keys still has (`Batting.playerID` → `People.playerID`).
///
/// Reads at most `sampleRows` rows of each table, so a large table takes a fraction of a second.
public struct SchemaProfiler {
    let connection: any SQLDatabase
    let schema: Schema
    /// Rows of each table the statistics are taken on.
    static let sampleRows = 20_000
    /// A text column with at most this many distinct values (and values repeated) is a category.
    static let categoryValues = 20
    /// Examples kept of a column that is not a category.
    static let examples = 3
    /// Share of a column's distinct values that may be missing from a key it points at (old rows,
    /// typos), for the reference still to be inferred.
    static let missingShare = 0.05
    static let plausibleYears: ClosedRange<Int64> = 1800...2100

    public init(connection: any SQLDatabase, schema: Schema) {
        self.connection = connection
        self.schema = schema
    }

    /// What one column's sampled values look like.
    struct ColumnStatistics {
        var values = 0
        var distinct = 0
        var integers = 0
        var reals = 0
        var texts = 0
        var minimum: Int64?
        var maximum: Int64?
        /// Up to `categoryValues + 1` distinct text values, the most frequent first.
        var common: [String] = []

        /// At least 95% of the values are text (a few numbers typed into a text column still count).
        var mostlyText: Bool { texts * 20 >= values * 19 }
        /// At least 95% of the values are whole numbers.
        var mostlyIntegers: Bool { integers * 20 >= values * 19 }
    }

    /// The metadata of every table, as refresh writes it for a person to complete.
    public func profile() throws -> [TableMetadata] {
        let references = try inferredReferences()
        return try schema.tables.map { table in
            guard table.kind == .table else { return Catalog.starter(for: table) }
            return try profile(table, references: references[table.name] ?? [:])
        }
    }

    func profile(_ table: Schema.Table, references: [String: String]) throws -> TableMetadata {
        let statistics = try self.statistics(of: table)
        var columns: [ColumnMetadata] = []
        for (column, stats) in zip(table.columns, statistics) {
            var entry = ColumnMetadata(name: column.name, description: column.comment ?? "", origin: .schema)
            let (role, format) = Self.role(of: column, in: table, stats: stats, reference: references[column.name])
            entry.role = role
            entry.format = format
            entry.reference = references[column.name]
            if role == .category, let all = try allValues(of: column, in: table.name) {
                entry.values = Dictionary(uniqueKeysWithValues: all.map { ($0, "") })
            } else if role == .category {
                // More values in the whole table than in its first rows: not a category after all.
                entry.role = .text
                entry.examples = Array(stats.common.prefix(Self.examples))
            } else if role != .measure && role != .year {
                entry.examples = Array(stats.common.prefix(Self.examples))
            }
            columns.append(entry)
        }
        if let label = Self.labelColumn(table, columns: columns, statistics: statistics) {
            columns[label].role = .label
        }
        var entry = Catalog.starter(for: table)
        entry.columns = columns
        entry.relations += table.columns.compactMap { column in
            references[column.name].map { "\(table.name).\(column.name) = \($0) (deduzida dos valores)" }
        }
        return entry
    }

    /// Every value of a category, from the whole table (its first rows may hold a few: a table
    /// sorted by state starts with 'AC' and 'AM'); nil when there are more than a category has.
    func allValues(of column: Schema.Column, in table: String) throws -> [String]? {
        let dialect = connection.dialect
        let name = quoteIdentifier(column.name)
        let text = dialect.asText(name, declaredType: column.declaredType)
        let values = try connection.query(
            "SELECT DISTINCT \(text) FROM \(quoteIdentifier(table)) WHERE \(dialect.holds(.text, name, declaredType: column.declaredType)) = 1 AND trim(\(text)) <> '' LIMIT ?",
            [.integer(Int64(Self.categoryValues + 1))]
        ).compactMap { $0[0].text }
        return values.count <= Self.categoryValues ? values : nil
    }

    /// One pass over the sampled rows for every column's counts, then the common values of each
    /// column that holds text.
    func statistics(of table: Schema.Table) throws -> [ColumnStatistics] {
        guard !table.columns.isEmpty else { return [] }
        let dialect = connection.dialect
        let source = dialect.sample(of: quoteIdentifier(table.name), rows: Self.sampleRows, rowCount: table.rowCount)
        var parts: [String] = []
        for column in table.columns {
            let name = quoteIdentifier(column.name)
            let holds = { (wanted: SQLDialect.ValueClass) in dialect.holds(wanted, name, declaredType: column.declaredType) }
            parts += [
                "count(\(name))", "count(DISTINCT \(name))",
                "sum(\(holds(.integer)))", "sum(\(holds(.real)))", "sum(\(holds(.text)))",
                "min(CASE WHEN \(holds(.integer)) = 1 THEN \(name) END)", "max(CASE WHEN \(holds(.integer)) = 1 THEN \(name) END)",
            ]
        }
        guard let row = try connection.query("SELECT \(parts.joined(separator: ", ")) FROM \(source)").first else { return [] }
        var result: [ColumnStatistics] = []
        for (index, column) in table.columns.enumerated() {
            let base = index * 7
            let number = { (offset: Int) in Int(row[base + offset].integer ?? 0) }
            var stats = ColumnStatistics(values: number(0), distinct: number(1), integers: number(2), reals: number(3), texts: number(4),
                                         minimum: row[base + 5].integer, maximum: row[base + 6].integer)
            if stats.texts > 0 {
                let name = quoteIdentifier(column.name)
                let text = dialect.asText(name, declaredType: column.declaredType)
                stats.common = try connection.query(
                    "SELECT \(text) FROM \(source) WHERE \(dialect.holds(.text, name, declaredType: column.declaredType)) = 1 AND trim(\(text)) <> '' "
                        + "GROUP BY \(text) ORDER BY count(*) DESC, \(text) LIMIT ?",
                    [.integer(Int64(Self.categoryValues + 1))]
                ).compactMap { $0[0].text }
            }
            result.append(stats)
        }
        return result
    }

    /// The role of a column from its values; with a date that is not ISO text, its format.
    static func role(of column: Schema.Column, in table: Schema.Table, stats: ColumnStatistics, reference: String?) -> (ColumnRole?, String?) {
        let soleKey = table.primaryKey.count == 1 && column.isPrimaryKey
        if soleKey { return (.key, nil) }
        if reference != nil || table.foreignKeys.contains(where: { $0.columns == [column.name] }) { return (.reference, nil) }
        guard stats.values > 0 else { return (nil, nil) }
        let parts = nameParts(column.name).map { foldedName($0) }
        if stats.mostlyText, !stats.common.isEmpty {
            if let time = timeRole(of: stats.common) { return time }
        }
        if stats.mostlyIntegers, let minimum = stats.minimum, let maximum = stats.maximum {
            let saysYear = parts.contains("ano") || parts.contains("year")
            if plausibleYears.contains(minimum), plausibleYears.contains(maximum), saysYear || (stats.distinct > 1 && !isKeyName(parts)) {
                return (.year, nil)
            }
            if parts.contains(where: { ["mes", "month"].contains($0) }), minimum >= 1, maximum <= 12 { return (.month, nil) }
        }
        if isKeyName(parts), stats.distinct * 10 >= stats.values * 9 || stats.texts == 0 { return (.identifier, nil) }
        if stats.mostlyText, stats.distinct <= categoryValues, stats.values >= stats.distinct * 2 { return (.category, nil) }
        if stats.integers + stats.reals > stats.texts { return (isKeyName(parts) ? .identifier : .measure, nil) }
        return (.text, nil)
    }

    /// A date, a date-time or a month when every sampled value is one.
    static func timeRole(of values: [String]) -> (ColumnRole?, String?)? {
        if values.allSatisfy(Schema.isISODate) {
            if values.allSatisfy({ $0.utf8.count == 7 }) { return (.month, nil) }
            if values.allSatisfy({ $0.utf8.count == 10 }) { return (.date, nil) }
            return (.dateTime, nil)
        }
        if values.allSatisfy({ $0.wholeMatch(of: #/\d\d/\d\d/\d{4}( .*)?/#) != nil }) { return (.date, "dd/mm/aaaa") }
        return nil
    }

    /// A name whose words say code or key: `id`, `retroID`, `cod_municipio`, `gml_id`.
    static func isKeyName(_ parts: [String]) -> Bool {
        guard let last = parts.last, let first = parts.first else { return false }
        return ["id", "cod", "codigo", "code", "key", "uuid", "sigla"].contains(last) || ["id", "cod", "codigo"].contains(first)
    }

    /// What to show for a row: a text column that names it (`name`, `nome`, `title`, `titulo`,
    /// `no_municipio`…), or else the text column with the most distinct values, if most are.
    static func labelColumn(_ table: Schema.Table, columns: [ColumnMetadata], statistics: [ColumnStatistics]) -> Int? {
        let candidates = columns.indices.filter { columns[$0].role == .text || columns[$0].role == .category }
        let naming: Set<String> = ["name", "nome", "title", "titulo", "descricao", "description", "nm", "no", "label", "rotulo"]
        if let named = candidates.first(where: { nameParts(columns[$0].name).map { foldedName($0) }.contains(where: naming.contains) }) {
            return named
        }
        let texts = candidates.filter { columns[$0].role == .text }
        guard let best = texts.max(by: { statistics[$0].distinct < statistics[$1].distinct }),
              statistics[best].distinct * 2 >= statistics[best].values else { return nil }
        return best
    }

    /// Keys a schema leaves undeclared, by table and column: a column named like another table's
    /// single-column key (`playerID` and `People.playerID`, `aluno_id` and `alunos.id`), or like a
    /// column elsewhere that declares its key (`flights.origin` as `weather.origin` →
    /// `airports.faa`), whose values are that key's.
    func inferredReferences() throws -> [String: [String: String]] {
        var keys: [(table: Schema.Table, column: String)] = schema.tables.compactMap { table in
            table.kind == .table && table.primaryKey.count == 1 ? (table, table.primaryKey[0]) : nil
        }
        keys.sort { $0.table.name < $1.table.name }
        var declared: [String: (table: String, column: String)] = [:]
        for (_, key) in schema.foreignKeys where key.columns.count == 1 && key.referencedColumns.count == 1 {
            declared[foldedName(key.columns[0])] = (key.referencedTable, key.referencedColumns[0])
        }
        var found: [String: [String: String]] = [:]
        for table in schema.tables where table.kind == .table {
            for column in table.columns where !(column.isPrimaryKey && table.primaryKey.count == 1) {
                guard !table.foreignKeys.contains(where: { $0.columns.contains(column.name) }) else { continue }
                let folded = foldedName(column.name)
                var targets: [(table: String, column: String)] = keys.filter { key in
                    guard key.table.name != table.name else { return false }
                    let keyName = foldedName(key.column)
                    let singular = foldedName(key.table.name).hasSuffix("s") ? String(foldedName(key.table.name).dropLast()) : foldedName(key.table.name)
                    return (folded == keyName && keyName != "id") || folded == singular + keyName || folded == foldedName(key.table.name) + keyName
                }.map { ($0.table.name, $0.column) }
                if let same = declared[folded], same.table != table.name { targets.append(same) }
                for target in targets where try contained(table.name, column.name, in: target.table, target.column) {
                    found[table.name, default: [:]][column.name] = "\(target.table).\(target.column)"
                    break
                }
            }
        }
        return found
    }

    /// Whether the distinct values of `table.column` (the first thousand) are, but for a few,
    /// values of `target.key`.
    func contained(_ table: String, _ column: String, in target: String, _ key: String) throws -> Bool {
        // Compared as text on an engine with fixed column types (a text code against an integer key).
        let dialect = connection.dialect
        let keyType = schema.table(named: target)?.column(named: key)?.declaredType ?? ""
        let columnType = schema.table(named: table)?.column(named: column)?.declaredType ?? ""
        let keyValue = dialect.asText(quoteIdentifier(key), declaredType: keyType)
        let sql = """
            SELECT count(*), sum(CASE WHEN v NOT IN (SELECT \(keyValue) FROM \(quoteIdentifier(target)) WHERE \(quoteIdentifier(key)) IS NOT NULL) THEN 1 ELSE 0 END)
            FROM (SELECT DISTINCT \(dialect.asText(quoteIdentifier(column), declaredType: columnType)) AS v FROM \(quoteIdentifier(table))
                  WHERE \(quoteIdentifier(column)) IS NOT NULL LIMIT 1000) AS distinct_values
            """
        guard let row = try connection.query(sql).first, let total = row[0].integer, total > 0 else { return false }
        return Double(row[1].integer ?? 0) <= Double(total) * Self.missingShare
    }
}
