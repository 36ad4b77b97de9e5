import Catalog
import Database
import Foundation
import Retrieval
import SQLCheck

/// The advice a check sends back with what it saw: where a value is stored, how two tables
/// meet, how to compare two years from one reading.
extension RuleInput {
    /// "'F' não é valor de turmas.fase, uma coluna de números", with where it is ("há 'F' em
    /// alunos.genero") or the values the column has.
    static func describe(_ mismatch: ValueLiterals.Mismatch) -> Finding {
        let head = "'\(mismatch.value)' não é valor de \(qualifiedName(mismatch.table, mismatch.column))" + (mismatch.stored.isEmpty ? ", uma coluna de números" : "")
        if !mismatch.holders.isEmpty {
            let places = mismatch.holders.prefix(3).map { "'\($0.value)' em \(qualifiedName($0.table, $0.column))" }
            return Finding(head, hints: ["há " + places.joined(separator: ", ")])
        }
        if mismatch.stored.isEmpty { return Finding(head) }
        if mismatch.stored.count <= 12 {
            // A short list is what the user needs to see too.
            return Finding(head + ", que guarda " + mismatch.stored.map { "'\($0)'" }.joined(separator: ", "))
        }
        // A column of names: the closest few, not the whole list.
        return Finding(head, hints: ["os mais parecidos que ela guarda: " + mismatch.closest(5).map { "'\($0)'" }.joined(separator: ", ")])
    }

    /// "Nenhuma condição liga f, a a e, t", with the foreign keys that would, through the tables
    /// between (`matriculas.aluno_id = alunos.id e matriculas.turma_id = turmas.id`).
    func unlinkedAdvice(_ groups: [[UnlinkedTables.Member]]) -> Finding {
        let listed = groups.map { $0.map(\.name).joined(separator: ", ") }
        let head = "nenhuma condição liga " + listed.dropLast().joined(separator: "; ") + " a " + listed[listed.count - 1]
            + ": cada linha de um lado encontra todas as do outro, e as contas saem multiplicadas"
        // The shortest path of foreign keys from the first group's tables to the second's.
        let sides = groups.prefix(2).map { Set($0.map { $0.table.lowercased() }) }
        var links: [String: [(table: String, step: String)]] = [:]
        for (table, key) in catalog.schema.foreignKeys where key.columns.count == 1 {
            let step = "\(qualifiedName(table, key.columns[0])) = \(qualifiedName(key.referencedTable, key.referencedColumns.first ?? "id"))"
            links[table.lowercased(), default: []].append((key.referencedTable.lowercased(), step))
            links[key.referencedTable.lowercased(), default: []].append((table.lowercased(), step))
        }
        // In the query's order, so the same query always gets the same advice.
        var frontier = groups[0].map { $0.table.lowercased() }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var reached = Dictionary(uniqueKeysWithValues: frontier.map { ($0, [String]()) })
        while let table = frontier.first, sides.count == 2 {
            frontier.removeFirst()
            if sides[1].contains(table) {
                return Finding(head, hints: ["ligue-as por " + (reached[table] ?? []).joined(separator: " e ")])
            }
            for link in links[table] ?? [] where reached[link.table] == nil {
                reached[link.table] = (reached[table] ?? []) + [link.step]
                frontier.append(link.table)
            }
        }
        return Finding(head, hints: ["ligue-as pelas chaves"])
    }

    /// For a check that needs `table` and a query that does not read it: how the context joins
    /// it to a table the query reads ("junte matriculas: JOIN matriculas ON matriculas.aluno_id
    /// = alunos.id"); to start from it, when the question speaks of it and of none the query
    /// reads; or that it is missing. Nil when the query reads it.
    func joinAdvice(to table: String, sql: String, context: RetrievedContext, question: String = "") -> String? {
        let tables = Retriever.tables(in: sql)
        let read = Set(tables.map { $0.lowercased() })
        let target = table.lowercased()
        guard !read.contains(target) else { return nil }
        // A student's grades meet the enrolment of the same year, not every year's.
        for step in context.sameGrainJoins + context.joins.flatMap(\.steps) {
            let tables = Set(step.matches(of: RuleBook.qualifiedTable).map { $0.1.lowercased() })
            if tables.count == 2, tables.contains(target), let other = tables.first(where: { $0 != target }), read.contains(other) {
                return "junte \(table): JOIN \(sqlName(table)) ON \(step)"
            }
        }
        // Deliveries counted for "sem nota de inglês no boletim": the question speaks of the
        // grades' table (by "boletim") and of none the query reads; joining would keep the wrong count.
        if !question.isEmpty, !tables.isEmpty, speaks(of: table, question: question), !tables.contains(where: { speaks(of: $0, question: question) }) {
            return "a consulta lê \(tables.sorted().joined(separator: ", ")), de que a pergunta não fala, e nem lê \(table), de que ela fala: "
                + "escreva a consulta a partir de \(table) (FROM \(sqlName(table)))"
        }
        return "a consulta nem lê a tabela \(table)"
    }

