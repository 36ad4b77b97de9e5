import Foundation
import Retrieval

/// Why these tables: what retrieval chose for a question, with its reasons (`retrieve`, `:explicar`).
public enum ContextText {
    public static func render(_ context: RetrievedContext, question: String, wholeSchemaTokens: Int) -> String {
        var lines = [
            "Pergunta: \(question)",
            "Contexto: \(context.tables.count) tabelas, ~\(context.tokenEstimate) tokens (o esquema inteiro tem ~\(wholeSchemaTokens))",
            "", "Tabelas:",
        ]
        for table in context.tables {
            lines.append("  \(table.name) (pontuação \(String(format: "%.3f", table.score)))")
            lines += table.reasons.map { "    - \($0)" }
            lines.append("    colunas: \(table.columns.joined(separator: ", "))")
        }
        if !context.joins.isEmpty {
            lines += ["", "Junções:"] + context.joins.map { "  \($0.steps.joined(separator: "  →  "))" }
        }
        if !context.sameGrainJoins.isEmpty {
            lines += ["", "Junções pela mesma chave (só nas dicas de correção):"] + context.sameGrainJoins.map { "  \($0)" }
        }
        if !context.values.isEmpty {
            lines += ["", "Valores citados:"] + context.values.map { "  \($0.table).\($0.column) = '\($0.value)'  (a pergunta diz \"\($0.spoken)\")" }
        }
        if !context.attributeFilters.isEmpty {
            lines += ["", "Filtros citados (um ano que descreve, não que data):"] + context.attributeFilters.map { "  \($0)" }
        }
        if let period = context.periods.first, !context.periodFilters.isEmpty {
            let named = context.periods.map { period in period.month.map { String(format: "%02d/%d", $0, period.year) } ?? String(period.year) }
            lines += ["", "Período citado: \(named.joined(separator: ", ")) (o filtro de \(period.year) em cada tabela):"]
                + context.periodFilters.compactMap { $0.conditions.first.map { "  \($0)" } }
        }
        if !context.terms.isEmpty {
            lines += ["", "Glossário:"] + context.terms.map { "  \($0.term): \($0.sql)  (\($0.reason))" }
        }
        lines += ["", "Exemplos parecidos:"]
        for example in context.examples {
            lines.append("  \(example.question) (cosseno \(String(format: "%.2f", example.similarity)))\n    \(example.sql)")
        }
        return lines.joined(separator: "\n")
    }
}
