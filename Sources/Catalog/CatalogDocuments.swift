import Crypto
import Database
import Foundation

/// One text to embed: a table, a column, a glossary term or an example question.
public struct CatalogDocument: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case table = "tabela", column = "coluna", term = "termo", example = "exemplo"
    }

    /// Stable across refreshes: "tabela:alunos", "coluna:alunos.ra", "termo:evasão", "exemplo:<hash of the question>".
    public let id: String
    public let kind: Kind
    /// The table a table or column document belongs to.
    public let table: String?
    /// What is embedded and indexed.
    public let text: String
    /// SHA-256 of the text: a refresh re-embeds only documents whose hash changed.
    public let hash: String

    init(id: String, kind: Kind, table: String?, text: String) {
        self.id = id
        self.kind = kind
        self.table = table
        self.text = text
        self.hash = sha256Hex(text)
    }
}

func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}

/// A database's schema merged with its metadata: what retrieval searches.
public struct Catalog: Sendable {
    public let name: String
    /// The database's schema with what the metadata adds to it: roles and inferred keys.
    public let schema: Schema
    /// Metadata for every table and column; starter entries (auto) where the files say nothing.
    public let metadata: CatalogMetadata
    public let documents: [CatalogDocument]
    /// Tables that had no metadata file and got a starter entry.
    public let tablesWithoutMetadata: [String]

    /// Merges `schema` with `metadata`, filling gaps with starter entries built from names, types and samples.
    public init(name: String, schema: Schema, metadata: CatalogMetadata) {
        self.name = name
        var tables: [TableMetadata] = []
        var missing: [String] = []
        for table in schema.tables {
            var described = metadata.table(named: table.name) ?? {
                missing.append(table.name)
                return Self.starter(for: table)
            }()
            for column in table.columns where described.column(named: column.name) == nil {
                described.columns.append(Self.starter(for: column))
            }
            tables.append(described)
        }
        self.metadata = CatalogMetadata(tables: tables, glossary: metadata.glossary, examples: metadata.examples, settings: metadata.settings)
        self.schema = Self.schema(schema, readBy: self.metadata)
        tablesWithoutMetadata = missing
        documents = Self.documents(schema: schema, metadata: self.metadata)
    }

    /// The schema as the pipeline reads it: each column with the role the metadata gives it, and
    /// the keys refresh inferred beside the declared ones, so joins and rules use them too. A date
    /// in another format than ISO keeps no role here: SQLite's date functions cannot read it.
    static func schema(_ schema: Schema, readBy metadata: CatalogMetadata) -> Schema {
        var schema = schema
        for tableIndex in schema.tables.indices {
            let table = schema.tables[tableIndex]
            guard let described = metadata.table(named: table.name) else { continue }
            for columnIndex in table.columns.indices {
                guard let column = described.column(named: table.columns[columnIndex].name) else { continue }
                if column.format == nil { schema.tables[tableIndex].columns[columnIndex].role = column.role }
                guard let reference = column.reference, !table.foreignKeys.contains(where: { $0.columns.contains(column.name) }) else { continue }
                let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let target = schema.table(named: parts[0]), let key = target.column(named: parts[1]) else { continue }
                schema.tables[tableIndex].foreignKeys.append(
                    Schema.ForeignKey(columns: [table.columns[columnIndex].name], referencedTable: target.name, referencedColumns: [key.name]))
            }
        }
        return schema
    }

    /// A table entry from the schema alone (no values read), for a person to complete;
    /// `indaga refresh` writes a fuller one (`SchemaProfiler`).
    public static func starter(for table: Schema.Table) -> TableMetadata {
        let words = humanName(table.name)
        return TableMetadata(
            name: table.name,
            description: table.comment ?? "",
            synonyms: words == table.name ? [] : [words],
            columns: table.columns.map(starter(for:)),
            relations: table.foreignKeys.map { "\(table.name).\($0.columns.joined(separator: ", ")) = \($0.referencedTable).\($0.referencedColumns.joined(separator: ", "))" },
            origin: .schema
        )
    }

    static func starter(for column: Schema.Column) -> ColumnMetadata {
        ColumnMetadata(name: column.name, description: column.comment ?? "", examples: column.sampleValues, origin: .schema)
    }

    /// "nota_matematica" → "nota matematica", "InvoiceLine" → "invoice line": the encoder reads
    /// words, not identifiers. A name with nothing to split stays as written.
    static func humanName(_ identifier: String) -> String {
        let parts = nameParts(identifier)
        return parts.count > 1 ? parts.joined(separator: " ") : identifier
    }

    private static func documents(schema: Schema, metadata: CatalogMetadata) -> [CatalogDocument] {
        var documents: [CatalogDocument] = []
        for table in metadata.tables {
            var text = "Tabela \(table.name) (\(humanName(table.name)))" + (table.description.isEmpty ? "." : ": \(table.description)")
            if !table.synonyms.isEmpty { text += " Também chamada: \(table.synonyms.joined(separator: ", "))." }
            text += " Colunas: \(table.columns.map(\.name).joined(separator: ", "))."
            documents.append(CatalogDocument(id: "tabela:\(table.name)", kind: .table, table: table.name, text: text))
            for column in table.columns {
                var text = "Coluna \(table.name).\(column.name) (\(humanName(column.name))) da tabela \(table.name)"
                    + (column.description.isEmpty ? "." : ": \(column.description)")
                if let role = column.role { text += " Papel: \(role.rawValue)." }
                if !column.synonyms.isEmpty { text += " Também chamada: \(column.synonyms.joined(separator: ", "))." }
                if !column.values.isEmpty {
                    text += " Valores: " + column.values.keys.sorted().map { value in
                        column.values[value].map { $0.isEmpty ? value : "\(value) = \($0)" } ?? value
                    }.joined(separator: "; ") + "."
                }
                if !column.examples.isEmpty { text += " Exemplos: \(column.examples.joined(separator: "; "))." }
                if let unit = column.unit { text += " Unidade: \(unit)." }
                documents.append(CatalogDocument(id: "coluna:\(table.name).\(column.name)", kind: .column, table: table.name, text: text))
            }
        }
        for term in metadata.glossary {
            var text = "\(term.term): \(term.description)"
            if !term.synonyms.isEmpty { text += " Também: \(term.synonyms.joined(separator: ", "))." }
            documents.append(CatalogDocument(id: "termo:\(term.term)", kind: .term, table: nil, text: text))
        }
        for example in metadata.examples {
            documents.append(CatalogDocument(id: "exemplo:\(sha256Hex(example.question).prefix(12))", kind: .example, table: nil, text: example.question))
        }
        return documents
    }
}
