import Assistant
import Database
import Foundation
import LLM
import Retrieval

/// How one question came out.
public enum EvalOutcome: String, Sendable, Codable, CaseIterable {
    case rightFirstTry = "right_first_try"
    case rightAfterCorrection = "right_after_correction"
    case wrong
    case notAnswered = "not_answered"
    /// The gold query itself failed: the question is left out of the accuracy.
    case goldError = "gold_error"

    public var isRight: Bool { self == .rightFirstTry || self == .rightAfterCorrection }

    /// In pt-BR, for the text report and the progress lines.
    public var label: String {
        switch self {
        case .rightFirstTry: return "certa de primeira"
        case .rightAfterCorrection: return "certa após correção"
        case .wrong: return "errada"
        case .notAnswered: return "sem resposta"
        case .goldError: return "gabarito com erro"
        }
    }
}

/// One question's result, with what is needed to see why it failed.
public struct EvalCase: Sendable, Codable {
    public var id: String
    public var question: String
    public var difficulty: String
    public var outcome: EvalOutcome
    /// `llm` or `verified_example`.
    public var source: String
    /// Model calls made (0 for a verified example).
    public var tries: Int
    public var predictedSQL: String?
    public var goldSQL: String
    /// Why it is wrong or unanswered, in pt-BR.
    public var detail: String?
    /// Tables the gold query reads, and those of them retrieval left out of the prompt.
    public var goldTables: [String]
    public var missingTables: [String]
    /// Tables the prompt showed: with `missingTables`, how precise retrieval was, not only how complete.
    public var shownTables: [String]
    public var latencyMilliseconds: Double
    /// Time per pipeline stage, added up over tries.
    public var stageMilliseconds: [String: Double]
    public var promptTokens: Int
    /// The prompt tokens the server processed, the rest coming from its cache; nil when it did not say.
    public var processedPromptTokens: Int?
    public var completionTokens: Int
    /// Each model call: the query it gave and what was wrong with it, to see where corrections fail.
    public var attempts: [Try] = []

    public struct Try: Sendable, Codable, Equatable {
        public var sql: String?
        /// The query as the model wrote it, when a rule changed it: to replay the rules offline.
        public var written: String?
        /// The error, or the observation that asked for another look; nil for the answer kept.
        public var problem: String?
        public var repairs: [String]
        /// The ids of the rules that acted on this try (refused it, rewrote it, looked at its answer).
        public var rules: [String] = []
        /// The call's time, and its tokens: sent, reused from the server's cache, generated.
        public var latencyMilliseconds: Double?
        public var promptTokens: Int?
        public var cachedPromptTokens: Int?
        public var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case sql, written, problem, repairs, rules
            case latencyMilliseconds = "latency_ms", promptTokens = "prompt_tokens", cachedPromptTokens = "cached_prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    /// Every rule that acted on the question, once each, in the order they first acted.
    public var rules: [String] {
        attempts.flatMap(\.rules).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Retrieval put every table the gold query reads into the prompt.
    public var retrievalHit: Bool { missingTables.isEmpty }

    enum CodingKeys: String, CodingKey {
        case id, question, difficulty, outcome, source, tries, detail
        case predictedSQL = "predicted_sql", goldSQL = "gold_sql", goldTables = "gold_tables", missingTables = "missing_tables", shownTables = "shown_tables"
        case latencyMilliseconds = "latency_ms", stageMilliseconds = "stages_ms", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case processedPromptTokens = "processed_prompt_tokens"
        case attempts
    }
}

/// Runs questions through an assistant and scores each answer against its gold query.
public struct EvalRunner {
    /// Read-only connection the gold queries run on.
    let connection: any SQLDatabase
    /// The catalog's tables, by their lowercased name.
    let tableNames: [String: String]
    /// Rows read per result: enough that no comparison is cut short.
    public static let maxRows = 100_000
    static let goldTimeout: Duration = .seconds(60)

