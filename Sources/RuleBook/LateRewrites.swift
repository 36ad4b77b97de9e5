import Foundation
import Retrieval
import SQLCheck

extension RuleBook {
    /// For the model's last word only, after a check told it and it kept the query: what the
    /// question never asked for is taken out, in this order, and the answer is run again (and
    /// kept only if it runs, has rows and passes the checks).
    public static let late: [QueryRewrite] = [
        QueryRewrite("late.unasked-grouping-removed", "agrupamento que a pergunta não pede, mantido depois do aviso", stage: .late, examples: [
            RuleExample(.escola, "Qual a média do INDE?", "SELECT a.genero, avg(v.inde) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.genero",
                        fixed: "SELECT avg(v.inde) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id"),
            RuleExample(.voos, "Qual o atraso médio?", "SELECT origin, avg(dep_delay) FROM flights GROUP BY origin", fixed: "SELECT avg(dep_delay) FROM flights"),
            RuleExample(.voos, "Qual o atraso médio por origem?", "SELECT origin, avg(dep_delay) FROM flights GROUP BY origin"),
        ]) { input in
            var grouping = input.unaskedGrouping(input.sql)
            // "Quantos…" with no "cada" or "por", still one number per group after the look that said
            // so ("sumiram da escola" counted per school): the one number asked for.
            if grouping.isEmpty, let outer = QueryShape.outerGrouping(input.sql), !outer.having, input.reading.asksHowMany, !input.reading.asksPerGroup,
                ValueGroup.named(in: input.context).isEmpty
            {
                grouping = outer.columns
            }
            guard !grouping.isEmpty, let ungrouped = UnaskedGrouping.removed(input.sql, unasked: grouping) else { return nil }
            return (ungrouped.sql, [ungrouped.note])
        },
        QueryRewrite("late.threshold-to-having", "limite do grupo mantido em cada linha depois do aviso, passado ao HAVING", stage: .late, examples: [
            RuleExample(.escola, "Em quais meses a presença ficou abaixo de 90%?",
                        "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal WHERE presencas < 0.9 * aulas_previstas GROUP BY mes",
                        fixed: "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) FROM frequencia_mensal GROUP BY mes HAVING sum(presencas) < 0.9 * sum(aulas_previstas)"),
            RuleExample(.beisebol, "Times com mais de 30 home runs", "SELECT teamID, sum(HR) FROM Batting WHERE HR > 30 GROUP BY teamID",
                        fixed: "SELECT teamID, sum(HR) FROM Batting GROUP BY teamID HAVING sum(HR) > 30"),
            RuleExample(.beisebol, "Times com mais de 30 home runs", "SELECT teamID, sum(HR) FROM Batting GROUP BY teamID HAVING sum(HR) > 30"),
        ]) { input in
            input.reading.thresholds.lazy.compactMap { RowThresholds.movedToHaving(in: input.sql, numbers: $0.accepted) }.first.map { ($0.sql, [$0.note]) }
        },
    ]

    /// A rule of the book that rewrites a query (a fix or a late rule), by id.
    public static func rewrite(_ id: String) -> QueryRewrite? {
        (rewrites + late).first { $0.id == id }
    }
}
