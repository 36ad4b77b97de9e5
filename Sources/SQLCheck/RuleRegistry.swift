import Foundation

/// What a rule of the accuracy layer did to one query, or saw in its answer: the rule's stable
/// id, for the ledger and for `--without`, and what it did, in pt-BR, for the user.
public struct RuleNote: Sendable, Equatable, Codable {
    public var rule: String
    public var note: String

    public init(_ rule: String, _ note: String) {
        self.rule = rule
        self.note = note
    }
}

/// One rule of the accuracy layer: its id, when it acts, and the general mistake it addresses.
public struct RuleDescription: Sendable, Equatable {
    /// When a rule acts in the pipeline.
    public enum Stage: String, Sendable, CaseIterable {
        /// Refuses a query SQLite would run, as an error the model corrects.
        case validation = "validação"
        /// Rewrites a query that failed validation, without asking the model.
        case repair = "conserto"
        /// Rewrites a valid query before it runs.
        case fix = "ajuste"
        /// Looks at an answer that ran, and asks the model again when it seems to answer something else.
        case check = "olhada"
        /// Rewrites the model's last query after it was told and kept it.
        case late = "ajuste final"
        /// Changes how the model is asked again.
        case retry = "nova tentativa"
    }

    public let id: String
    public let stage: Stage
    /// The general mistake, in pt-BR, one line.
    public let summary: String

    public init(_ id: String, _ stage: Stage, _ summary: String) {
        self.id = id
        self.stage = stage
        self.summary = summary
    }
}

/// Which rules are on: all of them unless switched off by id (`indaga eval --without ID`).
public struct RuleSwitches: Sendable, Equatable {
    public var disabled: Set<String>

    public init(disabled: Set<String> = []) {
        self.disabled = disabled
    }

    public static let allOn = RuleSwitches()

    public func isOn(_ id: String) -> Bool {
        !disabled.contains(id)
    }
}

/// Every rule the pipeline applies, in the order a query meets them. An id never changes
/// meaning: reports from different runs are summed by it.
public enum RuleRegistry {
    /// The name that switches every rule off at once.
    public static let allRules = "all-rules"

