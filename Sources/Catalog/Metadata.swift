import Database
import Foundation
import Yams

/// Who wrote an entry of the metadata, as its `auto:` field says: a person (no field, or
/// `auto: false`), `indaga refresh` from the schema and the data (`auto: true`), or the local model
/// through `indaga refresh --describe` (`auto: describe`). Refresh rewrites only what it wrote.
public enum Origin: Sendable, Equatable {
    case person, schema, model

    init<Key: CodingKey>(decoding container: KeyedDecodingContainer<Key>, key: Key) throws {
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: key) {
            self = flag ? .schema : .person
        } else if let word = try container.decodeIfPresent(String.self, forKey: key) {
            guard word == "describe" else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "auto deve ser true, false ou describe (veio \(word))")
            }
            self = .model
        } else {
            self = .person
        }
    }

    func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, key: Key) throws {
        switch self {
        case .person: break
        case .schema: try container.encode(true, forKey: key)
        case .model: try container.encode("describe", forKey: key)
        }
    }
}

/// The data dictionary of one table, as a data steward writes it in `metadata/<db>/<table>.yaml`.
public struct TableMetadata: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    public var synonyms: [String]
    public var columns: [ColumnMetadata]
    /// How the table joins others, in words ("matriculas.aluno_id = alunos.id: …").
    public var relations: [String]
    /// Who wrote the table's description and synonyms.
    public var origin: Origin
    /// True for an entry written by a machine (refresh or the model), not by a person.
    public var auto: Bool { origin != .person }

    enum CodingKeys: String, CodingKey {
        case name = "tabela", description = "descricao", synonyms = "sinonimos", columns = "colunas", relations = "relacoes", auto
    }

    public init(name: String, description: String, synonyms: [String] = [], columns: [ColumnMetadata], relations: [String] = [], origin: Origin = .person) {
        self.name = name
        self.description = description
        self.synonyms = synonyms
        self.columns = columns
        self.relations = relations
        self.origin = origin
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        synonyms = try container.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        columns = try container.decodeIfPresent([ColumnMetadata].self, forKey: .columns) ?? []
        relations = try container.decodeIfPresent([String].self, forKey: .relations) ?? []
        origin = try Origin(decoding: container, key: CodingKeys.auto)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(synonyms, forKey: .synonyms)
        try container.encode(columns, forKey: .columns)
        try container.encode(relations, forKey: .relations)
        try origin.encode(to: &container, key: CodingKeys.auto)
    }

    public func column(named name: String) -> ColumnMetadata? {
        columns.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// `column(named:)` for a table whose columns are all looked up: by name once, so a wide
    /// table does not cost its width squared; the same answers (a name only a case-insensitive
    /// comparison matches is still searched for).
    public func columnLookup() -> (String) -> ColumnMetadata? {
        let byName = Dictionary(columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        return { name in byName[name.lowercased()] ?? column(named: name) }
    }
}

public struct ColumnMetadata: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    public var synonyms: [String]
    /// The unit or range ("0 a 10", "aulas").
    public var unit: String?
    /// What each coded value means (`evadida` → "abandonou a escola…"), by value. A category's
    /// values are all listed; a meaning may be empty ("" where nobody said one yet).
    public var values: [String: String]
    /// What the column is for (`papel: data`); nil where nobody, nor refresh, said.
    public var role: ColumnRole?
    /// The key it points at, "Tabela.coluna", when refresh inferred one from names and values.
    public var reference: String?
    /// How a date that is not ISO text is written ("dd/mm/aaaa").
    public var format: String?
    /// A few of its values, as refresh sampled them (whole: "Av. Brasil, 12", not "Av.").
    public var examples: [String]
    /// Who wrote the entry.
    public var origin: Origin
    public var auto: Bool { origin != .person }

    enum CodingKeys: String, CodingKey {
        case name = "nome", description = "descricao", role = "papel", reference = "referencia", format = "formato", examples = "exemplos"
        case synonyms = "sinonimos", unit = "unidade", values = "valores", auto
    }

    public init(name: String, description: String, synonyms: [String] = [], unit: String? = nil, values: [String: String] = [:],
                role: ColumnRole? = nil, reference: String? = nil, format: String? = nil, examples: [String] = [], origin: Origin = .person) {
        self.name = name
        self.description = description
        self.synonyms = synonyms
        self.unit = unit
        self.values = values
        self.role = role
        self.reference = reference
        self.format = format
        self.examples = examples
        self.origin = origin
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        synonyms = try container.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        values = try container.decodeIfPresent([String: String].self, forKey: .values) ?? [:]
        if let word = try container.decodeIfPresent(String.self, forKey: .role) {
            guard let known = ColumnRole(rawValue: word) else {
                let roles = ColumnRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(forKey: .role, in: container, debugDescription: "papel desconhecido '\(word)' (use um de: \(roles))")
            }
            role = known
        }
        reference = try container.decodeIfPresent(String.self, forKey: .reference)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        examples = try container.decodeIfPresent([String].self, forKey: .examples) ?? []
        origin = try Origin(decoding: container, key: CodingKeys.auto)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encodeIfPresent(role?.rawValue, forKey: .role)
        try container.encodeIfPresent(reference, forKey: .reference)
        try container.encodeIfPresent(format, forKey: .format)
        if !examples.isEmpty { try container.encode(examples, forKey: .examples) }
        try container.encode(synonyms, forKey: .synonyms)
        try container.encodeIfPresent(unit, forKey: .unit)
        if !values.isEmpty {
            // In order of value: a dictionary's own order changes from run to run, and so would the file.
            var nested = container.nestedContainer(keyedBy: ValueKey.self, forKey: .values)
            for value in values.keys.sorted() { try nested.encode(values[value], forKey: ValueKey(stringValue: value)) }
        }
        try origin.encode(to: &container, key: CodingKeys.auto)
    }
}

