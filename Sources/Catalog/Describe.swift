import Database
import Foundation

/// What the local model wrote about one table: a description and synonyms in pt-BR for the
/// table and its columns, and pt-BR names for coded values in another language.
public struct TableDescription: Sendable, Equatable {
    /// A description and synonyms, of the table or of one column.
    public struct Text: Sendable, Equatable {
        public var description: String
        public var synonyms: [String]

        public init(_ description: String, synonyms: [String] = []) {
            self.description = description
            self.synonyms = synonyms
        }
    }

    public var table: Text
    /// By column name as the database spells it.
    public var columns: [String: Text]
    /// By column, then by value as stored: what the value is called in pt-BR ('Germany' → "Alemanha").
    public var values: [String: [String: String]]

    public init(table: Text, columns: [String: Text] = [:], values: [String: [String: String]] = [:]) {
        self.table = table
        self.columns = columns
        self.values = values
    }
}

/// Asks a model about a catalog (`indaga refresh --describe`). The Catalog module only knows
/// this seam; the Assistant module, which talks to models, implements it.
public protocol CatalogDescriber {
    /// One line on what the database is about ("uma loja de música").
    func domain(of catalog: Catalog) throws -> String
    /// The table's text, checked: names the table does not have are already left out.
    func describe(_ table: String, in catalog: Catalog) throws -> TableDescription
}

/// What `--describe` did.
public struct DescribeSummary: Sendable, Equatable {
    /// Tables the model described in this run.
    public var described: [String] = []
    /// The model was not asked: the schema is the one it already described.
    public var cached = false
    /// Tables (or the domain) it could not describe, each with why.
    public var problems: [Problem] = []

    public struct Problem: Sendable, Equatable {
        /// What was asked about, in pt-BR: "a tabela Customer", "o assunto do banco".
        public let subject: String
        /// Why the answer was not kept, in pt-BR.
        public let reason: String
    }
}

extension RefreshJob {
    /// A hash of what the model is shown of the schema (tables, columns, types): a second
    /// `--describe` on the same schema makes no model call.
    public static func schemaHash(_ schema: Schema) -> String {
        sha256Hex(schema.tables.map { table in
            table.name + "(" + table.columns.map { "\($0.name) \($0.declaredType)" }.joined(separator: ",") + ")"
        }.joined(separator: ";"))
    }

    /// Fills in, with the model's words, every description a machine wrote from the schema alone
    /// (`auto: true`), marking it `auto: describe`; never what a person wrote. Tables already
    /// described are skipped, and a schema whose hash `catalogo.yaml` records is not read at all.
    ///
    /// - Parameter schema: the database's, as refresh read it.
    /// - Parameter progress: called before each model call, with what it is about.
    func describe(_ schema: Schema, with describer: CatalogDescriber, progress: (String) -> Void) throws -> DescribeSummary {
        let (catalog, _) = try catalog(of: schema)
        let hash = Self.schemaHash(catalog.schema)
        var summary = DescribeSummary()
        let settingsFile = metadataFolder.appendingPathComponent(CatalogSettings.fileName)
        var settings = catalog.metadata.settings
        // A file a person wrote is left to them, even where it lacks a column.
        let pending = catalog.metadata.tables.filter { table in
            table.origin != .person && (table.origin == .schema || table.columns.contains { $0.origin == .schema })
        }
        if settings.schemaHash == hash, pending.isEmpty {
            summary.cached = true
            return summary
        }
        let asksDomain = !(settings.origin == .person && settings.domain != nil)
        let steps = pending.count + (asksDomain ? 1 : 0)
        var step = 0
        for table in pending {
            step += 1
            progress("[\(step)/\(steps)] a tabela \(table.name)")
            do {
                let text = try describer.describe(table.name, in: catalog)
                let entry = table.described(by: text)
                try FileManager.default.createDirectory(at: metadataFolder, withIntermediateDirectories: true)
                try MetadataFile.write(entry, to: metadataFolder.appendingPathComponent(MetadataFile.name(for: entry.name)))
                summary.described.append(table.name)
            } catch {
                summary.problems.append(.init(subject: "a tabela \(table.name)", reason: error.localizedDescription))
            }
        }
        // The domain last, from what the tables were found to hold: a small model given names
        // alone answers "o banco de dados", and given an example, copies it.
        if asksDomain {
            step += 1
            progress("[\(step)/\(steps)] o assunto do banco")
            do {
                settings.domain = try describer.domain(of: try self.catalog(of: schema).0)
                settings.origin = .model
            } catch {
                summary.problems.append(.init(subject: "o assunto do banco", reason: error.localizedDescription))
            }
        }
        // The hash is kept only when everything was described: a failed table is asked again.
        if summary.problems.isEmpty { settings.schemaHash = hash }
        try CatalogSettings.write(settings, to: settingsFile)
        return summary
    }
}

extension TableMetadata {
    /// This entry with the model's text wherever a machine wrote it from the schema.
    func described(by text: TableDescription) -> TableMetadata {
        var entry = self
        if origin == .schema {
            entry.description = text.table.description
            entry.synonyms = Array(Set(synonyms + text.table.synonyms)).sorted()
            entry.origin = .model
        }
        for index in entry.columns.indices where entry.columns[index].origin == .schema {
            var column = entry.columns[index]
            if let said = text.columns.first(where: { $0.key.caseInsensitiveCompare(column.name) == .orderedSame })?.value {
                column.description = said.description
                column.synonyms = said.synonyms
            }
            for (value, name) in text.values.first(where: { $0.key.caseInsensitiveCompare(column.name) == .orderedSame })?.value ?? [:]
            where column.values[value] != nil {
                column.values[value] = name
            }
            column.origin = .model
            entry.columns[index] = column
        }
        return entry
    }
}

extension CatalogSettings {
    /// Writes `catalogo.yaml`. One a person wrote keeps its text, comments included: only its
    /// `esquema:` line (the describe cache) is set.
    static func write(_ settings: CatalogSettings, to file: URL) throws {
        if settings.origin == .person, let text = try? String(contentsOf: file, encoding: .utf8) {
            var lines = text.components(separatedBy: "\n").filter { !$0.hasPrefix("esquema:") }
            while lines.last == "" { lines.removeLast() }
            if let hash = settings.schemaHash { lines.append("esquema: \(hash)") }
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let header = "# Sobre o banco como um todo: a linha de domínio com que o prompt começa e as regras da casa que ele lista.\n"
        try (header + MetadataFile.encode(settings)).write(to: file, atomically: true, encoding: .utf8)
    }
}
