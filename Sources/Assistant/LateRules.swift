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
    func withoutUnasked(_ answer: Answer, sql: String, question: String, context: RetrievedContext,
                        cancellation: CancellationFlag?) -> Answer? {
        var text = sql
        var notes: [RuleNote] = []
        let input = ruleInput(sql: sql, question: question, context: context)
        let unnamed = on("late.unnamed-value-removed") ? input.unnamedLiterals(in: sql, question: question, context: context) : []
        for value in unnamed {
            guard let without = StrayConditions.removed(comparingWith: value, from: text) else { continue }
            text = without.sql
            notes += without.removed.map { RuleNote("late.unnamed-value-removed", "filtro \($0) tirado: a pergunta não cita esse valor") }
        }
        var grouping = on("late.unasked-grouping-removed") ? input.unaskedGrouping(text, question: question, context: context) : []
        // "Quantos…" with no "cada" or "por", still one number per group after the look that said
        // so ("sumiram da escola" counted per school): the one number asked for.
        if grouping.isEmpty, on("late.unasked-grouping-removed"), let outer = QueryShape.outerGrouping(text), !outer.having, input.reading.asksHowMany,
            !input.reading.asksPerGroup, ValueGroup.named(in: context).isEmpty
        {
            grouping = outer.columns
        }
        if !grouping.isEmpty, let ungrouped = UnaskedGrouping.removed(text, unasked: grouping) {
            text = ungrouped.sql
            notes.append(RuleNote("late.unasked-grouping-removed", ungrouped.note))
        }
        // "Em quais meses a presença ficou abaixo de 90%" held row by row before grouping: the group holds it.
        if on("late.threshold-to-having"),
            let moved = input.reading.thresholds.lazy.compactMap({ RowThresholds.movedToHaving(in: text, numbers: $0.accepted) }).first
        {
            text = moved.sql
            notes.append(RuleNote("late.threshold-to-having", moved.note))
        }
        guard !notes.isEmpty, validator.validate(text, on: connection) == nil else { return nil }
        var retried = answer
        run(text, into: &retried, cancellation: cancellation)
        guard retried.status == .ok, (retried.result?.totalRows ?? 0) > 0,
            suspicious(retried.result, sql: text, question: question, context: context) == nil
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
