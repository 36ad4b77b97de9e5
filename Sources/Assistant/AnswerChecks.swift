import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck

/// The looks an answer gets after it runs (`RuleBook.checks`), with this assistant's catalog,
/// stored values, switches and query limits.
extension Assistant {
    /// What the first check that sees something in the answer saw; nil when it looks right.
    func suspicious(_ result: QueryResult?, sql: String, reading: QuestionReading, context: RetrievedContext) -> RuleNote? {
        guard let result else { return nil }
        let input = CheckInput(input: ruleInput(sql: sql, reading: reading, context: context), result: result) { [connection, options] variant in
            try? connection.runGenerated(variant, timeout: options.timeout, maxRows: 1)
        }
        return RuleBook.observation(of: input, switches: options.rules)
    }
}