/// A coded value as a key of the `valores` mapping.
private struct ValueKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// What the metadata says about the database as a whole (`catalogo.yaml`): the domain line the
/// prompt opens with and the house rules it lists, so the templates in `prompts/` name no domain.
public struct CatalogSettings: Sendable, Codable, Equatable {
    /// "uma rede escolar", "uma loja de música": what the questions are about.
    public var domain: String?
    /// Conventions of this database the model must follow ("Quando listar alunos, mostre o ra e o nome.").
    public var rules: [String]
    /// Who wrote it.
    public var origin: Origin
    public static let fileName = "catalogo.yaml"
    /// The schema the model's text was written for (`indaga refresh --describe`): a second
    /// describe on the same schema asks the model nothing.
    public var schemaHash: String?

    enum CodingKeys: String, CodingKey {
        case domain = "dominio", rules = "regras", origin = "auto", schemaHash = "esquema"
    }

    public init(domain: String? = nil, rules: [String] = [], origin: Origin = .person, schemaHash: String? = nil) {
        self.domain = domain
        self.rules = rules
        self.origin = origin
        self.schemaHash = schemaHash
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        rules = try container.decodeIfPresent([String].self, forKey: .rules) ?? []
        origin = try Origin(decoding: container, key: CodingKeys.origin)
        schemaHash = try container.decodeIfPresent(String.self, forKey: .schemaHash)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(domain, forKey: .domain)
        try container.encode(rules, forKey: .rules)
        try origin.encode(to: &container, key: CodingKeys.origin)
        try container.encodeIfPresent(schemaHash, forKey: .schemaHash)
    }
}

/// A business term and the SQL it implies (`glossary.yaml`).
public struct GlossaryTerm: Sendable, Codable, Equatable {
    public var term: String
    public var synonyms: [String]
    public var description: String
    public var sql: String
    public var tables: [String]

    enum CodingKeys: String, CodingKey {
        case term = "termo", synonyms = "sinonimos", description = "descricao", sql, tables = "tabelas"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        term = try container.decode(String.self, forKey: .term)
        synonyms = try container.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        sql = try container.decode(String.self, forKey: .sql)
        tables = try container.decodeIfPresent([String].self, forKey: .tables) ?? []
    }
}

/// A question with SQL a person checked (`examples.yaml`).
public struct VerifiedExample: Sendable, Codable, Equatable {
    public var question: String
    public var sql: String

    enum CodingKeys: String, CodingKey {
        case question = "pergunta", sql
    }

    public init(question: String, sql: String) {
        self.question = question
        self.sql = sql
    }
}

/// Everything in one database's metadata folder.
public struct CatalogMetadata: Sendable, Equatable {
    /// Sorted by table name.
    public var tables: [TableMetadata]
    public var glossary: [GlossaryTerm]
    public var examples: [VerifiedExample]
    public var settings: CatalogSettings

