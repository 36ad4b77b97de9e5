import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck

/// What the rules make of a query the model once wrote, without asking the model again: the
/// measure of each rule on the queries of a committed report (`indaga eval --replay`).
public struct Replayed: Sendable {
    /// The query as it would run, after the repairs and rewrites switched on.
    public var sql: String
    /// The rules that refused, repaired or rewrote it, in the order they acted.
    public var rules: [String]
    /// Its rows; nil when it was refused or failed.
    public var result: QueryResult?
    /// Every check that sees something in those rows (the loop tells the model only the first).
    public var observations: [Observation]
    /// When a check saw something: the query after the late rules, its rows, and the late rules that acted.
    public var late: (sql: String, result: QueryResult?, rules: [String])?
}

extension Assistant {
    /// `written` through the book as the loop would take it on one try, for `question` with `context`:
    /// polished, run, looked at, and taken through the late rules when a check saw something.
    public func replayed(_ written: String, question: String, context: RetrievedContext) -> Replayed {
        let reading = QuestionReading(retriever.normalizer.spellOut(question))
        let (sql, failure, repairs) = polished(written, reading: reading, context: context)
        var replay = Replayed(sql: sql, rules: (failure?.rule.map { [$0] } ?? []) + repairs.map(\.rule), result: nil, observations: [])
        guard failure == nil else { return replay }
        var answer = Answer(question: question)
        // One try that wrote it: the late rules record what they did on the try that wrote the query.
        answer.attempts = [Attempt(sql: sql, error: nil, latency: .zero)]
        run(sql, into: &answer, cancellation: nil)
        guard answer.status == .ok, let result = answer.result else { return replay }
        replay.result = result
        replay.observations = RuleBook.observations(of: checkInput(result, sql: sql, reading: reading, context: context), switches: options.rules)
        if !replay.observations.isEmpty, let unasked = withoutUnasked(answer, sql: sql, reading: reading, context: context, cancellation: nil), let text = unasked.sql {
            replay.late = (text, unasked.result, unasked.attempts.flatMap(\.repairs).map(\.rule))
        }
        return replay
    }
}
