import Catalog
import Database
import Foundation
import LLM

/// Why the model's description of a table was not kept.
public enum DescribeError: Error, Sendable, Equatable, LocalizedError {
    /// The reply holds no JSON object in the format asked.
    case unreadable(String)
    /// The reply is JSON but says nothing usable (no description, no known column).
    case empty

    public var errorDescription: String? {
        switch self {
        case .unreadable(let start): return "o modelo não respondeu um JSON legível (começou com \"\(start)\")"
        case .empty: return "o modelo não disse nada aproveitável (nada além de nomes que não existem, ou do que o prompt já diz)"
        }
    }
}

/// `indaga refresh --describe`: asks the model in use, once per table, for pt-BR descriptions
/// and synonyms, and pt-BR names for coded values. Its input is what the catalog knows (names,
/// types, roles, keys, values); its output is checked against the schema (a column or a value
/// that does not exist is dropped) and cut to short lines. No SQL is run.
public struct ModelDescriber: CatalogDescriber {
    let client: ChatClient
    let domainTemplate: String
    let tableTemplate: String
    /// Columns asked about in one call, and room for their JSON.
    static let columnsPerCall = 12
    static let maxTokens = 1_200
    static let maxText = 200
    static let maxSynonyms = 4

    public init(client: ChatClient, promptsFolder: URL) throws {
        func read(_ name: String) throws -> String {
            let url = promptsFolder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw AssistantError.missingPrompt(url.path) }
            return text
        }
        self.client = client
        domainTemplate = try read("describe-domain.md")
        tableTemplate = try read("describe-table.md")
    }

    public func domain(of catalog: Catalog) throws -> String {
        // With what each table holds, when it was described: from names alone, a small model
        // answers "o banco de dados".
        let tables = catalog.schema.tables.map { table in
            let said = ContextRenderer.short(catalog.metadata.table(named: table.name)?.description ?? "")
            return "- \(sqlName(table.name)) (" + table.columns.prefix(8).map { sqlName($0.name) }.joined(separator: ", ") + ")"
                + (said.isEmpty ? "" : ": \(said)")
        }.joined(separator: "\n")
        let prompt = PromptTemplates.fill(domainTemplate, ["tables": ContextRenderer.data(tables, limit: 4_000)])
        let reply = try ask(prompt, maxTokens: 80, format: Self.domainFormat)
        guard let object = Self.jsonObject(in: reply) else { throw DescribeError.unreadable(String(Self.clean(reply).prefix(40))) }
        // "uma loja de música." → "uma loja de música"; "perguntas sobre x" → "x".
        var domain = Self.text(object["assunto"]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'“”.;: "))
        if let range = domain.range(of: "perguntas sobre ", options: .caseInsensitive) { domain = String(domain[range.upperBound...]) }
        // An echo of the prompt (a list of tables) is no domain.
        guard domain.contains(where: \.isLetter), domain.count <= 100, !domain.contains(":") else { throw DescribeError.empty }
        // "o banco de dados SQLite" says nothing the prompt does not: no domain.
        let generic: Set<String> = ["o", "a", "os", "as", "um", "uma", "de", "do", "da", "dos", "das", "banco", "bancos", "dados", "sqlite", "tabela", "tabelas", "informacoes"]
        guard domain.split(whereSeparator: { !$0.isLetter }).map({ foldedName(String($0)) }).contains(where: { !generic.contains($0) }) else {
            throw DescribeError.empty
        }
        return domain
    }

    /// The shapes the replies must have, as JSON schemas: the server then writes valid JSON
    /// (Ollama's `format`, the OpenAI API's `json_schema`), and lists stay short.
    static let domainFormat = object(["assunto": string], required: ["assunto"])
    static let tableFormat: JSONValue = {
        let words: JSONValue = .object(["type": .string("array"), "items": string, "maxItems": .number(Double(maxSynonyms))])
        let column = object(["descricao": string, "sinonimos": words], required: ["descricao", "sinonimos"])
        let names: JSONValue = .object(["type": .string("object"), "additionalProperties": string])
        return object([
            "descricao": string, "sinonimos": words,
            "colunas": .object(["type": .string("object"), "additionalProperties": column]),
            "valores": .object(["type": .string("object"), "additionalProperties": names]),
        ], required: ["descricao", "sinonimos", "colunas"])
    }()
    static let string: JSONValue = .object(["type": .string("string")])

    static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        .object(["type": .string("object"), "properties": .object(properties), "required": .array(required.map(JSONValue.string))])
    }

    /// A wide table is described a part of its columns at a time: a reply about 48 columns
    /// outgrows what a small model writes in one go, and a reply cut short is no JSON.
    public func describe(_ table: String, in catalog: Catalog) throws -> TableDescription {
        guard let real = catalog.schema.table(named: table) else { throw DescribeError.empty }
        let described = catalog.metadata.table(named: table)
        let lines = real.columns.map { column in
            var line = "- \(sqlName(column.name)) \(column.declaredType.isEmpty ? "" : column.declaredType)"
            let meta = described?.column(named: column.name)
            if let role = meta?.role { line += ", \(role.rawValue)" }
            if let reference = meta?.reference ?? real.foreignKeys.first(where: { $0.columns == [column.name] }).map({ "\($0.referencedTable).\($0.referencedColumns.first ?? "")" }) {
                line += " de \(reference)"
            }
            if let values = meta?.values, !values.isEmpty {
                line += "; valores: " + values.keys.sorted().prefix(20).map(ContextRenderer.literal).joined(separator: ", ")
            } else if let examples = meta?.examples, !examples.isEmpty {
                line += "; ex.: " + examples.prefix(3).map(ContextRenderer.literal).joined(separator: ", ")
            }
            return ContextRenderer.data(line, limit: 400)
        }
        var result: TableDescription?
        for start in stride(from: 0, to: max(lines.count, 1), by: Self.columnsPerCall) {
            let part = lines[start..<min(start + Self.columnsPerCall, lines.count)]
            let prompt = PromptTemplates.fill(tableTemplate, [
                "domain": ContextRenderer.domain(catalog), "table": ContextRenderer.data(sqlName(table)), "columns": part.joined(separator: "\n"),
            ])
            let reply = try ask(prompt, maxTokens: Self.maxTokens, format: Self.tableFormat)
            guard var whole = result else {
                result = try Self.parse(reply, table: real, metadata: described)
                continue
            }
            // The table's own description comes from the first part; a later part that fails
            // leaves its columns undescribed rather than losing the others.
            guard let more = try? Self.parse(reply, table: real, metadata: described) else { continue }
            whole.columns.merge(more.columns) { first, _ in first }
            whole.values.merge(more.values) { first, _ in first }
            result = whole
        }
        guard let result else { throw DescribeError.empty }
        return result
    }

    private func ask(_ prompt: String, maxTokens: Int, format: JSONValue) throws -> String {
        var options = GenerationOptions(temperature: 0, maxTokens: maxTokens)
        options.format = format
        let request = ChatRequest(model: client.endpoint.model, messages: [ChatMessage(.user, prompt)], options: options)
        return try client.chat(request, cancellation: nil, onDelta: nil).content
    }

    /// The model's JSON, kept only where it names what exists.
    static func parse(_ reply: String, table: Schema.Table, metadata: TableMetadata?) throws -> TableDescription {
        guard let object = jsonObject(in: reply) else { throw DescribeError.unreadable(String(clean(reply).prefix(40))) }
        var result = TableDescription(table: .init(text(object["descricao"]), synonyms: synonyms(object["sinonimos"])))
        for (name, said) in object["colunas"] as? [String: Any] ?? [:] {
            guard let column = table.column(named: name), let said = said as? [String: Any] else { continue }
            let description = text(said["descricao"])
            let words = synonyms(said["sinonimos"])
            if !description.isEmpty || !words.isEmpty { result.columns[column.name] = .init(description, synonyms: words) }
        }
        for (name, pairs) in object["valores"] as? [String: Any] ?? [:] {
            guard let column = table.column(named: name), let known = metadata?.column(named: column.name)?.values,
                  let pairs = pairs as? [String: Any] else { continue }
            for (value, said) in pairs where known[value] != nil {
                let name = text(said)
                // 'ENSINO MEDIO COMPLETO' is already Portuguese: a name that only changes case or accents is no translation.
                if !name.isEmpty, foldedName(name) != foldedName(value) { result.values[column.name, default: [:]][value] = name }
            }
        }
        guard !result.table.description.isEmpty || !result.columns.isEmpty else { throw DescribeError.empty }
        return result
    }

    /// The JSON object of a reply, from its first "{" to its last "}" (a server without
    /// structured output may wrap it in prose or a code fence).
    static func jsonObject(in reply: String) -> [String: Any]? {
        guard let start = reply.firstIndex(of: "{"), let end = reply.lastIndex(of: "}"), start < end else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(reply[start...end].utf8))) as? [String: Any]
    }

    /// A string of the reply as one short line; anything else as nothing.
    static func text(_ value: Any?) -> String {
        guard let value = value as? String else { return "" }
        let line = clean(value)
        return line.count > maxText ? String(line.prefix(maxText - 1)) + "…" : line
    }

    static func synonyms(_ value: Any?) -> [String] {
        var seen: Set<String> = []
        return (value as? [Any] ?? []).map(text).filter { !$0.isEmpty && $0.count <= 40 && seen.insert($0.lowercased()).inserted }
            .prefix(maxSynonyms).map { $0 }
    }

    /// One line: control characters and line breaks as spaces, runs of spaces as one.
    static func clean(_ text: String) -> String {
        ContextRenderer.data(text, limit: .max).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
