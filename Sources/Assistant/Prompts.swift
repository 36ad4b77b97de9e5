import Catalog
import Foundation
import Retrieval

/// The prompt templates in `prompts/`, read at run time so they can be edited without a rebuild.
public struct PromptTemplates: Sendable {
    public let generation: String
    public let correction: String

    public init(generation: String, correction: String) {
        self.generation = generation
        self.correction = correction
    }

    /// Reads `generation.md` and `correction.md` from `folder`.
    public static func load(from folder: URL) throws -> PromptTemplates {
        func read(_ name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw AssistantError.missingPrompt(url.path)
            }
            return text
        }
        return PromptTemplates(generation: try read("generation.md"), correction: try read("correction.md"))
    }

    /// Replaces each `{{name}}` with its value.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { $0.replacingOccurrences(of: "{{\($1.key)}}", with: $1.value) }
    }
}

/// The retrieved context as the model reads it: compact DDL with short comments.
enum ContextRenderer {
    static func schema(_ context: RetrievedContext, catalog: Catalog) -> String {
        var lines: [String] = []
        for table in context.tables {
            guard let real = catalog.schema.table(named: table.name) else { continue }
            let described = catalog.metadata.table(named: table.name)
            lines.append("CREATE TABLE \(table.name) ( -- \(short(described?.description ?? ""))")
            let columns = real.columns.filter { table.columns.contains($0.name) }
            for (position, column) in columns.enumerated() {
                var line = "  \(column.name) \(column.declaredType.isEmpty ? "" : column.declaredType)"
                if column.isPrimaryKey { line += " PRIMARY KEY" }
                if let key = real.foreignKeys.first(where: { $0.columns == [column.name] }) {
                    line += " REFERENCES \(key.referencedTable)(\(key.referencedColumns.first ?? "id"))"
                }
                if position < columns.count - 1 { line += "," }
                var comment = short(described?.column(named: column.name)?.description ?? "")
                if let values = described?.column(named: column.name)?.values, !values.isEmpty {
                    comment += " Valores: " + values.keys.sorted().map { "'\($0)'" }.joined(separator: ", ") + "."
                }
                if !comment.isEmpty { line += " -- \(comment)" }
                lines.append(line)
            }
            lines.append(");")
        }
        if !context.joins.isEmpty {
            lines.append("-- Junções: " + context.joins.flatMap(\.steps).joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    /// The values the question names, as the query must write them; several of one column
    /// ask for a row per value.
    static func values(_ context: RetrievedContext) -> String {
        var text = ""
        if !context.values.isEmpty {
            text += "\nValores citados na pergunta (escreva-os assim na consulta):\n"
                + context.values.map { "- \($0.table).\($0.column) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: "\n") + "\n"
        }
        for group in ValueGroup.named(in: context) {
            text += "\n" + groupAdvice(group) + "\n"
        }
        return text
    }

    /// "Quantos de manhã e quantos de tarde": one query, a row per value.
    static func groupAdvice(_ group: ValueGroup) -> String {
        let column = "\(group.table).\(group.column)"
        let listed = group.values.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        return "A pergunta cita \(group.values.count) valores de \(column) (\(listed)): para um número de cada, "
            + "agrupe por \(column) (GROUP BY), uma linha por valor, numa só consulta, sem UNION."
    }

    /// How each table filters the period the question names; with more years, the others are said.
    static func periods(_ context: RetrievedContext) -> String {
        let attributes = context.attributeFilters.isEmpty ? ""
            : "\nFiltros que a pergunta cita:\n" + context.attributeFilters.map { "- " + $0 }.joined(separator: "\n") + "\n"
        guard let first = context.periods.first, !context.periodFilters.isEmpty else { return attributes }
        let names = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"]
        let label = first.month.map { "\(names[$0 - 1]) de \(first.year)" } ?? "\(first.year)"
        let others = context.periods.dropFirst().map { String($0.year) }
        let heading = others.isEmpty
            ? "Para filtrar \(label), conforme a tabela:"
            : "Para filtrar \(label), conforme a tabela (para \(others.joined(separator: ", ")), troque o ano):"
        // One condition per table: offered alternatives, a small model writes them all, joined by OR.
        return attributes + "\n" + heading + "\n" + context.periodFilters.compactMap { $0.conditions.first.map { "- " + $0 } }.joined(separator: "\n") + "\n"
    }

    static func glossary(_ context: RetrievedContext) -> String {
        guard !context.terms.isEmpty else { return "" }
        return "\nTermos:\n" + context.terms.map { "- \($0.term): \($0.sql)" }.joined(separator: "\n") + "\n"
    }

    /// The nearest example last, right above the question: a small model leans on the example
    /// it read last.
    static func examples(_ context: RetrievedContext) -> String {
        guard !context.examples.isEmpty else { return "" }
        return "\nExemplos:\n" + context.examples.reversed().map { "Pergunta: \($0.question)\nSQL: \($0.sql)" }.joined(separator: "\n\n") + "\n"
    }

    static func conversation(_ history: [Turn]) -> String {
        guard !history.isEmpty else { return "" }
        return "\nConversa até aqui:\n" + history.map { "Pergunta: \($0.question)\nSQL: \($0.sql)" }.joined(separator: "\n") + "\n"
    }

    /// The first sentence, at most 110 characters: a small model follows short prompts better.
    static func short(_ text: String) -> String {
        let sentence = text.split(separator: ".", maxSplits: 1).first.map { String($0) + "." } ?? text
        return sentence.count > 110 ? String(sentence.prefix(109)) + "…" : sentence
    }
}