    public init(tables: [TableMetadata], glossary: [GlossaryTerm], examples: [VerifiedExample], settings: CatalogSettings = CatalogSettings()) {
        self.tables = tables
        self.glossary = glossary
        self.examples = examples
        self.settings = settings
    }

    public func table(named name: String) -> TableMetadata? {
        tables.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Reads `<folder>/*.yaml`: one file per table, plus `glossary.yaml`, `examples.yaml` and `catalogo.yaml`.
    ///
    /// A missing folder is an empty catalog (any SQLite file works without metadata).
    /// - Throws: `MetadataError` naming the file, and the line when YAML says where.
    public static func load(from folder: URL) throws -> CatalogMetadata {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else {
            return CatalogMetadata(tables: [], glossary: [], examples: [])
        }
        var tables: [TableMetadata] = []
        var glossary: [GlossaryTerm] = []
        var examples: [VerifiedExample] = []
        var settings = CatalogSettings()
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let url = folder.appendingPathComponent(name)
            switch name {
            case "glossary.yaml", "glossary.yml":
                struct File: Decodable { let termos: [GlossaryTerm]? }
                glossary = try decode(File.self, from: url).termos ?? []
            case "examples.yaml", "examples.yml":
                struct File: Decodable { let exemplos: [VerifiedExample]? }
                examples = try decode(File.self, from: url).exemplos ?? []
            case CatalogSettings.fileName:
                settings = try decode(CatalogSettings.self, from: url)
            default:
                tables.append(try decode(TableMetadata.self, from: url))
            }
        }
        return CatalogMetadata(tables: tables.sorted { $0.name < $1.name }, glossary: glossary, examples: examples, settings: settings)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MetadataError(file: url.path, line: nil, column: nil, problem: "não foi possível ler o arquivo (\(error.localizedDescription))")
        }
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as YamlError {
            throw MetadataError(yaml: error, file: url.path)
        } catch let error as DecodingError {
            // Yams wraps syntax errors, which carry the line, inside dataCorrupted.
            if case .dataCorrupted(let context) = error, let yaml = context.underlyingError as? YamlError {
                throw MetadataError(yaml: yaml, file: url.path)
            }
            throw MetadataError(decoding: error, file: url.path)
        }
    }

    /// Entries that name a table or column the database does not have; each is a warning, not a failure.
    public func warnings(against schema: Schema) -> [String] {
        var warnings: [String] = []
        for table in tables {
            guard let real = schema.table(named: table.name) else {
                warnings.append("metadata descreve a tabela '\(table.name)', que não existe no banco")
                continue
            }
            for column in table.columns where real.column(named: column.name) == nil {
                warnings.append("metadata descreve a coluna '\(table.name).\(column.name)', que não existe no banco")
            }
        }
        for term in glossary {
            for name in term.tables where schema.table(named: name) == nil {
                warnings.append("o termo '\(term.term)' do glossário cita a tabela '\(name)', que não existe no banco")
            }
        }
        return warnings
    }
}

/// A metadata file that cannot be read, with where and why, in pt-BR.
public struct MetadataError: Error, Sendable, Equatable, LocalizedError {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let problem: String

    public init(file: String, line: Int?, column: Int?, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    init(yaml error: YamlError, file: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            self.init(file: file, line: mark.line, column: mark.column, problem: "YAML inválido: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, _):
            self.init(file: file, line: nil, column: nil, problem: "chaves repetidas: \(duplicates.joined(separator: ", "))")
        default:
            self.init(file: file, line: nil, column: nil, problem: "YAML inválido: \(error)")
        }
    }

    init(decoding error: DecodingError, file: String) {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch error {
        case .keyNotFound(let key, let context):
            let place = path(context)
            self.init(file: file, line: nil, column: nil, problem: "falta o campo '\(key.stringValue)'\(place.isEmpty ? "" : " em \(place)")")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            self.init(file: file, line: nil, column: nil, problem: "valor de tipo errado em '\(path(context))'")
        case .dataCorrupted(let context):
            self.init(file: file, line: nil, column: nil, problem: "conteúdo inválido em '\(path(context))': \(context.debugDescription)")
        @unknown default:
            self.init(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }

    public var errorDescription: String? {
        var place = file
        if let line { place += ", linha \(line)" }
        if let column { place += ", coluna \(column)" }
        return "\(place): \(problem)"
    }
}