    public static let all: [RuleDescription] = validation + repairs + fixes + checks + late + retries

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
        .init("repair.parent-year-subquery", .repair, "chave de outra tabela usada só para escolher o ano que a própria tabela tem"),
        .init("repair.bridge-join", .repair, "junção por uma chave que a tabela não tem, feita pela tabela que tem as duas"),
        .init("repair.shared-parent-join", .repair, "junção por uma chave que a tabela não tem, feita pela tabela que as duas apontam"),
        .init("repair.alias-or-join", .repair, "tabela escrita pelo nome apesar do apelido, ou tabela-pai nunca juntada"),
        .init("repair.misplaced-join", .repair, "junção escrita no ON da tabela errada"),
        .init("repair.bare-column-join", .repair, "coluna de uma tabela-pai escrita sem juntá-la"),
        .init("repair.requalify", .repair, "coluna lida pelo apelido de uma tabela que não a tem"),
        .init("repair.undefined-alias-join", .repair, "apelido que a consulta nunca define"),
    ]

    static let fixes: [RuleDescription] = [
        .init("fix.stray-period-filter", .fix, "filtro de período de uma tabela que a consulta não lê"),
        .init("fix.yearly-child-join", .fix, "coluna de uma tabela anual lida sem juntá-la"),
        .init("fix.value-spelling", .fix, "valor escrito de outro jeito que o guardado, ou comparado com a coluna errada"),
        .init("fix.term-value", .fix, "valor de uma condição do glossário que a pergunta diz, trocado por outro"),
        .init("fix.month-functions", .fix, "função de data numa coluna de mês ('AAAA-MM'), que dá NULL"),
        .init("fix.integer-division", .fix, "divisão de inteiros que daria 0 em vez de uma fração"),
        .init("fix.unlinked-join", .fix, "junção cujo ON nem cita a tabela que entra"),
        .init("fix.partial-key-join", .fix, "junção por uma só coluna de uma chave de várias (o ano de ano e time)"),
        .init("fix.join-keys", .fix, "chave de uma tabela comparada com a de outra entidade"),
        .init("fix.in-keys", .fix, "código procurado entre ids de uma subconsulta"),
        .init("fix.join-keys-bridged", .fix, "chaves de duas entidades comparadas, ligadas pela tabela que tem as duas"),
        .init("fix.unused-join", .fix, "tabela juntada e nunca lida, que repete linhas"),
        .init("fix.missing-year", .fix, "ano citado filtrado numa tabela anual e esquecido em outra"),
        .init("fix.missing-year-subquery", .fix, "ano citado esquecido numa subconsulta"),
        .init("fix.misplaced-year", .fix, "ano citado aplicado também a uma coluna de que a pergunta não fala"),
        .init("fix.compared-columns-term", .fix, "termo do glossário que compara duas colunas, esquecido"),
        .init("fix.named-value-condition", .fix, "valor citado de uma coluna que a consulta nem olha"),
        .init("fix.bare-columns", .fix, "coluna solta ao lado de um total da tabela inteira"),
        .init("fix.age-order", .fix, "\"o mais velho\" ordenado pela data de nascimento mais recente"),
        .init("fix.order-direction", .fix, "ordem pedida (\"da que mais … pra que menos\") invertida"),
        .init("fix.ranking-order", .fix, "\"os N com mais …\" ordenado do menor para o maior"),
        .init("fix.union-of-values", .fix, "a mesma consulta repetida por valor com UNION"),
        .init("fix.value-group-widened", .fix, "grupo de valores citados (\"manhã comparado com a tarde\") reduzido a um"),
        .init("fix.group-relabel", .fix, "CASE que renomeia os grupos e junta valores"),
        .init("fix.asked-grouping", .fix, "\"de cada X\" respondido com um número só"),
        .init("fix.hidden-groups", .fix, "um número por grupo sem a coluna que diz qual grupo"),
        .init("fix.year-columns-split", .fix, "colunas com nomes de anos que fazem a mesma conta de todos os anos"),
        .init("fix.year-difference", .fix, "\"quanto variou\" respondido com os dois anos lado a lado"),
        .init("fix.repeated-columns", .fix, "a mesma coluna repetida"),
        .init("fix.unasked-measures", .fix, "medida que a pergunta não pede ao lado da que ela pede"),
        .init("fix.all-periods", .fix, "\"nos três anos\" aceito em qualquer um deles"),
        .init("fix.unasked-limit", .fix, "LIMIT que a pergunta não pede"),
    ]

    static let checks: [RuleDescription] = [
        .init("check.copied-example", .check, "consulta copiada de um exemplo que pergunta outra coisa"),
        .init("check.value-not-stored", .check, "valor que a coluna não guarda"),
        .init("check.unlinked-tables", .check, "tabelas que nenhuma condição liga"),
        .init("check.no-rows", .check, "nenhuma linha"),
        .init("check.only-null", .check, "só um valor vazio (NULL)"),
        .init("check.how-many-listed", .check, "\"quantos\" respondido com uma lista"),
        .init("check.counted-keys", .check, "linhas pedidas, chaves distintas contadas"),
        .init("check.unnegated", .check, "negação da pergunta que a consulta não faz"),
        .init("check.negated-by-inequality", .check, "\"não fez\" escrito como \"fez outra coisa\" (<>)"),
        .init("check.all-years-missing", .check, "\"nos três anos\" sem algum dos anos"),
        .init("check.year-unused", .check, "ano citado que a consulta não usa"),
        .init("check.threshold-unwritten", .check, "limite citado (\"menos de 5\") que a consulta não usa"),
        .init("check.threshold-per-row", .check, "limite do grupo aplicado a cada linha antes de agrupar"),
        .init("check.unnamed-year", .check, "ano que a pergunta não cita"),
        .init("check.unnamed-value", .check, "valor listado no catálogo por uma pessoa que a pergunta não cita"),
        .init("check.unnamed-month", .check, "mês que a pergunta não cita"),
        .init("check.all-years-any", .check, "\"nos três anos\" aceito em qualquer um deles"),
        .init("check.value-group-ungrouped", .check, "valores citados (\"manhã e tarde\") sem um número de cada"),
        .init("check.asked-grouping", .check, "\"por X\" ou \"de cada X\" sem agrupar por X"),
        .init("check.date-asked", .check, "uma data pedida e nenhuma data na resposta"),
        .init("check.one-number-grouped", .check, "\"quantos\" respondido com um número por grupo"),
        .init("check.unasked-grouping", .check, "agrupamento que a pergunta não pede"),
        .init("check.union-of-one-query", .check, "a mesma consulta repetida com UNION"),
        .init("check.value-dropped", .check, "valor citado que a consulta não filtra"),
        .init("check.named-column-unread", .check, "coluna que a pergunta cita e a consulta não lê"),
        .init("check.term-dropped", .check, "condição do glossário que a pergunta diz e a consulta não usa"),
        .init("check.rows-counted-for-entities", .check, "\"quantos alunos\" contado em linhas de outra tabela"),
        .init("check.best-per-group", .check, "\"o melhor de cada X\" sem escolher um por grupo"),
        .init("check.rows-multiplied", .check, "mais linhas que o dobro da maior tabela: junção que multiplica"),
    ]

    static let late: [RuleDescription] = [
        .init("late.unnamed-value-removed", .late, "filtro de um valor listado por uma pessoa que a pergunta não cita, mantido depois do aviso"),
        .init("late.unasked-grouping-removed", .late, "agrupamento que a pergunta não pede, mantido depois do aviso"),
        .init("late.threshold-to-having", .late, "limite do grupo mantido em cada linha depois do aviso, passado ao HAVING"),
    ]

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
