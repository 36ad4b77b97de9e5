extension Retriever {
    /// About a quarter of the characters of the rendered context.
    func estimateTokens(_ context: RetrievedContext) -> Int {
        var characters = schemaCharacters(context)
        characters += context.terms.reduce(0) { $0 + $1.term.count + $1.sql.count + 10 }
        characters += context.examples.reduce(0) { $0 + $1.question.count + $1.sql.count + 10 }
        return characters / 4
    }

    /// The characters of a context's schema part: tables, columns, their descriptions, joins.
    func schemaCharacters(_ context: RetrievedContext) -> Int {
        var characters = 0
        for table in context.tables {
            let described = describedTable(table.name)
            characters += 30 + table.name.count + (described?.description.count ?? 0)
            let describedColumn = described?.columnLookup() ?? { _ in nil }
            for column in table.columns {
                characters += 12 + column.count + (describedColumn(column)?.description.count ?? 0) / 2
            }
        }
        characters += context.joins.reduce(0) { $0 + $1.steps.joined(separator: " ").count }
        return characters
    }

    /// The same estimate for the whole schema, the baseline a one-shot prompt would pay.
    public func wholeSchemaTokens() -> Int {
        wholeSchemaContext().tokenEstimate
    }

    /// Every table with every column and nothing else: what a prompt holds without retrieval
    /// (the one-shot baseline most tools use).
    public func wholeSchemaContext() -> RetrievedContext {
        let all = catalog.schema.tables.map {
            RetrievedContext.Table(name: $0.name, score: 0, reasons: ["esquema inteiro"], columns: $0.columns.map(\.name))
        }
        var context = RetrievedContext(tables: all, joins: [], terms: [], examples: [], tokenEstimate: 0)
        context.tokenEstimate = estimateTokens(context)
        context.schemaTokenEstimate = context.tokenEstimate
        return context
    }
}