    /// Whether the question speaks of `table` by its name or by one of its synonyms ("boletim"
    /// for avaliacoes_anuais).
    func speaks(of table: String, question: String) -> Bool {
        QuestionReading.says(anyOf: [table.replacingOccurrences(of: "_", with: " ")] + (catalog.metadata.table(named: table)?.synonyms ?? []), in: question)
    }

    /// For a query that reads one yearly table twice, each copy held to one of two years the
    /// question sets against each other: how to compare them within each group instead, from a
    /// single reading (the copies meet only where a row's key spans both years). Nil otherwise.
    func yearCopiesAdvice(sql: String) -> String? {
        let years = reading.periods.map { String($0.year) }
        guard years.count == 2, Self.compares(reading.text, years[0], years[1]) else { return nil }
        let schema = catalog.schema
        let references = SQLRepair.tableReferences(in: sql)
        for reference in references {
            guard let table = schema.table(named: reference.table), let yearColumn = schema.yearColumns(of: table).first,
                references.count(where: { $0.table.caseInsensitiveCompare(table.name) == .orderedSame }) == 2
            else { continue }
            let (late, early, year) = (years.max()!, years.min()!, sqlName(yearColumn))
            return "\(table.name) é lida duas vezes, uma por ano, e as cópias não se encontram; leia \(table.name) uma vez só com os dois anos "
                + "(\(year) IN (\(early), \(late))), agrupe pelo que a pergunta compara e ponha os anos lado a lado com avg(CASE WHEN \(year) = \(late) THEN … END) "
                + "e avg(CASE WHEN \(year) = \(early) THEN … END), comparados no HAVING"
        }
        return nil
    }

    /// Whether the question sets two years against each other ("em 2022, quantos ainda estão
    /// ativos em 2024", "de 2023 para 2024") rather than listing them or a range ("2022 e 2023",
    /// "de 2022 a 2024"): a year per row there, one copy of the table per year here.
    static func compares(_ question: String, _ first: String, _ second: String) -> Bool {
        let words = PortugueseTerms.words(question)
        guard let a = words.firstIndex(of: first), let b = words.firstIndex(of: second) else { return false }
        let between = words[(min(a, b) + 1)..<max(a, b)]
        return !between.allSatisfy { ["e", "a", "ate", "ou", "de", "em"].contains($0) || Int($0) != nil }
    }

    /// `FROM matriculas m2022 JOIN matriculas m2024 ON m2024.aluno_id = m2022.aluno_id AND
    /// m2024.ano_letivo = 2024 WHERE m2022.ano_letivo = 2022`, for the first yearly table the
    /// query reads, joined by its key to what the question counts (the students, when it says so).
    func yearCopies(sql: String, question: String, first: String, second: String) -> String? {
        let schema = catalog.schema
        let asked = Set(PortugueseTerms.terms(question))
        for name in Retriever.tables(in: sql) {
            guard let table = schema.table(named: name), let yearColumn = schema.yearColumns(of: table).first else { continue }
            let keys = table.foreignKeys.filter { $0.columns.count == 1 }
            let key = keys.first { !asked.isDisjoint(with: PortugueseTerms.terms($0.referencedTable)) } ?? keys.first
            guard let pointer = key?.columns.first else { continue }
            // Aliases made of the table's first letter and the year (`m2022`), quoted if that letter needs it.
            let (a, b) = (sqlName("\(table.name.prefix(1))\(first)"), sqlName("\(table.name.prefix(1))\(second)"))
            let (written, column, year) = (sqlName(table.name), sqlName(pointer), sqlName(yearColumn))
            return "FROM \(written) \(a) JOIN \(written) \(b) ON \(b).\(column) = \(a).\(column) AND \(b).\(year) = \(second) "
                + "WHERE \(a).\(year) = \(first)"
        }
        return nil
    }

    /// Literals of `sql` that their column never stores: what it compares matches no row.
    func literalMismatches(in sql: String) -> [ValueLiterals.Mismatch] {
        ValueLiterals.mismatches(in: sql, schema: schema, stored: stored, holders: holders)
    }
}
