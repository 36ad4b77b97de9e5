import Catalog
import Database
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

    /// Replaces each `{{name}}` of the template with its value, in one pass: a value that
    /// holds "{{question}}" (data can hold anything) stays as written.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.upperBound..<close.lowerBound])
            result += rest[..<open.lowerBound]
            result += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

/// The retrieved context as the model reads it: compact DDL with short comments.
enum ContextRenderer {
    /// What the questions are about, as the catalog says (`catalogo.yaml`), or the database's name.
    static func domain(_ catalog: Catalog) -> String {
        let said = catalog.metadata.settings.domain?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return said.isEmpty ? "os dados do banco \(data(catalog.name))" : data(said, limit: 200)
    }

    /// How the engine's dates are read and written, for the template's `{{dates}}` rule.
    static func dates(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            return "Datas são texto ISO (AAAA-MM-DD); use substr() ou strftime() para ano e mês."
        case .postgresql:
            return "Datas são do tipo date: use EXTRACT(YEAR FROM coluna), date_trunc('month', coluna), to_char(coluna, 'YYYY-MM') e '2024-03-01'::date."
        }
    }

    /// The catalog's house rules, each a line of the rule list.
    static func houseRules(_ catalog: Catalog) -> String {
        catalog.metadata.settings.rules.map { "- " + data($0, limit: 300) + "\n" }.joined()
    }

    static func schema(_ context: RetrievedContext, catalog: Catalog) -> String {
        var lines: [String] = []
        for table in context.tables {
            guard let real = catalog.schema.table(named: table.name) else { continue }
            let described = catalog.metadata.table(named: table.name)
            let summary = short(described?.description ?? "")
            lines.append("CREATE TABLE \(data(sqlName(table.name))) (" + (summary.isEmpty ? "" : " -- \(summary)"))
            let columns = real.columns.filter { table.columns.contains($0.name) }
            let describedColumn = described?.columnLookup() ?? { _ in nil }
            for (position, column) in columns.enumerated() {
                var line = "  \(data(sqlName(column.name))) \(column.declaredType.isEmpty ? "" : data(column.declaredType))"
                if column.isPrimaryKey { line += " PRIMARY KEY" }
                if let key = real.foreignKeys.first(where: { $0.columns == [column.name] }) {
                    line += " REFERENCES \(sqlName(key.referencedTable))(\(sqlName(key.referencedColumns.first ?? "id")))"
                }
                if position < columns.count - 1 { line += "," }
                let comment = columnComment(describedColumn(column.name))
                if !comment.isEmpty { line += " -- \(comment)" }
                lines.append(line)
            }
            lines.append(");")
        }
        if let joins = joins(context) { lines.append(joins) }
        return lines.joined(separator: "\n")
    }

    static func joins(_ context: RetrievedContext) -> String? {
        context.joins.isEmpty ? nil : "-- Junções: " + context.joins.flatMap(\.steps).joined(separator: "; ")
    }

    /// After a whole schema every question shares: the tables retrieval chose for this one, most
    /// likely first, and how they join; the model reads them last, right above the question.
    static func focus(_ context: RetrievedContext) -> String {
        guard !context.tables.isEmpty else { return "" }
        let names = context.tables.map { data(sqlName($0.name)) }.joined(separator: ", ")
        return "\nTabelas desta pergunta, a mais provável primeiro: \(names).\n" + (joins(context).map { $0 + "\n" } ?? "")
    }

    /// What a column's line says after its type: the description's first sentence, then what the
    /// catalog's role adds (a date's format, a category's values with what they mean, a few
    /// examples of a text), nothing the DDL already says.
    static func columnComment(_ column: ColumnMetadata?) -> String {
        guard let column else { return "" }
        var parts: [String] = []
        let summary = short(column.description)
        if !summary.isEmpty { parts.append(summary) }
        switch column.role {
        case .date?: parts.append(column.format.map { "Data \(data($0, limit: 20))." } ?? "Data AAAA-MM-DD.")
        case .dateTime?: parts.append("Data e hora AAAA-MM-DD HH:MM:SS.")
        // A description says what a year or month column is; the role says it only where none does.
        case .month? where summary.isEmpty: parts.append("Mês.")
        case .year? where summary.isEmpty: parts.append("Ano.")
        default: break
        }
        if !column.values.isEmpty {
            let listed = column.values.keys.sorted().prefix(30).map { value in
                let meaning = column.values[value] ?? ""
                return literal(value) + (meaning.isEmpty || column.role != .category ? "" : " (\(data(meaning, limit: 40)))")
            }
            parts.append("Valores: " + listed.joined(separator: ", ") + ".")
        } else if !column.examples.isEmpty, column.role != .measure, column.role != .key, column.role != .reference {
            parts.append("Ex.: " + column.examples.prefix(3).map { literal(String($0.prefix(40))) }.joined(separator: ", ") + ".")
        }
        return parts.joined(separator: " ")
    }

    /// The values the question names, as the query must write them; several of one column
    /// ask for a row per value.
    static func values(_ context: RetrievedContext) -> String {
        var text = ""
        if !context.values.isEmpty {
            text += "\nValores citados na pergunta (escreva-os assim na consulta):\n"
                + context.values.map { "- \(data(sqlName($0.table))).\(data(sqlName($0.column))) = \(literal($0.value))" }.joined(separator: "\n") + "\n"
        }
        for group in ValueGroup.named(in: context) {
            text += "\n" + groupAdvice(group) + "\n"
        }
        return text
    }

    /// "Quantos de manhã e quantos de tarde": one query, a row per value.
    static func groupAdvice(_ group: ValueGroup) -> String {
        let column = "\(data(sqlName(group.table))).\(data(sqlName(group.column)))"
        let listed = group.values.map(literal).joined(separator: ", ")
        return "A pergunta cita \(group.values.count) valores de \(column) (\(listed)): para um número de cada, "
            + "agrupe por \(column) (GROUP BY), uma linha por valor, numa só consulta, sem UNION."
    }

    /// How each table filters the period the question names; with more years, the others are said.
    static func periods(_ context: RetrievedContext) -> String {
        let attributes = context.attributeFilters.isEmpty ? ""
            : "\nFiltros que a pergunta cita:\n" + context.attributeFilters.map { "- " + data($0, limit: 300) }.joined(separator: "\n") + "\n"
        guard let first = context.periods.first, !context.periodFilters.isEmpty else { return attributes }
        let names = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"]
        let label = first.month.map { "\(names[$0 - 1]) de \(first.year)" } ?? "\(first.year)"
        let others = context.periods.dropFirst().map { String($0.year) }
        let heading = others.isEmpty
            ? "Para filtrar \(label), conforme a tabela:"
            : "Para filtrar \(label), conforme a tabela (para \(others.joined(separator: ", ")), troque o ano):"
        // One condition per table: offered alternatives, a small model writes them all, joined by OR.
        return attributes + "\n" + heading + "\n" + context.periodFilters.compactMap { $0.conditions.first.map { "- " + data($0, limit: 300) } }.joined(separator: "\n") + "\n"
    }

    static func glossary(_ context: RetrievedContext) -> String {
        guard !context.terms.isEmpty else { return "" }
        return "\nTermos:\n" + context.terms.map { "- \(data($0.term)): \(data($0.sql, limit: 300))" }.joined(separator: "\n") + "\n"
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

    /// Text from the database or the catalog as one line of data: control characters and line
    /// breaks become spaces, so a stored value cannot start a line of the prompt ("Pergunta: …",
    /// "SQL: DELETE …"), and it is cut at `limit` characters.
    static func data(_ text: String, limit: Int = 120) -> String {
        var line = ""
        for scalar in text.unicodeScalars {
            let breaks = scalar.properties.generalCategory == .control || [0x2028, 0x2029, 0x85].contains(scalar.value)
            line.unicodeScalars.append(breaks ? " " : scalar)
        }
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }

    /// A value as an SQL string literal, fenced as data, quotes doubled.
    static func literal(_ value: String) -> String {
        "'" + data(value).replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The first sentence, at most 110 characters: a small model follows short prompts better.
    static func short(_ text: String) -> String {
        let text = data(text, limit: 400)
        let sentence = text.split(separator: ".", maxSplits: 1).first.map { String($0) + "." } ?? text
        return sentence.count > 110 ? String(sentence.prefix(109)) + "…" : sentence
    }
}
