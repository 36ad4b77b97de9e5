import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

/// The model's query before it runs: validated and repaired (`SQLRepair`), then rewritten by
/// the book (`RuleBook.rewrites`), each rule as switched.
extension Assistant {
    /// What the rules read about `sql`: the question read once, the context, the catalog and the
    /// values the database stores.
    func ruleInput(sql: String, reading: QuestionReading, context: RetrievedContext) -> RuleInput {
        RuleInput(sql: sql, reading: reading, context: context, catalog: retriever.catalog, values: valueIndex, switches: options.rules)
    }

    /// Whether the rule `id` is switched on for this assistant.
    func on(_ id: String) -> Bool {
        options.rules.isOn(id)
    }

    /// The model's query with the slips that have one mechanical fix fixed, validated: the
    /// failure left if any, and the fixes made (each with its rule, and in pt-BR for the user).
    func polished(_ written: String, reading: QuestionReading, context: RetrievedContext) -> (sql: String, failure: ValidationFailure?, repairs: [RuleNote]) {
        // Period conditions of tables the query never reads: offered for each table, written for all.
        let stray = on("fix.stray-period-filter") ? StrayConditions.removed(from: written, conditions: context.periodConditions) : nil
        // An alias ignored, a parent table not joined, a glossary term written as a column…
        var (validated, failure, fixes) = repairer.validated(stray?.sql ?? written, by: validator, on: connection)
        // A yearly table's column read without joining it (`matriculas.situacao` in a query of
        // alunos): joined, held to the one year the question names.
        if let column = failure?.column, failure?.kind == .unknownColumn, context.periods.count == 1, let year = context.periods.first?.year,
            on("fix.yearly-child-join"), let joined = repairer.yearlyChildJoin(column, in: validated, year: year)
        {
            let again = repairer.validated(joined.sql, by: validator, on: connection)
            (validated, failure, fixes) = (again.sql, again.failure, fixes + [RuleNote("fix.yearly-child-join", joined.note)] + again.repairs)
        }
        var sql = validated
        var repairs = (stray?.removed ?? []).map { RuleNote("fix.stray-period-filter", "filtro de período de tabela que a consulta não lê tirado: \($0)") } + fixes
        guard failure == nil else { return (sql, failure, repairs) }
        // The book's rewrites, in order: each acts only when switched on and when the catalog
        // gives what it needs, and is kept only if the rewritten query still validates.
        let input = ruleInput(sql: sql, reading: reading, context: context)
        for rewrite in RuleBook.rewrites where on(rewrite.id) {
            guard let fixed = rewrite.apply(to: input.with(sql: sql)), fixed.sql != sql, validator.validate(fixed.sql, on: connection) == nil else { continue }
            sql = fixed.sql
            repairs += fixed.notes.map { RuleNote(rewrite.id, $0) }
        }
        return (sql, nil, repairs)
    }
}
