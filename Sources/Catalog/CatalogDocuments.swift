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
    public let schema: Schema
    /// Metadata for every table and column; starter entries (auto) where the files say nothing.
    public let metadata: CatalogMetadata
    public let documents: [CatalogDocument]
    /// Tables that had no metadata file and got a starter entry.
    public let tablesWithoutMetadata: [String]

    /// Merges `schema` with `metadata`, filling gaps with starter entries built from names, types and samples.
    public init(name: String, schema: Schema, metadata: CatalogMetadata) {
        self.name = name
        self.schema = schema
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
        self.metadata = CatalogMetadata(tables: tables, glossary: metadata.glossary, examples: metadata.examples)
        tablesWithoutMetadata = missing
        documents = Self.documents(schema: schema, metadata: self.metadata)
    }

    /// A table entry from the schema alone, for a person to complete.
    public static func starter(for table: Schema.Table) -> TableMetadata {
        let words = humanName(table.name)
        let kind = table.kind == .view ? "Visão" : "Tabela"
        return TableMetadata(
            name: table.name,
            description: "\(kind) \(words) (descrição automática: complete-a), com as colunas \(table.columns.map(\.name).joined(separator: ", ")).",
            synonyms: words == table.name ? [] : [words],
            columns: table.columns.map(starter(for:)),
            relations: table.foreignKeys.map { "\(table.name).\($0.columns.joined(separator: ", ")) = \($0.referencedTable).\($0.referencedColumns.joined(separator: ", "))" },
            auto: true
        )
    }

    static func starter(for column: Schema.Column) -> ColumnMetadata {
        var description = "\(humanName(column.name)) (\(column.declaredType.isEmpty ? "sem tipo declarado" : column.declaredType))"
        if !column.sampleValues.isEmpty {
            description += "; exemplos: \(column.sampleValues.joined(separator: ", "))"
        }
        return ColumnMetadata(name: column.name, description: description + ".", auto: true)
    }

    /// "nota_matematica" → "nota matematica": the encoder reads words, not identifiers.
    static func humanName(_ identifier: String) -> String {
        identifier.replacingOccurrences(of: "_", with: " ")
    }

    private static func documents(schema: Schema, metadata: CatalogMetadata) -> [CatalogDocument] {
        var documents: [CatalogDocument] = []
        for table in metadata.tables {
            var text = "Tabela \(table.name) (\(humanName(table.name))): \(table.description)"
            if !table.synonyms.isEmpty { text += " Também chamada: \(table.synonyms.joined(separator: ", "))." }
            text += " Colunas: \(table.columns.map(\.name).joined(separator: ", "))."
            documents.append(CatalogDocument(id: "tabela:\(table.name)", kind: .table, table: table.name, text: text))
            for column in table.columns {
                var text = "Coluna \(table.name).\(column.name) (\(humanName(column.name))) da tabela \(table.name): \(column.description)"
                if !column.synonyms.isEmpty { text += " Também chamada: \(column.synonyms.joined(separator: ", "))." }
                if !column.values.isEmpty {
                    text += " Valores: " + column.values.keys.sorted().map { "\($0) = \(column.values[$0]!)" }.joined(separator: "; ") + "."
                }
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
