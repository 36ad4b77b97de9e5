import Foundation

/// Adds a verified example to `examples.yaml` without rewriting what a person wrote there.
///
/// The new entry is appended as text (comments and order stay), the file is read back to
/// prove it still parses, and the old content is put back if it does not.
public struct ExampleStore: Sendable {
    public let file: URL

    public init(metadataFolder: URL) {
        file = metadataFolder.appendingPathComponent("examples.yaml")
    }

    public enum SaveError: Error, Equatable, LocalizedError {
        case duplicate(String)
        case unreadable(String)

        public var errorDescription: String? {
            switch self {
            case .duplicate(let question): return "já existe um exemplo verificado com a pergunta \"\(question)\""
            case .unreadable(let detail): return "não consegui acrescentar o exemplo ao examples.yaml: \(detail)"
            }
        }
    }

    /// Appends `question` and `sql` as a verified example.
    ///
    /// - Throws: `SaveError.duplicate` when the question is already there; `SaveError.unreadable`
    ///   when the file cannot be written or would stop parsing.
    public func append(question: String, sql: String) throws {
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let original = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let existing = try CatalogMetadata.load(from: folder).examples
        if existing.contains(where: { $0.question.trimmingCharacters(in: .whitespaces) == question.trimmingCharacters(in: .whitespaces) }) {
            throw SaveError.duplicate(question)
        }
        var text = original
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        if !original.split(separator: "\n").contains(where: { $0.hasPrefix("exemplos:") }) {
            text += "exemplos:\n"
        }
        text += "  - pergunta: \(Self.quoted(question))\n    sql: \(Self.quoted(sql))\n"
        do {
            try text.write(to: file, atomically: true, encoding: .utf8)
            guard try CatalogMetadata.load(from: folder).examples.contains(where: { $0.question == question && $0.sql == sql }) else {
                throw SaveError.unreadable("o exemplo não aparece ao reler o arquivo")
            }
        } catch {
            if original.isEmpty { try? FileManager.default.removeItem(at: file) } else { try? original.write(to: file, atomically: true, encoding: .utf8) }
            throw error as? SaveError ?? SaveError.unreadable(error.localizedDescription)
        }
    }

    /// A YAML double-quoted scalar (JSON's string syntax is valid YAML), on one line.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
