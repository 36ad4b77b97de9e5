import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

/// A question asked before, for follow-ups ("e em 2023?").
public struct Turn: Sendable, Codable, Equatable {
    public let question: String
    public let sql: String

    public init(question: String, sql: String) {
        self.question = question
        self.sql = sql
    }
}

/// One try at an answer: what the model said, the SQL, and what went wrong.
public struct Attempt: Sendable, Encodable {
    public var sql: String?
    /// The query as the model wrote it, before any rule: what a rule's worth is measured against.
    public var written: String?
    public var error: String?
    public var latency: Duration
    public var promptTokens: Int?
    /// Of the prompt's tokens, those the server reused from its cache rather than processed.
    public var cachedPromptTokens: Int?
    public var completionTokens: Int?
    /// Mechanical fixes made to the model's query before it ran, each with the rule that made it.
    public var repairs: [RuleNote] = []
    /// Why a query that ran got another look anyway (a year dropped, an example copied), and the rule that looked.
    public var observation: RuleNote?
    /// The rule that refused the query as invalid, when SQLite itself would have run it.
    public var refusal: String?

    /// Every rule that acted on this try, in the order they acted.
    public var rules: [String] {
        (refusal.map { [$0] } ?? []) + repairs.map(\.rule) + (observation.map { [$0.rule] } ?? [])
    }

    enum CodingKeys: String, CodingKey {
        case sql, written, error, repairs, observation, refusal, latencyMilliseconds = "latency_ms", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case cachedPromptTokens = "cached_prompt_tokens"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(sql, forKey: .sql)
        if written != sql { try container.encodeIfPresent(written, forKey: .written) }
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(latency.milliseconds, forKey: .latencyMilliseconds)
        try container.encodeIfPresent(promptTokens, forKey: .promptTokens)
        try container.encodeIfPresent(cachedPromptTokens, forKey: .cachedPromptTokens)
        try container.encodeIfPresent(completionTokens, forKey: .completionTokens)
        if !repairs.isEmpty { try container.encode(repairs, forKey: .repairs) }
        try container.encodeIfPresent(observation, forKey: .observation)
        try container.encodeIfPresent(refusal, forKey: .refusal)
    }
}

extension Attempt {
    /// Records what the server said of a call: its tokens, and how many of the prompt's it reused.
    init(reply: ChatReply, latency: Duration) {
        self.init(latency: latency, promptTokens: reply.promptTokens, cachedPromptTokens: reply.cachedPromptTokens,
                  completionTokens: reply.completionTokens)
    }

    /// The prompt tokens the server processed for this call, when it said which it reused.
    public var processedPromptTokens: Int? {
        guard let promptTokens, let cachedPromptTokens else { return nil }
        return promptTokens - min(promptTokens, cachedPromptTokens)
    }
}

/// The answer to one question, or an honest account of why there is none.
public struct Answer: Sendable {
    public enum Status: String, Sendable, Encodable {
        case ok
        /// The model never produced a query.
        case noSQL = "no_sql"
        /// It produced queries, but none passed the checks.
        case invalid
        /// Something else failed: the model's server, the database.
        case error
    }

    public enum Source: String, Sendable, Encodable {
        case llm
        case verifiedExample = "verified_example"
    }

    public var question: String
    public var status: Status = .error
    public var source: Source = .llm
    public var sql: String?
    public var attempts: [Attempt] = []
    public var result: QueryResult?
    /// Why there is no answer, or what is odd about the one there is, in pt-BR.
    public var message: String?
    public var contextIDs: [String] = []
    /// What retrieval chose and why (`:explicar`).
    public var context: RetrievedContext?
    /// Time per stage, in order: encode, retrieve, prompt, llm, validate, execute.
    public var timings: [(stage: String, duration: Duration)] = []
    public var model: String?

    public init(question: String) {
        self.question = question
    }
}
