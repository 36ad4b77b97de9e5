import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

/// The late rules (`late.…`): what the model kept after it was told, taken out by the
/// assistant, and the answer run again.
extension Assistant {
    /// `answer` without the conditions on values the question never names (`pedra = 'Ametista'`
    /// in a count of low grades), or without a grouping it never asks for (the whole network's
    /// grades per phase, or any grouping of a "quantos" with no "cada" or "por"), or with a
    /// threshold it says held by the group rather than row by row, run again:
    /// kept when it runs, has rows and looks right; nil otherwise.
    /// For the model's last word only: it was told, and kept them.
    func withoutUnasked(_ answer: Answer, sql: String, reading: QuestionReading, context: RetrievedContext,
                        cancellation: CancellationFlag?) -> Answer? {
        var text = sql
        var notes: [RuleNote] = []
        let input = ruleInput(sql: sql, reading: reading, context: context)
        for rule in RuleBook.late where on(rule.id) {
            guard let changed = rule.apply(to: input.with(sql: text)) else { continue }
            text = changed.sql
            notes += changed.notes.map { RuleNote(rule.id, $0) }
        }
        guard !notes.isEmpty, validator.validate(text, on: connection) == nil else { return nil }
        var retried = answer
        run(text, into: &retried, cancellation: cancellation)
        guard retried.status == .ok, (retried.result?.totalRows ?? 0) > 0,
            suspicious(retried.result, sql: text, reading: reading, context: context) == nil
        else { return nil }
        retried.sql = text
        // The attempt that wrote the query carries the fix, as the answer shows its notes.
        if let index = retried.attempts.lastIndex(where: { $0.sql == sql }) {
            retried.attempts[index].sql = text
            retried.attempts[index].repairs += notes
        }
        return retried
    }
}
