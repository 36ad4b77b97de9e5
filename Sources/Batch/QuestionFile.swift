import Catalog
import Foundation
import Yams

/// One question of a batch, with the id its answer is filed under.
public struct BatchQuestion: Sendable, Equatable {
    public let id: String
    public let question: String
    /// Where it is in the input file ("linha 3", "entrada 2 (linha 5)"), for messages.
    public let place: String

    public init(id: String, question: String, place: String) {
        self.id = id
        self.question = question
        self.place = place
    }
}

/// Reads the questions of a batch: plain text, JSONL or YAML, chosen by the file's extension.
///
/// - Plain text (any other extension): one question a line; blank lines and lines starting
///   with `#` are skipped. A question's id is its line number, so it stays put when
///   questions are added at the end or comments are edited, and points straight at the line.
/// - `.jsonl`: one object a line with `id` (text or whole number) and `question`; blank lines skipped.
/// - `.yaml`, `.yml` (and `.json`, which YAML reads too): a list of mappings with `id` and
///   `question`, or a mapping whose `questions` key holds that list.
public enum QuestionFile {
    public enum Kind: Sendable, Equatable {
        case text, jsonLines, yaml
    }

    public static func kind(of path: String) -> Kind {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jsonl", "ndjson": return .jsonLines
        case "yaml", "yml", "json": return .yaml
        default: return .text
        }
    }

    /// The questions of the file at `path`, in file order.
    ///
    /// - Throws: `BatchError` for a missing or unreadable file, a malformed line or entry,
    ///   a missing id or question, duplicate ids, or no questions at all.
    public static func load(path: String) throws(BatchError) -> [BatchQuestion] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .inputMissing(path: path) }
        guard !isFolder.boolValue else { throw .inputIsFolder(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .inputUnreadable(path: path, reason: FileManager.default.isReadableFile(atPath: path) ? error.localizedDescription : "sem permissão de leitura")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .inputUnreadable(path: path, reason: "não está em UTF-8")
        }
        return try parse(text, kind: kind(of: path), path: path)
    }

    /// The questions in `text`; `path` only names the file in messages.
    public static func parse(_ text: String, kind: Kind, path: String) throws(BatchError) -> [BatchQuestion] {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let questions: [BatchQuestion]
        switch kind {
        case .text: questions = plainText(body)
        case .jsonLines: questions = try jsonLines(body, path: path)
        case .yaml: questions = try yaml(body, path: path)
        }
        guard !questions.isEmpty else { throw .noQuestions(path: path) }
        var seen: [String: BatchQuestion] = [:]
        for question in questions {
            if let first = seen[question.id] {
                throw .duplicateID(path: path, id: question.id, first: first.place, second: question.place)
            }
            seen[question.id] = question
        }
        return questions
    }

    /// Lines split the way an editor counts them (\n, \r\n or \r).
    static func lines(_ text: String) -> [Substring] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private static func plainText(_ text: String) -> [BatchQuestion] {
        lines(text).enumerated().compactMap { index, line in
            let question = line.trimmingCharacters(in: .whitespaces)
            guard !question.isEmpty, !question.hasPrefix("#") else { return nil }
            return BatchQuestion(id: String(index + 1), question: question, place: "linha \(index + 1)")
        }
    }

    /// `id` as JSON text or a whole number, `question` as text.
    private struct JSONEntry: Decodable {
        enum Field: Decodable {
            case text(String), number(Int), other

            init(from decoder: Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let text = try? value.decode(String.self) {
                    self = .text(text)
                } else if let number = try? value.decode(Int.self) {
                    self = .number(number)
                } else {
                    self = .other
                }
            }
        }

        let id: Field?
        let question: Field?
    }

    private static func jsonLines(_ text: String, path: String) throws(BatchError) -> [BatchQuestion] {
        var questions: [BatchQuestion] = []
        for (index, line) in lines(text).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let place = "linha \(index + 1)"
            let entry: JSONEntry
            do {
                entry = try JSONDecoder().decode(JSONEntry.self, from: Data(trimmed.utf8))
            } catch {
                throw .malformedJSON(path: path, line: index + 1, excerpt: excerpt(trimmed))
            }
            let id: String?
            switch entry.id {
            case .text(let text): id = text.trimmingCharacters(in: .whitespaces)
            case .number(let number): id = String(number)
            case .other: throw .badEntry(path: path, place: place, problem: "o campo \"id\" precisa ser um texto ou um número inteiro")
            case nil: id = nil
            }
            let question: String?
            switch entry.question {
            case .text(let text): question = text
            case .number, .other: throw .badEntry(path: path, place: place, problem: "o campo \"question\" precisa ser um texto")
            case nil: question = nil
            }
            questions.append(try checked(id: id, question: question, place: place, path: path))
        }
        return questions
    }

    private static func yaml(_ text: String, path: String) throws(BatchError) -> [BatchQuestion] {
        let root: Node?
        do {
            root = try YAMLText.compose(text)
        } catch {
            throw .malformedYAML(path: path, line: error.line, problem: error.problem)
        }
        let shapeProblem = "o arquivo precisa ser uma lista de perguntas (cada uma com id e question) ou ter a chave questions com essa lista"
        guard let root else { throw .noQuestions(path: path) }
        let list: Node.Sequence
        if let sequence = root.sequence {
            list = sequence
        } else if let mapping = root.mapping, let questions = mapping["questions"] {
            guard let sequence = questions.sequence else {
                throw .malformedYAML(path: path, line: questions.mark?.line, problem: shapeProblem)
            }
            list = sequence
        } else {
            throw .malformedYAML(path: path, line: root.mark?.line, problem: shapeProblem)
        }
        var questions: [BatchQuestion] = []
        for (index, entry) in list.enumerated() {
            let place = "entrada \(index + 1)" + (entry.mark.map { " (linha \($0.line))" } ?? "")
            guard let mapping = entry.mapping else {
                throw .badEntry(path: path, place: place, problem: "esperava um item com id e question")
            }
            func scalar(_ key: String) throws(BatchError) -> String? {
                guard let node = mapping[key] else { return nil }
                guard let scalar = node.scalar else {
                    throw .badEntry(path: path, place: place, problem: "o campo \"\(key)\" precisa ser um texto")
                }
                return scalar.string
            }
            questions.append(try checked(id: try scalar("id")?.trimmingCharacters(in: .whitespaces), question: try scalar("question"),
                                         place: place, path: path))
        }
        return questions
    }

    private static func checked(id: String?, question: String?, place: String, path: String) throws(BatchError) -> BatchQuestion {
        guard let id, !id.isEmpty else { throw .badEntry(path: path, place: place, problem: "falta o campo \"id\"") }
        guard let question = question?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw .badEntry(path: path, place: place, problem: "falta o campo \"question\"")
        }
        guard !question.isEmpty else { throw .badEntry(path: path, place: place, problem: "a pergunta está vazia") }
        return BatchQuestion(id: id, question: question, place: place)
    }

    private static func excerpt(_ line: String) -> String {
        line.count > 60 ? String(line.prefix(60)) + "…" : line
    }
}
