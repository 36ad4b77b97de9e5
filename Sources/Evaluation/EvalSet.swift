import Catalog
import Foundation
import Yams

/// One question of an evaluation set, with the SQL whose result counts as right.
public struct EvalQuestion: Sendable, Equatable {
    public let id: String
    public let question: String
    public let goldSQL: String
    /// Other accepted answers (a question with two fair readings).
    public let alternativeSQL: [String]
    /// `easy`, `medium`, `hard` or whatever the file says; "sem nível" when it says nothing.
    public let difficulty: String
    /// Rows must come in the gold's order ("os 5 maiores", "em ordem de…").
    public let orderMatters: Bool

    public init(id: String, question: String, goldSQL: String, alternativeSQL: [String] = [], difficulty: String = EvalQuestion.noDifficulty,
                orderMatters: Bool = false) {
        self.id = id
        self.question = question
        self.goldSQL = goldSQL
        self.alternativeSQL = alternativeSQL
        self.difficulty = difficulty
        self.orderMatters = orderMatters
    }

    public static let noDifficulty = "sem nível"

    /// The gold query first, then the alternatives.
    public var acceptedSQL: [String] { [goldSQL] + alternativeSQL }
}

/// Reads an evaluation file: YAML, a list of questions or a mapping whose `questions` key
/// holds that list. Each item has `id`, `question` and `gold_sql`, and may have `difficulty`,
/// `order_matters` and `alt_sql` (one query or a list); other keys are ignored.
public enum EvalSet {
    public static func load(path: String) throws(EvalSetError) -> [EvalQuestion] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                throw .unreadable(path: path, reason: isFolder.boolValue ? "é uma pasta" : "sem permissão de leitura")
            }
            throw .missing(path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "não está em UTF-8") }
        return try parse(text, path: path)
    }

    /// The questions in `text`; `path` only names the file in messages.
    public static func parse(_ text: String, path: String) throws(EvalSetError) -> [EvalQuestion] {
        let root: Node?
        do {
            root = try YAMLText.compose(text)
        } catch {
            throw .malformed(path: path, place: error.line.map { "linha \($0)" }, problem: error.problem)
        }
        let shape = "esperava uma lista de perguntas, ou a chave questions com essa lista"
        guard let root else { throw .empty(path: path) }
        let list: Node.Sequence
        if let sequence = root.sequence {
            list = sequence
        } else if let questions = root.mapping?["questions"] {
            guard let sequence = questions.sequence else { throw .malformed(path: path, place: questions.mark.map { "linha \($0.line)" }, problem: shape) }
            list = sequence
        } else {
            throw .malformed(path: path, place: root.mark.map { "linha \($0.line)" }, problem: shape)
        }
        var questions: [EvalQuestion] = []
        var places: [String: String] = [:]
        for (index, node) in list.enumerated() {
            let place = "item \(index + 1)" + (node.mark.map { " (linha \($0.line))" } ?? "")
            let question = try entry(node, place: place, path: path)
            if let first = places[question.id] {
                throw .malformed(path: path, place: place, problem: "o id \"\(question.id)\" já aparece em \(first)")
            }
            places[question.id] = place
            questions.append(question)
        }
        guard !questions.isEmpty else { throw .empty(path: path) }
        return questions
    }

    private static func entry(_ node: Node, place: String, path: String) throws(EvalSetError) -> EvalQuestion {
        guard let mapping = node.mapping else { throw .malformed(path: path, place: place, problem: "esperava um item com id, question e gold_sql") }
        func text(_ key: String) throws(EvalSetError) -> String? {
            guard let value = mapping[key] else { return nil }
            guard let scalar = value.scalar else { throw .malformed(path: path, place: place, problem: "o campo \(key) precisa ser um texto") }
            let trimmed = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let id = try text("id") else { throw .malformed(path: path, place: place, problem: "falta o campo id") }
        guard let question = try text("question") else { throw .malformed(path: path, place: place, problem: "falta o campo question") }
        guard let gold = try text("gold_sql") else { throw .malformed(path: path, place: place, problem: "falta o campo gold_sql") }
        var alternatives: [String] = []
        if let alt = mapping["alt_sql"] {
            if let list = alt.sequence {
                for item in list {
                    guard let sql = item.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines) else {
                        throw .malformed(path: path, place: place, problem: "alt_sql precisa ser uma consulta ou uma lista de consultas")
                    }
                    alternatives.append(sql)
                }
            } else if let sql = try text("alt_sql") {
                alternatives = [sql]
            }
        }
        var orderMatters = false
        if let flag = mapping["order_matters"] {
            guard let value = flag.bool else {
                throw .malformed(path: path, place: place, problem: "order_matters precisa ser true ou false")
            }
            orderMatters = value
        }
        return EvalQuestion(id: id, question: question, goldSQL: gold, alternativeSQL: alternatives,
                            difficulty: try text("difficulty")?.lowercased() ?? EvalQuestion.noDifficulty, orderMatters: orderMatters)
    }
}

public enum EvalSetError: Error, Sendable, Equatable, LocalizedError {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case malformed(path: String, place: String?, problem: String)
    case empty(path: String)

    public var errorDescription: String? {
        switch self {
        case .missing(let path): return "o arquivo de avaliação '\(path)' não existe"
        case .unreadable(let path, let reason): return "não consegui ler '\(path)': \(reason)"
        case .malformed(let path, let place, let problem): return "'\(path)'\(place.map { ", \($0)" } ?? ""): \(problem)"
        case .empty(let path): return "'\(path)' não tem nenhuma pergunta"
        }
    }
}
