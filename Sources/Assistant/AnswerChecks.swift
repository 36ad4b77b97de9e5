import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck

/// The looks an answer gets after it runs (`RuleBook.checks`), with this assistant's catalog,
/// stored values, switches and query limits.
extension Assistant {
    /// What the first check that sees something in the answer saw; nil when it looks right.
    func suspicious(_ result: QueryResult?, sql: String, reading: QuestionReading, context: RetrievedContext) -> Observation? {
        guard let result else { return nil }
        return RuleBook.observation(of: checkInput(result, sql: sql, reading: reading, context: context), switches: options.rules)
    }

    /// What the checks read: the rules' input, the answer, and a way to run a variant of the query.
    func checkInput(_ result: QueryResult, sql: String, reading: QuestionReading, context: RetrievedContext) -> CheckInput {
        CheckInput(input: ruleInput(sql: sql, reading: reading, context: context), result: result) { [connection, options] variant in
            try? connection.runGenerated(variant, timeout: options.timeout, maxRows: 1)
        }
    }
}
