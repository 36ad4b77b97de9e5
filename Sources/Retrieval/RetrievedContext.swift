/// What retrieval hands to the prompt, each item with the reasons it is there.
public struct RetrievedContext: Sendable, Encodable {
    public struct Table: Sendable, Encodable {
        public let name: String
        public let score: Double
        public var reasons: [String]
        /// The columns to show, all of them unless the budget cut some.
        public var columns: [String]

        public init(name: String, score: Double, reasons: [String], columns: [String]) {
            self.name = name
            self.score = score
            self.reasons = reasons
            self.columns = columns
        }
    }

    public struct Join: Sendable, Encodable {
        /// "matriculas.aluno_id = alunos.id" steps from one chosen table to another.
        public let steps: [String]
    }

    public struct Term: Sendable, Encodable {
        public let term: String
        public let sql: String
        public let reason: String
        /// The name or synonym the question says it by; nil for a term found by meaning only.
        public var spoken: String? = nil

        public init(term: String, sql: String, reason: String, spoken: String? = nil) {
            self.term = term
            self.sql = sql
            self.reason = reason
            self.spoken = spoken
        }
    }

    public struct Example: Sendable, Encodable {
        public let question: String
        public let sql: String
        public let similarity: Double
    }

    public var tables: [Table]
    public var joins: [Join]
    public var terms: [Term]
    public var examples: [Example]
    /// Rough prompt size of this context (characters / 4).
    public var tokenEstimate: Int
    /// The part of it that describes schema (tables, columns, joins), comparable to the whole schema.
    public var schemaTokenEstimate: Int = 0
    /// Values of the database the question names, to write exactly so in the query.
    public var values: [ValueLink] = []
    /// The years (and months) the question names, first to last.
    public var periods: [Period] = []
    /// How each chosen table is filtered by the first of `periods`.
    public var periodFilters: [PeriodFilter] = []
    /// Years that describe rather than date ("nascidos em 2010"), as conditions on their column.
    public var attributeFilters: [String] = []
    /// Direct joins of two chosen tables of one grain (`avaliacoes_anuais.aluno_id =
    /// matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo`), for advice
    /// when a query lacks one of them. Not in the prompt: shown to every question, a small model
    /// did no better (one `--only` run on the 37 dev questions it changed: 16 right against 19).
    public var sameGrainJoins: [String] = []

    /// Each period condition offered, with its table (`turmas`, `turmas.ano_letivo = 2024`).
    public var periodConditions: [(table: String, condition: String)] {
        periodFilters.flatMap { filter in filter.conditions.map { (table: filter.table, condition: $0) } }
    }

    /// A context with what a rule reads of it: the tables shown, the question's periods, terms and
    /// values, and how its tables are filtered by the period; no joins or examples.
    public init(tables: [Table] = [], terms: [Term] = [], values: [ValueLink] = [], periods: [Period] = [], periodFilters: [PeriodFilter] = []) {
        self.init(tables: tables, joins: [], terms: terms, examples: [], tokenEstimate: 0)
        self.values = values
        self.periods = periods
        self.periodFilters = periodFilters
    }

    init(tables: [Table], joins: [Join], terms: [Term], examples: [Example], tokenEstimate: Int) {
        self.tables = tables
        self.joins = joins
        self.terms = terms
        self.examples = examples
        self.tokenEstimate = tokenEstimate
    }
}
