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

/// One question file of a run: its questions, and the database they are asked of.
public struct EvalFile: Sendable, Equatable {
    /// The file as it was named (relative paths stay relative, for the report).
    public let path: String
    /// The SQLite file its `database:` key names, resolved against the file's folder; nil when it
    /// names none (the questions are about the database the command was given, or the demo one).
    public let database: String?
    public var questions: [EvalQuestion]

    public init(path: String, database: String?, questions: [EvalQuestion]) {
        self.path = path
        self.database = database
        self.questions = questions
    }

    /// The file's name without folder or extension ("dev" for eval/dev.yaml): how the report names the set.
    public var name: String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
}

/// Reads an evaluation file: YAML, a list of questions or a mapping whose `questions` key
/// holds that list (and whose `database` key may name the SQLite file, relative to the YAML
/// file). Each item has `id`, `question` and `gold_sql`, and may have `difficulty`,
/// `order_matters` and `alt_sql` (one query or a list); other keys are ignored.
///
/// A suite is a YAML file whose `sets` key lists question files, relative to it.
public enum EvalSet {
    public static func load(path: String) throws(EvalSetError) -> [EvalQuestion] {
        try loadFile(path: path).questions
    }

    /// The question files `paths` name, suites expanded in place, in order; a file named twice is read once.
    public static func loadFiles(paths: [String]) throws(EvalSetError) -> [EvalFile] {
        var files: [EvalFile] = []
        var seen: Set<String> = []
        for path in paths {
            let text = try read(path)
            let root = try compose(text, path: path)
            let listed: [String]
            if let sets = root?.mapping?["sets"] {
                guard let list = sets.sequence, !list.isEmpty else {
                    throw .malformed(path: path, place: sets.mark.map { "linha \($0.line)" }, problem: "sets precisa ser uma lista de arquivos de perguntas")
                }
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                listed = try list.map { node throws(EvalSetError) in
                    guard let name = node.scalar?.string, !name.isEmpty else {
                        throw .malformed(path: path, place: node.mark.map { "linha \($0.line)" }, problem: "cada item de sets é o caminho de um arquivo de perguntas")
                    }
                    return name.hasPrefix("/") ? name : folder.appendingPathComponent(name).relativePath
                }
            } else {
                listed = [path]
            }
            for file in listed {
                let key = URL(fileURLWithPath: file).standardizedFileURL.path
                guard seen.insert(key).inserted else { continue }
                files.append(file == path ? try evalFile(root, path: path) : try loadFile(path: file))
            }
        }
        return files
    }

    /// One question file, with its database.
    public static func loadFile(path: String) throws(EvalSetError) -> EvalFile {
        try parseFile(try read(path), path: path)
    }

    /// The file in `text`: its questions and its database; `path` names the file in messages and anchors `database`.
    public static func parseFile(_ text: String, path: String) throws(EvalSetError) -> EvalFile {
        try evalFile(try compose(text, path: path), path: path)
    }

    static func read(_ path: String) throws(EvalSetError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                throw .unreadable(path: path, reason: isFolder.boolValue ? "é uma pasta" : "sem permissão de leitura")
            }
            throw .missing(path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "não está em UTF-8") }
        return text
    }

    static func compose(_ text: String, path: String) throws(EvalSetError) -> Node? {
        do {
            return try YAMLText.compose(text)
        } catch {
            throw .malformed(path: path, place: error.line.map { "linha \($0)" }, problem: error.problem)
        }
    }

    /// The file whose YAML is `root`, composed once.
    static func evalFile(_ root: Node?, path: String) throws(EvalSetError) -> EvalFile {
        let questions = try questions(root, path: path)
        var database: String?
        if let node = root?.mapping?["database"] {
            guard let name = node.scalar?.string.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw .malformed(path: path, place: node.mark.map { "linha \($0.line)" }, problem: "database precisa ser o caminho de um arquivo SQLite")
            }
            database = name.hasPrefix("/") ? name
                : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).standardizedFileURL.path
        }
        return EvalFile(path: path, database: database, questions: questions)
    }

    /// The questions in `text`; `path` only names the file in messages.
    public static func parse(_ text: String, path: String) throws(EvalSetError) -> [EvalQuestion] {
        try questions(try compose(text, path: path), path: path)
    }

    static func questions(_ root: Node?, path: String) throws(EvalSetError) -> [EvalQuestion] {
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

    /// A fixed subset of about `count` questions, drawn from each difficulty in proportion (at
    /// least one of each, when `count` allows), the same every run: within a difficulty, the
    /// questions whose ids hash lowest. File order is kept.
    public static func sample(_ questions: [EvalQuestion], count: Int) -> [EvalQuestion] {
        guard count < questions.count else { return questions }
        let groups = Dictionary(grouping: questions.indices, by: { questions[$0].difficulty })
        var quota = groups.mapValues { Int((Double($0.count) * Double(count) / Double(questions.count)).rounded(.down)) }
        if count >= groups.count { for key in groups.keys where quota[key] == 0 { quota[key] = 1 } }
        // Hand out what rounding left, to the largest groups first.
        let largestFirst = groups.keys.sorted { (groups[$0]!.count, $1) > (groups[$1]!.count, $0) }
        var left = count - quota.values.reduce(0, +)
        while left > 0 {
            let open = largestFirst.filter { quota[$0]! < groups[$0]!.count }
            guard !open.isEmpty else { break }
            for key in open where left > 0 {
                quota[key]! += 1
                left -= 1
            }
        }
        var chosen: Set<Int> = []
        for (key, indices) in groups {
            let ranked = indices.sorted { (stableHash(questions[$0].id), $0) < (stableHash(questions[$1].id), $1) }
            chosen.formUnion(ranked.prefix(quota[key] ?? 0))
        }
        return questions.indices.filter(chosen.contains).map { questions[$0] }
    }

    /// FNV-1a of the id's UTF-8: the same on every machine and run (Swift's `hashValue` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
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