    public init(connection: any SQLDatabase, tableNames: Set<String>) {
        self.connection = connection
        self.tableNames = Dictionary(tableNames.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The catalog's tables a query reads after FROM or JOIN, however it quotes or cases them.
    func tables(in sql: String) -> [String] {
        Array(Set(tablesNamed(inSQL: sql).compactMap { tableNames[$0] })).sorted()
    }

    /// The prompt tokens the server processed over an answer's calls; nil unless it said so for every call.
    static func processedTokens(_ attempts: [Attempt]) -> Int? {
        let processed = attempts.compactMap(\.processedPromptTokens)
        return processed.count == attempts.count && !attempts.isEmpty ? processed.reduce(0, +) : nil
    }

    /// The gold (and alternative) results of `question`, or why the gold failed.
    public func goldResults(_ question: EvalQuestion) -> Result<[QueryResult], GoldFailure> {
        var results: [QueryResult] = []
        for sql in question.acceptedSQL {
            do {
                results.append(try connection.runGenerated(sql, timeout: Self.goldTimeout, maxRows: Self.maxRows))
            } catch {
                return .failure(GoldFailure(sql: sql, message: error.localizedDescription))
            }
        }
        return .success(results)
    }

    public struct GoldFailure: Error, Sendable {
        public let sql: String
        public let message: String
    }

    /// Asks `question` with `ask` and scores the answer against `gold` (run here when not given:
    /// pass it when one question is asked under several configurations, so it runs once).
    public func evaluate(_ question: EvalQuestion, gold: Result<[QueryResult], GoldFailure>? = nil, ask: (String) -> Answer) -> EvalCase {
        let gold = gold ?? goldResults(question)
        let goldTables = tables(in: question.goldSQL)
        let started = ContinuousClock.now
        let answer = ask(question.question)
        let latency = ContinuousClock.now - started
        var stages: [String: Double] = [:]
        for timing in answer.timings { stages[timing.stage, default: 0] += timing.duration.milliseconds }
        let shown = answer.context?.tables.map(\.name) ?? []
        let retrieved = Set(shown.map { $0.lowercased() })
        var result = EvalCase(
            id: question.id, question: question.question, difficulty: question.difficulty, outcome: .notAnswered,
            source: answer.source.rawValue, tries: answer.attempts.count, predictedSQL: answer.sql, goldSQL: question.goldSQL,
            detail: nil, goldTables: goldTables, missingTables: goldTables.filter { !retrieved.contains($0.lowercased()) }, shownTables: shown,
            latencyMilliseconds: latency.milliseconds, stageMilliseconds: stages,
            promptTokens: answer.attempts.reduce(0) { $0 + ($1.promptTokens ?? 0) },
            processedPromptTokens: Self.processedTokens(answer.attempts),
            completionTokens: answer.attempts.reduce(0) { $0 + ($1.completionTokens ?? 0) },
            attempts: answer.attempts.map {
                EvalCase.Try(sql: $0.sql, written: $0.written == $0.sql ? nil : $0.written, problem: $0.error ?? $0.observation?.note,
                             repairs: $0.repairs.map(\.note), rules: $0.rules, latencyMilliseconds: $0.latency.milliseconds,
                             promptTokens: $0.promptTokens, cachedPromptTokens: $0.cachedPromptTokens, completionTokens: $0.completionTokens)
            })
        switch gold {
        case .failure(let failure):
            result.outcome = .goldError
            result.detail = "o gabarito falhou (\(failure.message)): \(failure.sql)"
        case .success(let accepted):
            guard answer.status == .ok, let predicted = answer.result else {
                result.outcome = .notAnswered
                result.detail = answer.message ?? answer.status.rawValue
                break
            }
            let verdicts = accepted.map { ResultComparison.compare(predicted, $0, orderMatters: question.orderMatters) }
            if verdicts.contains(.same) {
                result.outcome = answer.attempts.count > 1 ? .rightAfterCorrection : .rightFirstTry
            } else {
                result.outcome = .wrong
                if case .different(let why) = verdicts[0] { result.detail = why }
            }
        }
        return result
    }
}
