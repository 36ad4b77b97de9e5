import Foundation
import SQLCheck

/// Every rule the pipeline applies, in the order a query meets them. An id never changes
/// meaning: reports from different runs are summed by it.
public enum RuleRegistry {
    /// The name that switches every rule off at once.
    public static let allRules = "all-rules"

    public static let all: [RuleDescription] = validation + repairs + periodFixes + fixes + checks + late + retries

    /// Fixes that read the period the question names and act around validation, before the
    /// book's rewrites: one before the query is validated, one when it failed for a column.
    static let periodFixes: [RuleDescription] = [
        .init("fix.stray-period-filter", .fix, "filtro de período de uma tabela que a consulta não lê"),
        .init("fix.yearly-child-join", .fix, "coluna de uma tabela anual lida sem juntá-la"),
    ]

    static let validation: [RuleDescription] = [
        .init("validate.self-comparison", .validation, "junção que compara uma coluna com ela mesma (vale para todas as linhas)"),
        .init("validate.text-aggregate", .validation, "média ou soma de uma coluna de texto (o SQLite conta cada texto como 0)"),
        .init("validate.outer-column", .validation, "subconsulta que lê a coluna da consulta de fora (cada linha comparada com ela mesma)"),
    ]

    static let repairs: [RuleDescription] = [
        .init("repair.spaced-name", .repair, "nome com espaço, acento ou sinal escrito sem aspas, ou com _ no lugar do espaço (Nota_2024 para \"Nota 2024\")"),
        .init("repair.column-spelling", .repair, "coluna escrita com outra caixa ou outros _ (name_first para nameFirst)"),
        .init("repair.nested-aggregate", .repair, "agregação dentro de outra, que o SQLite recusa"),
        .init("repair.unclosed-parenthesis", .repair, "parêntese deixado aberto"),
        .init("repair.qualify-ambiguous-column", .repair, "coluna de duas tabelas da consulta escrita sem a tabela"),
        .init("repair.repeated-join", .repair, "tabela juntada duas vezes só para repetir uma ligação"),
        .init("repair.self-comparison-join", .repair, "junção cujo ON compara a coluna com ela mesma, refeita pela chave"),
        .init("repair.glossary-term-column", .repair, "termo do glossário escrito como se fosse coluna"),
        .init("repair.year-from-date", .repair, "coluna de ano que a tabela não tem, trocada pelo ano da sua data"),
        .init("repair.bridge-join", .repair, "junção por uma chave que a tabela não tem, feita pela tabela que tem as duas"),
        .init("repair.shared-parent-join", .repair, "junção por uma chave que a tabela não tem, feita pela tabela que as duas apontam"),
        .init("repair.alias-or-join", .repair, "tabela escrita pelo nome apesar do apelido, ou tabela-pai nunca juntada"),
        .init("repair.misplaced-join", .repair, "junção escrita no ON da tabela errada"),
        .init("repair.bare-column-join", .repair, "coluna de uma tabela-pai escrita sem juntá-la"),
        .init("repair.requalify", .repair, "coluna lida pelo apelido de uma tabela que não a tem"),
        .init("repair.undefined-alias-join", .repair, "apelido que a consulta nunca define"),
        .init("repair.column-cognate", .repair, "coluna que nenhuma tabela tem, escrita como a palavra que o modelo conhece (probability para probabilidade)"),
    ]

    /// The rewrites of a valid query: described in the book, beside their examples.
    static var fixes: [RuleDescription] { RuleBook.rewrites.map(\.description) }

    /// The looks at an answer: the one the loop makes itself (a shown example's query copied), then
    /// the book's, in the order they look.
    static var checks: [RuleDescription] {
        [.init("check.copied-example", .check, "consulta copiada de um exemplo que pergunta outra coisa")] + RuleBook.checks.map(\.description)
    }

    /// What the model kept after it was told, taken out: described in the book.
    static var late: [RuleDescription] { RuleBook.late.map(\.description) }

    static let retries: [RuleDescription] = [
        .init("retry.same-query", .retry, "o modelo repete uma consulta já mandada: a pergunta vai de novo, do zero, com o problema dito"),
    ]

    /// The description of `id`, if it is a rule.
    public static func description(of id: String) -> RuleDescription? {
        all.first { $0.id == id }
    }

    /// The rules a `--without` list names: ids separated by commas, `all-rules` for every one,
    /// or a prefix ending in `.*` (`check.*`) for a whole stage.
    ///
    /// - Throws: `RuleSelectionError` naming what is not a rule, with the closest ids.
    public static func select(_ list: String) throws(RuleSelectionError) -> Set<String> {
        var selected: Set<String> = []
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == allRules {
                selected.formUnion(all.map(\.id))
            } else if item.hasSuffix(".*") {
                let prefix = String(item.dropLast())
                let matching = all.map(\.id).filter { $0.hasPrefix(prefix) }
                guard !matching.isEmpty else { throw .unknown(item, suggestions: []) }
                selected.formUnion(matching)
            } else if description(of: item) != nil {
                selected.insert(item)
            } else {
                let close = all.map(\.id).filter { $0.contains(item) || item.contains($0.split(separator: ".").last.map(String.init) ?? $0) }
                throw .unknown(item, suggestions: Array(close.prefix(3)))
            }
        }
        return selected
    }
}

public enum RuleSelectionError: Error, Sendable, Equatable, LocalizedError {
    case unknown(String, suggestions: [String])

    public var errorDescription: String? {
        switch self {
        case .unknown(let name, let suggestions):
            return "'\(name)' não é uma regra do indaga"
                + (suggestions.isEmpty ? "" : "; você quis dizer \(suggestions.joined(separator: ", "))?")
                + " (a lista está em `indaga eval --list-rules`; \(RuleRegistry.allRules) desliga todas)"
        }
    }
}
