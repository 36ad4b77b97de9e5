import Foundation
import SQLCheck

/// What a rule needs from the catalog of the database in use. When the catalog does not give
/// it, the rule does not run: a rule written around years does nothing on a database without
/// them, rather than guess.
public enum CatalogNeed: String, Sendable, CaseIterable {
    case primaryKeys = "chaves primárias"
    case foreignKeys = "chaves estrangeiras declaradas"
    case yearColumn = "coluna de ano"
    case periodColumn = "coluna de ano, mês ou data"
    case dateColumn = "coluna de data"
    case monthColumn = "coluna de mês ('AAAA-MM')"
    case storedValues = "valores guardados nas colunas"
    case glossary = "termos do glossário"
    /// Synonyms a person gave columns: the words a question says a column by. A rule that drops
    /// what "the question never speaks of" needs them; without them an English or coded name is
    /// never "spoken of", and the rule would drop what was asked.
    case spokenNames = "sinônimos de colunas escritos por uma pessoa"
    /// Coded values a person listed with their meaning ('F': feminino): the only values a rule
    /// can judge a question for not saying.
    case listedValues = "valores listados por uma pessoa, com o que querem dizer"
    /// Joins of several columns a person declared in `relacoes` (`DeclaredRelation`): whether two
    /// tables that share a parent and a year are of one grain is not in the schema.
    case declaredRelations = "relações de várias colunas declaradas por uma pessoa"
}

/// One query a rule is shown on, in one of the example databases: the question, the model's
/// query, and what the rule makes of it. A rewrite gives `fixed` (nil: it must leave the query
/// alone); a check, run on the query's answer, says something that contains `sees` (nil: it
/// must say nothing).
public struct RuleExample: Sendable {
    public let database: ExampleDatabase
    public let question: String
    public let sql: String
    public let fixed: String?
    public let sees: String?
    /// What retrieval would have found for the question, when the rule reads it.
    public let context: ExampleContext

    public init(_ database: ExampleDatabase, _ question: String, _ sql: String, fixed: String? = nil, sees: String? = nil,
                context: ExampleContext = ExampleContext()) {
        self.database = database
        self.question = question
        self.sql = sql
        self.fixed = fixed
        self.sees = sees
        self.context = context
    }

    /// Whether the rule is meant to act on it.
    public var triggers: Bool { fixed != nil || sees != nil }
}

/// The part of a retrieved context an example needs: glossary terms the question says, values
/// it names, and how each table is held to the period it names.
public struct ExampleContext: Sendable {
    /// The tables retrieval showed (all their columns).
    public var tables: [String] = []
    public var terms: [(term: String, sql: String, spoken: String)] = []
    public var values: [(table: String, column: String, value: String, spoken: String)] = []
    public var periodFilters: [(table: String, condition: String)] = []

    public init(tables: [String] = [], terms: [(term: String, sql: String, spoken: String)] = [], values: [(table: String, column: String, value: String, spoken: String)] = [],
                periodFilters: [(table: String, condition: String)] = []) {
        self.tables = tables
        self.terms = terms
        self.values = values
        self.periodFilters = periodFilters
    }
}

/// A rule that rewrites a valid query: before it runs (a fix), or after the model was told of a
/// problem and kept it (a late rule). It says the general mistake of a model it addresses, what it needs from the catalog, examples of it acting and not acting on more than
/// one database, and the rewrite itself. The rewrite is kept only if the query still validates.
public struct QueryRewrite: Sendable {
    public let description: RuleDescription
    public let needs: [CatalogNeed]
    public let examples: [RuleExample]
    let rewrite: @Sendable (RuleInput) -> (sql: String, notes: [String])?

    public init(_ id: String, _ summary: String, stage: RuleDescription.Stage = .fix, needs: [CatalogNeed] = [], examples: [RuleExample],
                rewrite: @escaping @Sendable (RuleInput) -> (sql: String, notes: [String])?) {
        self.description = RuleDescription(id, stage, summary)
        self.needs = needs
        self.examples = examples
        self.rewrite = rewrite
    }

    public var id: String { description.id }

    /// The rewritten query and what was done, in pt-BR; nil when the rule does not act, or the
    /// catalog lacks what it needs.
    public func apply(to input: RuleInput) -> (sql: String, notes: [String])? {
        guard needs.allSatisfy(input.provides) else { return nil }
        return rewrite(input)
    }
}
