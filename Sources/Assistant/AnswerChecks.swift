import Database
import Foundation
import Retrieval
import SQLCheck

/// The looks an answer gets after it runs: whether it seems to answer another question (a filter
/// dropped or invented, a grouping nobody asked for, an example's query or period borrowed), and
/// the readings of the question and the query those checks share.
extension Assistant {
    /// A value its column never stores, tables no condition links, no rows, a single NULL, a list
    /// where the question asks how many, a negation left out or written as "another value", a
    /// year the question names and the query never writes or the other way round, the same
    /// SELECT repeated per value with UNION, a grouping asked for and not made, a value the
    /// question names left out, or far more rows than any table the query reads (a join that
    /// multiplies): usually a wrong filter, join or shape, worth one more look.
    /// Each look has its rule id (`check.…`); a look switched off is skipped, and the next one may speak.
    func suspicious(_ result: QueryResult?, sql: String, question: String = "", context: RetrievedContext? = nil) -> RuleNote? {
        guard let result else { return nil }
        // A value its column never stores ('F' compared with turmas.fase): says where it is.
        if on("check.value-not-stored"), let mismatch = literalMismatches(in: sql).first {
            return RuleNote("check.value-not-stored", Self.describe(mismatch) + (mismatch.holders.first.flatMap { holder in
                context.map { joinAdvice(to: holder.table, sql: sql, context: $0, question: question) } } ?? ""))
        }
        // Tables no condition links: every row of one meets every row of the other.
        if on("check.unlinked-tables"), let groups = UnlinkedTables.groups(in: sql, schema: retriever.catalog.schema) {
            return RuleNote("check.unlinked-tables", unlinkedAdvice(groups))
        }
        if result.totalRows == 0, on("check.no-rows") {
            // "Escolas com evasão maior em 2024 do que em 2023" as two copies of the enrolments,
            // one per year, joined by the class: a class is of one year, so no row has both.
            if let advice = yearCopiesAdvice(sql: sql, question: question) { return RuleNote("check.no-rows", "a consulta não devolveu nenhuma linha; " + advice) }
            return RuleNote("check.no-rows", "a consulta não devolveu nenhuma linha")
        }
        if on("check.only-null"), result.totalRows == 1, result.rows.first?.allSatisfy(\.isNull) == true {
            return RuleNote("check.only-null", "a consulta devolveu só um valor vazio (NULL)")
        }
        if on("check.how-many-listed"), result.totalRows > 1, Self.asksHowMany(question), !Self.counts(sql) {
            return RuleNote("check.how-many-listed", "a pergunta pede quantos, mas a consulta lista \(result.totalRows) linhas sem contar nada; use count(*)")
        }
        // "Quantas entregas atrasadas" answered with the students who were late.
        if on("check.counted-keys"), let (noun, table, column) = countedKeyInstead(sql, question: question) {
            return RuleNote("check.counted-keys", "a pergunta conta \(noun) (linhas de \(table)), mas a consulta conta os \(column) distintos; para contar \(noun), use count(*) das linhas de \(table)")
        }
        // "Não acessaram nem uma vez" counted among those who did: nothing in the query negates.
        if on("check.unnegated"), let said = Self.unnegated(question, sql: sql, terms: context?.terms ?? []) {
            return RuleNote("check.unnegated", "a pergunta fala de \"\(said)\", mas a consulta não nega nada (nem NOT, nem <>, nem = 0, nem IS NULL) e conta o contrário; "
                + "para quem não tem, use NOT EXISTS (ou NOT IN) com a condição, ou uma contagem igual a 0")
        }
        // "Não acessaram" written as tipo <> 'acesso': those who did anything else, accesses or not.
        if on("check.negated-by-inequality"), let (said, inequality, value) = Self.negatedByInequality(question, sql: sql, terms: context?.terms ?? []) {
            return RuleNote("check.negated-by-inequality", "a pergunta fala de \"\(said)\", mas \(inequality) conta as linhas de outro valor, e quem também tem '\(value)' entra; "
                + "para quem não tem nenhuma linha com '\(value)', use NOT EXISTS (uma subconsulta com = '\(value)') ou uma contagem igual a 0")
        }
        // "Nos três anos, 2022, 2023 e 2024": each one must hold in all of them, not in any one.
        if on("check.all-years-missing"), let all = AllPeriods.years(in: question) {
            let listed = all.map(String.init).joined(separator: ", ")
            // A BETWEEN from the first year to the last writes no year between them, and keeps them all.
            let missing = all.filter { !sql.contains(String($0)) }
            if !missing.isEmpty, AllPeriods.keeps(sql, to: all) == nil {
                let column = sql.firstMatch(of: #/([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*\d{4}\b/#).map { String($0.1) }
                return RuleNote("check.all-years-missing", "a pergunta pede quem cumpre nos \(all.count) anos juntos (\(listed)), mas a consulta não usa "
                    + missing.map(String.init).joined(separator: ", ") + "; filtre \(column ?? "a coluna do ano") IN (\(listed)), agrupe por quem a resposta mostra "
                    + "e exija HAVING count(DISTINCT \(column ?? "coluna do ano")) = \(all.count) (para contar, faça isso numa subconsulta e conte as linhas dela)")
            }
        }
        // A year the question names and the query never writes: a filter was dropped.
        let years = PeriodFilters.periods(in: question).map { String($0.year) }
        if on("check.year-unused"), let missing = years.first(where: { !sql.contains($0) }) {
            if let used = years.first(where: { sql.contains($0) }), Self.compares(question, used, missing),
                let copies = yearCopies(sql: sql, question: question, first: used, second: missing)
            {
                return RuleNote("check.year-unused", "a pergunta compara \(used) com \(missing), mas a consulta só usa \(used); leia cada ano numa cópia da tabela, "
                    + "juntadas pela mesma chave: \(copies)")
            }
            return RuleNote("check.year-unused", "a pergunta fala de \(missing), mas a consulta não usa esse ano; filtre por ele")
        }
        // "Menos de 5 em matemática" answered with no 5 anywhere: the threshold was dropped.
        if on("check.threshold-unwritten"), let (said, number) = Self.unwrittenThresholds(in: question, sql: sql).first {
            return RuleNote("check.threshold-unwritten", "a pergunta fala de \"\(said)\", mas a consulta não compara com \(number); ponha essa condição")
        }
        // "Em quais meses a presença ficou abaixo de 90%" held row by row before grouping by month.
        if on("check.threshold-per-row"), let (said, condition, grouped) = Self.thresholds(in: question).lazy.compactMap({ threshold in
            RowThresholds.first(in: sql, numbers: threshold.accepted).map {
                (threshold.said, $0, RowThresholds.groupLevel(in: sql, numbers: threshold.accepted))
            }
        }).first {
            return RuleNote("check.threshold-per-row", "a pergunta fala de \"\(said)\", mas a consulta aplica esse limite a cada linha no WHERE (\(condition)), antes de agrupar; "
                + "se o limite é do grupo, tire essa condição do WHERE e compare a conta do grupo no HAVING (as mesmas somas do SELECT)"
                + (grouped.map { ": HAVING \($0)" } ?? ""))
        }
        // A year the question never names ("nota 10" read as October 2024).
        if on("check.unnamed-year"), let extra = Self.unnamedYears(in: sql, question: question, terms: context?.terms ?? []).first {
            return RuleNote("check.unnamed-year", "a consulta filtra \(extra), um ano que a pergunta não cita; tire esse filtro, ou use o ano que ela pede")
        }
        // A value the question never names ("menos de 5 em matemática" counted among 'Ametista' only).
        if on("check.unnamed-value"), let context, let extra = unnamedLiterals(in: sql, question: question, context: context).first {
            return RuleNote("check.unnamed-value", "a consulta filtra '\(extra)', valor que a pergunta não cita; tire esse filtro, ou use o valor que ela pede")
        }
        // A month the question never names ("em 2024" answered for October 2024).
        if on("check.unnamed-month"), let month = Self.unnamedMonths(in: sql, question: question).first {
            return RuleNote("check.unnamed-month", "a consulta filtra só o mês \(month), mas a pergunta não cita mês; use o período inteiro que ela pede")
        }
        // "Nos três anos" with every year in one IN list: any one of them lets a row through.
        if on("check.all-years-any"), let all = AllPeriods.years(in: question), let column = AllPeriods.acceptsAny(sql, years: all) {
            return RuleNote("check.all-years-any", "a pergunta pede quem cumpre nos \(all.count) anos juntos (\(all.map(String.init).joined(separator: ", "))), mas a condição em \(column) aceita quem cumpre em qualquer um deles; "
                + "agrupe por quem a resposta mostra e exija HAVING count(DISTINCT \(column)) = \(all.count) (para contar, faça isso numa subconsulta e conte as linhas dela)")
        }
        // "Quantos de manhã e quantos de tarde" answered with one number, or the first value only.
        let grouping = QueryShape.outerGrouping(sql)
        let groups = context.map(ValueGroup.named) ?? []
        if on("check.value-group-ungrouped"), Self.aggregates(sql), let group = groups.first(where: { !(grouping?.columns.contains($0.column.lowercased()) ?? false) }) {
            let listed = group.values.map { "'\($0)'" }.joined(separator: " e ")
            return RuleNote("check.value-group-ungrouped", "a pergunta cita \(listed) (\(group.table).\(group.column)), mas a consulta não agrupa por \(group.column); "
                + "para um número de cada, use GROUP BY \(group.table).\(group.column), uma linha por valor")
        }
        // "Conforme a pedra", "de cada ano": one number for everyone, or a row each, where a row per
        // value was asked for.
        if on("check.asked-grouping"), let asked = ungroupedRequest(sql, question: question) {
            return RuleNote("check.asked-grouping", "a pergunta pede um resultado por \(asked.said) (\(asked.table).\(asked.column)), mas a consulta não agrupa por ele; "
                + "use GROUP BY \(asked.table).\(asked.column), uma linha por valor")
        }
        // "Qual foi a data da primeira evasão" answered with a count per year: no date at all.
        if on("check.date-asked"), Self.asksForDate(question), !Self.asksHowMany(question), result.totalRows > 0, !Self.showsDate(result) {
            let dates = Retriever.tables(in: sql).sorted().flatMap { name in
                retriever.catalog.schema.table(named: name).map { table in retriever.catalog.schema.dateColumns(of: table).map { (table.name, $0) } } ?? []
            }
            // "A data da primeira evasão": the date column whose synonym the question says ("data da evasão").
            let said = dates.compactMap { table, column in spokenSynonym(of: column, in: table, question: question).map { (table, column, $0) } }
            if said.count == 1, let (table, column, synonym) = said.first {
                let words = Set(PortugueseTerms.words(question))
                let pick = words.contains { ["primeira", "primeiro", "inicio", "antiga", "antigo"].contains($0) } ? "min(\(table).\(column)), a primeira"
                    : words.contains { ["ultima", "ultimo", "recente", "final"].contains($0) } ? "max(\(table).\(column)), a última"
                    : "\(table).\(column) no SELECT (min() dá a primeira, max() a última)"
                return RuleNote("check.date-asked", "a pergunta pede uma data, mas nenhuma coluna da resposta é uma data; a data de que ela fala é \(table).\(column) (\(synonym)): use \(pick)")
            }
            return RuleNote("check.date-asked", "a pergunta pede uma data, mas nenhuma coluna da resposta é uma data"
                + (dates.isEmpty ? "" : "; as datas das tabelas da consulta são " + dates.map { "\($0).\($1)" }.joined(separator: ", ") + " (a primeira é min(), a última é max())"))
        }
        // "Quantos…" with no "cada" or "por": one number, where a copied example gave one per school.
        if on("check.one-number-grouped"), let grouping, !grouping.having, result.totalRows > 1, groups.isEmpty, Self.asksHowMany(question), !Self.asksPerGroup(question) {
            return RuleNote("check.one-number-grouped", "a pergunta pede um número só, mas a consulta dá um por grupo (GROUP BY \(grouping.columns.joined(separator: ", "))); "
                + "tire o GROUP BY, a menos que a pergunta peça um número de cada")
        }
        // Grouped by something the question never mentions ("a nota da rede toda" per school and
        // phase): the answer is split in a way nobody asked for, most likely after an example.
        if on("check.unasked-grouping"), let context, let column = unaskedGrouping(sql, question: question, context: context).first {
            return RuleNote("check.unasked-grouping", "a consulta agrupa por \(column), que a pergunta não cita; tire \(column) do GROUP BY e do SELECT, a menos que a pergunta peça um resultado por \(column)")
        }
        // The same SELECT once per value, joined by UNION: a result with no column saying which
        // group each row is (or one column per group), where GROUP BY gives a row per group.
        if on("check.union-of-one-query"), let parts = QueryShape.unionOfOneQuery(sql) {
            return RuleNote("check.union-of-one-query", "a consulta repete a mesma SELECT \(parts) vezes com UNION, mudando só um valor; escreva uma só, com GROUP BY pela coluna desse valor, uma linha por grupo")
        }
        // A value the question names, of a table the query reads, never compared with: "acessos"
        // said, and every kind of interaction counted.
        let read = Retriever.tables(in: sql)
        // Grouping by the value's column answers for it too, unless the query keeps one other
        // value only ("manhã comparado com a tarde" grouped by turno, WHERE turno = 'tarde').
        let values = context?.values ?? []
        if on("check.value-dropped"), let dropped = values.first(where: { link in
            let grouped = grouping?.columns.contains(link.column.lowercased()) ?? false
            let sibling = values.contains { $0.table == link.table && $0.column == link.column && $0.value != link.value && Self.writes($0, in: sql) }
            return read.contains(link.table) && !Self.writes(link, in: sql) && (!grouped || sibling)
        }) {
            return RuleNote("check.value-dropped", "a pergunta cita '\(dropped.value)' (\(dropped.table).\(dropped.column)), mas a consulta não filtra por esse valor")
        }
        // A column the question names word for word ("nota de inglês": nota_ingles) left unread.
        if on("check.named-column-unread"), let context,
            let (table, column) = Self.namedColumns(in: question, context: context).first(where: { !Self.reads($0.column, in: sql) })
        {
            return RuleNote("check.named-column-unread", "a pergunta fala de \(column.replacingOccurrences(of: "_", with: " ")) (\(table).\(column)), mas a consulta não usa essa coluna"
                + joinAdvice(to: table, sql: sql, context: context, question: question))
        }
        // A glossary condition the question says in so many words ("evasões": situacao =
        // 'evadida') that the query never writes: the thing counted is not the one asked about.
        if on("check.term-dropped"), let context, let term = context.terms.first(where: { Self.drops($0, sql: sql, question: question, grouping: grouping?.columns ?? []) }) {
            let tables = term.sql.matches(of: #/([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]/#).map { String($0.1) }
            return RuleNote("check.term-dropped", "a pergunta fala de \(term.term) (\(term.sql)), mas a consulta não usa essa condição"
                + (tables.first.map { joinAdvice(to: $0, sql: sql, context: context, question: question) } ?? ""))
        }
        // "Quantos alunos" answered with count(*) of deliveries: each student counted once per row.
        if on("check.rows-counted-for-entities"), let rows = rowsCountedForEntities(sql, question: question, result: result) {
            return RuleNote("check.rows-counted-for-entities", rows)
        }
        // "O melhor aluno de cada unidade" answered with every student, or one number per school:
        // nothing in the query keeps one row per group.
        if on("check.best-per-group"), let group = Self.bestPerGroup(question), !Self.picksPerGroup(sql),
            case let table = retriever.catalog.schema.tables.first(where: { speaks(of: $0.name, question: group) }), !isGrouped(sql, by: group, table: table)
        {
            let partition = table.map { "\($0.name).\($0.primaryKey.first ?? "id")" } ?? "a coluna do grupo"
            return RuleNote("check.best-per-group", "a pergunta pede o primeiro de cada \(group) (uma linha por \(group)), mas a consulta não escolhe um por grupo; numere as linhas numa subconsulta, "
                + "rank() OVER (PARTITION BY \(partition) ORDER BY a medida DESC) AS posicao, e fique com WHERE posicao = 1")
        }
        let largest = read.compactMap { retriever.catalog.schema.table(named: $0)?.rowCount }.max() ?? 0
        if on("check.rows-multiplied"), largest > 0, result.totalRows > 2 * largest {
            return RuleNote("check.rows-multiplied", "a consulta devolveu \(result.totalRows) linhas, mais que o dobro da maior tabela usada (\(largest)): a junção multiplicou as linhas")
        }
        return nil
    }

    /// "'F' não é valor de turmas.fase, uma coluna de números; há 'F' em alunos.genero", or the
    /// values the column has.
    static func describe(_ mismatch: ValueLiterals.Mismatch) -> String {
        let head = "'\(mismatch.value)' não é valor de \(mismatch.table).\(mismatch.column)" + (mismatch.stored.isEmpty ? ", uma coluna de números" : "")
        if !mismatch.holders.isEmpty {
            let places = mismatch.holders.prefix(3).map { "'\($0.value)' em \($0.table).\($0.column)" }
            return head + "; há " + places.joined(separator: ", ")
        }
        if mismatch.stored.isEmpty { return head }
        if mismatch.stored.count <= 12 {
            return head + ", que guarda " + mismatch.stored.map { "'\($0)'" }.joined(separator: ", ")
        }
        // A column of names: the closest few, not the whole list.
        return head + "; os mais parecidos que ela guarda: " + mismatch.closest(5).map { "'\($0)'" }.joined(separator: ", ")
    }

    /// "Nenhuma condição liga f, a a e, t", with the foreign keys that would, through the tables
    /// between (`matriculas.aluno_id = alunos.id e matriculas.turma_id = turmas.id`).
    func unlinkedAdvice(_ groups: [[UnlinkedTables.Member]]) -> String {
        let listed = groups.map { $0.map(\.name).joined(separator: ", ") }
        let head = "nenhuma condição liga " + listed.dropLast().joined(separator: "; ") + " a " + listed[listed.count - 1]
            + ": cada linha de um lado encontra todas as do outro, e as contas saem multiplicadas"
        // The shortest path of foreign keys from the first group's tables to the second's.
        let sides = groups.prefix(2).map { Set($0.map { $0.table.lowercased() }) }
        var links: [String: [(table: String, step: String)]] = [:]
        for (table, key) in retriever.catalog.schema.foreignKeys where key.columns.count == 1 {
            let step = "\(table).\(key.columns[0]) = \(key.referencedTable).\(key.referencedColumns.first ?? "id")"
            links[table.lowercased(), default: []].append((key.referencedTable.lowercased(), step))
            links[key.referencedTable.lowercased(), default: []].append((table.lowercased(), step))
        }
        // In the query's order, so the same query always gets the same advice.
        var frontier = groups[0].map { $0.table.lowercased() }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var reached = Dictionary(uniqueKeysWithValues: frontier.map { ($0, [String]()) })
        while let table = frontier.first, sides.count == 2 {
            frontier.removeFirst()
            if sides[1].contains(table) {
                return head + "; ligue-as por " + (reached[table] ?? []).joined(separator: " e ")
            }
            for link in links[table] ?? [] where reached[link.table] == nil {
                reached[link.table] = (reached[table] ?? []) + [link.step]
                frontier.append(link.table)
            }
        }
        return head + "; ligue-as pelas chaves"
    }

    /// For a check that needs `table` and a query that does not read it: how the context joins
    /// it to a table the query reads ("; junte matriculas: JOIN matriculas ON matriculas.aluno_id
    /// = alunos.id"); to start from it, when the question speaks of it and of none the query
    /// reads; or that it is missing. Empty when the query reads it.
    func joinAdvice(to table: String, sql: String, context: RetrievedContext, question: String = "") -> String {
        let tables = Retriever.tables(in: sql)
        let read = Set(tables.map { $0.lowercased() })
        let target = table.lowercased()
        guard !read.contains(target) else { return "" }
        // A student's grades meet the enrolment of the same year, not every year's.
        for step in context.sameGrainJoins + context.joins.flatMap(\.steps) {
            let tables = Set(step.matches(of: #/([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]/#).map { $0.1.lowercased() })
            if tables.count == 2, tables.contains(target), let other = tables.first(where: { $0 != target }), read.contains(other) {
                return "; junte \(table): JOIN \(table) ON \(step)"
            }
        }
        // Deliveries counted for "sem nota de inglês no boletim": the question speaks of the
        // grades' table (by "boletim") and of none the query reads; joining would keep the wrong count.
        if !question.isEmpty, !tables.isEmpty, speaks(of: table, question: question), !tables.contains(where: { speaks(of: $0, question: question) }) {
            return "; a consulta lê \(tables.sorted().joined(separator: ", ")), de que a pergunta não fala, e nem lê \(table), de que ela fala: "
                + "escreva a consulta a partir de \(table) (FROM \(table))"
        }
        return "; a consulta nem lê a tabela \(table)"
    }

    /// Whether the question speaks of `table` by its name or by one of its synonyms ("boletim"
    /// for avaliacoes_anuais).
    func speaks(of table: String, question: String) -> Bool {
        Self.says(anyOf: [table.replacingOccurrences(of: "_", with: " ")] + (retriever.catalog.metadata.table(named: table)?.synonyms ?? []), in: question)
    }

    /// Whether `question` says one of `phrases`, by stems or word for word (`PortugueseTerms.says`).
    static func says(anyOf phrases: [String], in question: String) -> Bool {
        let questionTerms = " " + PortugueseTerms.terms(question).joined(separator: " ") + " "
        let questionWords = " " + PortugueseTerms.words(question).joined(separator: " ") + " "
        return phrases.contains { PortugueseTerms.says($0, questionTerms: questionTerms, questionWords: questionWords) }
    }

    /// For a query that reads one yearly table twice, each copy held to one of two years the
    /// question sets against each other: how to compare them within each group instead, from a
    /// single reading (the copies meet only where a row's key spans both years). Nil otherwise.
    func yearCopiesAdvice(sql: String, question: String) -> String? {
        let years = PeriodFilters.periods(in: question).map { String($0.year) }
        guard years.count == 2, Self.compares(question, years[0], years[1]) else { return nil }
        let schema = retriever.catalog.schema
        let references = SQLRepair.tableReferences(in: sql)
        for reference in references {
            guard let table = schema.table(named: reference.table), let year = schema.yearColumns(of: table).first,
                references.count(where: { $0.table.caseInsensitiveCompare(table.name) == .orderedSame }) == 2
            else { continue }
            let (late, early) = (years.max()!, years.min()!)
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
        let schema = retriever.catalog.schema
        let asked = Set(PortugueseTerms.terms(question))
        for name in Retriever.tables(in: sql) {
            guard let table = schema.table(named: name), let year = schema.yearColumns(of: table).first else { continue }
            let keys = table.foreignKeys.filter { $0.columns.count == 1 }
            let key = keys.first { !asked.isDisjoint(with: PortugueseTerms.terms($0.referencedTable)) } ?? keys.first
            guard let column = key?.columns.first else { continue }
            let (a, b) = ("\(table.name.prefix(1))\(first)", "\(table.name.prefix(1))\(second)")
            return "FROM \(table.name) \(a) JOIN \(table.name) \(b) ON \(b).\(column) = \(a).\(column) AND \(b).\(year) = \(second) "
                + "WHERE \(a).\(year) = \(first)"
        }
        return nil
    }

    /// Columns the outer query groups by that the question mentions in no way: not by the
    /// column's name or synonyms, nor by its table's, nor by a value of it. A column that says
    /// when (`mes`, `ano_letivo`) is asked for by its own words or a period word ("por mês",
    /// "mensal", "cada ano") or by two years named, never by its table's ("a frequência do 6A"
    /// is no frequency per month). Only names that are a column of a table the query reads, or
    /// a function of one (`substr(mes, 1, 4)`); an alias is left alone.
    func unaskedGrouping(_ sql: String, question: String, context: RetrievedContext) -> [String] {
        guard let grouping = QueryShape.outerGrouping(sql) else { return [] }
        let asked = Set(PortugueseTerms.terms(question))
        let schema = retriever.catalog.schema
        let read = Retriever.tables(in: sql).compactMap { schema.table(named: $0) }
        let valued = Set(context.values.map { $0.column.lowercased() })
        let yearsNamed = Set(PeriodFilters.periods(in: question).map(\.year)).count
        return grouping.columns.filter { column in
            let owners = read.filter { $0.column(named: column) != nil }
            guard !owners.isEmpty, !valued.contains(column) else { return false }
            return !owners.contains { table in
                let described = retriever.catalog.metadata.table(named: table.name)
                let columnWords = described?.columns.first { $0.name.caseInsensitiveCompare(column) == .orderedSame }?.synonyms ?? []
                let isYear = schema.yearColumns(of: table).contains { $0.caseInsensitiveCompare(column) == .orderedSame }
                let isDate = schema.dateColumns(of: table).contains { $0.caseInsensitiveCompare(column) == .orderedSame }
                if isYear, yearsNamed >= 2 { return true }
                let words = isYear || isDate
                    ? [column] + columnWords + (isYear ? Self.yearWords : []) + (isDate ? Self.monthWords + Self.yearWords : [])
                    : [column, table.name] + (described?.synonyms ?? []) + columnWords
                return !asked.isDisjoint(with: PortugueseTerms.terms(words.joined(separator: " ")))
            }
        }
    }

    /// "Conforme a pedra", "de cada ano", "por turno": a result per value of a column of a table
    /// the query reads, asked in so many words (by the column's name, a one-word synonym, or
    /// "ano" for its year column), that the outer query does not group or partition by. Only
    /// where the query sums something up, or the question asks for a first, last, best or worst
    /// (a plain list "de cada turma" needs no GROUP BY), and never for "por mês" (as often a rate,
    /// "acessos por mês", as a grouping) or "ordenado por".
    func ungroupedRequest(_ sql: String, question: String) -> (said: String, table: String, column: String)? {
        let words = PortugueseTerms.words(question)
        let ranks = ["primeir", "ultim", "maior", "menor", "melhor", "pior"]
        guard Self.aggregates(sql) || words.contains(where: { word in ranks.contains { word.hasPrefix($0) } }),
            sql.range(of: "partition by", options: .caseInsensitive) == nil
        else { return nil }
        let grouped = Set(QueryShape.outerGrouping(sql)?.columns ?? [])
        let schema = retriever.catalog.schema
        let read = Retriever.tables(in: sql).sorted().compactMap { schema.table(named: $0) }
        // Grouped by a name no table has (`GROUP BY periodo`, a CASE's label): the model's own grouping.
        guard grouped.allSatisfy({ name in read.contains { $0.column(named: name) != nil } }) else { return nil }
        let articles: Set<String> = ["a", "o", "as", "os", "da", "do", "das", "dos"]
        for (index, word) in words.enumerated() where ["cada", "por", "conforme", "segundo"].contains(word) {
            if index > 0, ["orden", "classific", "dividid", "filtr", "ordem"].contains(where: { words[index - 1].hasPrefix($0) }) { continue }
            var next = index + 1
            while next < words.count, articles.contains(words[next]) { next += 1 }
            guard next < words.count else { continue }
            let said = words[next]
            guard !Self.monthWords.map(PortugueseTerms.fold).contains(said) else { continue }
            let isYear = Self.yearWords.contains(said)
            for table in read {
                let described = retriever.catalog.metadata.table(named: table.name)
                let periods = Set((schema.yearColumns(of: table) + schema.dateColumns(of: table)).map { $0.lowercased() })
                let named = table.columns.first { column in
                    guard !column.isPrimaryKey, !column.name.lowercased().hasSuffix("_id") else { return false }
                    if isYear { return schema.yearColumns(of: table).contains(column.name) }
                    let names = [column.name] + (described?.column(named: column.name)?.synonyms ?? []).filter { !$0.contains(" ") }
                    return names.contains { PortugueseTerms.terms($0) == PortugueseTerms.terms(said) }
                }
                guard let column = named else { continue }
                // Grouped by it, or, for a year, by any year or date of the table (`substr(data_saida, 1, 4)`).
                if grouped.contains(column.name.lowercased()) || (isYear && !grouped.isDisjoint(with: periods)) { return nil }
                return (said, table.name, column.name)
            }
        }
        return nil
    }

    /// Words that ask for a result per month or per year.
    static let monthWords = ["mês", "meses", "mensal", "mensalmente", "month"]
    static let yearWords = ["ano", "anos", "anual", "anualmente", "year"]

    /// The shown example whose query `sql` repeats, literals aside, when that example is not a
    /// rewording of the question (its cosine is below `copyThreshold`). A query with no literals
    /// at all ("SELECT nome FROM disciplinas") has nothing to get wrong by copying: it is the
    /// model's reading that the question asks the same, as "as matérias do currículo" does.
    func copiedExample(_ sql: String, in context: RetrievedContext) -> RetrievedContext.Example? {
        let shape = QueryShape.of(sql)
        guard QueryShape.hasLiterals(shape) else { return nil }
        return context.examples.first { $0.similarity < options.copyThreshold && QueryShape.of($0.sql) == shape }
    }

    /// The shown example `sql` was taken from rather than written for `question`, and why: its
    /// query with other literals, or a year of its query that the question never names.
    func borrowedExample(_ sql: String, question: String, in context: RetrievedContext) -> (RetrievedContext.Example, String)? {
        if let copied = copiedExample(sql, in: context) {
            return (copied, "a consulta repete a do exemplo \"\(copied.question)\", que pergunta outra coisa")
        }
        for month in Self.unnamedMonths(in: sql, question: question) {
            let number = "-" + month.suffix(2)
            if let lender = context.examples.first(where: { Self.months(in: $0.sql).contains { $0.hasSuffix(number) } }) {
                return (lender, "a consulta filtra o mês \(month), como o exemplo \"\(lender.question)\", e a pergunta não cita mês")
            }
        }
        for year in Self.unnamedYears(in: sql, question: question, terms: context.terms) {
            if let lender = context.examples.first(where: { SQLLexer.years(inQuery: $0.sql).contains { $0.year == year } }) {
                return (lender, "a consulta usa \(year), ano do exemplo \"\(lender.question)\" que a pergunta não cita")
            }
        }
        return nil
    }

    /// Years written in `sql` that `question` does not ask for: not one it names or one between
    /// them, not the first day or month of the year after one (a range's end, '2025-01-01'), and
    /// not one a shown term's definition says ("ano em andamento").
    static func unnamedYears(in sql: String, question: String, terms: [RetrievedContext.Term]) -> [String] {
        // "No ano anterior" names the year before the one said.
        let named = PeriodFilters.periods(in: question).map(\.year) + years(in: question).compactMap { Int($0) } + PeriodFilters.relativeYears(in: question)
        // A range's end: the first day or month of the year after one named.
        let ends = Set(named.flatMap { ["'\($0 + 1)-01-01'", "'\($0 + 1)-01'"] })
        let allowed = Set((named.isEmpty ? [] : Array(named.min()!...named.max()!)).map(String.init)
            + terms.flatMap { SQLLexer.years(inQuery: $0.sql).map(\.year) })
        var seen: Set<String> = []
        return SQLLexer.years(inQuery: sql).filter { !ends.contains($0.literal) }.map(\.year).filter { !allowed.contains($0) && seen.insert($0).inserted }
    }

    /// Columns of the context's tables whose name has two or more words that can only mean it
    /// (`nota_ingles`, `data_nascimento`), every one of them in the question. One-word names
    /// ("nota", "turno") are left out: "nota de matemática" says `nota` too, and means another;
    /// so are names of a measure already summed up (`nota_media`, `interacoes_total`), since
    /// "nota média" and "total" ask for the average or the sum as often as for that column.
    static func namedColumns(in question: String, context: RetrievedContext) -> [(table: String, column: String)] {
        let asked = Set(PortugueseTerms.terms(question))
        let summaries: Set<String> = ["media", "medio", "total", "soma", "taxa", "percentual", "quantidade", "maxima", "maximo", "minima", "minimo"]
        // Words that name a value ("entregas atrasadas": status 'atrasada') say that value, not a
        // column that counts it (`entregas_atrasadas` of a summary table).
        let valueWords = Set(context.values.flatMap { PortugueseTerms.terms($0.spoken) })
        return context.tables.flatMap { table in
            table.columns.compactMap { column -> (table: String, column: String)? in
                let words = PortugueseTerms.nameWords(column)
                let stems = words.map { PortugueseTerms.terms($0).first ?? $0 }
                guard words.count >= 2, summaries.isDisjoint(with: words), valueWords.isDisjoint(with: stems),
                    stems.allSatisfy(asked.contains)
                else { return nil }
                return (table.name, column)
            }
        }
    }

    /// Whether `sql` names `column` (qualified or not) outside quotes.
    static func reads(_ column: String, in sql: String) -> Bool {
        PortugueseTerms.identifiers(sql.replacing(#/'[^']*'/#, with: "''")).contains(column.lowercased())
    }

    /// Whether the question says `term` plainly (its own name, a phrase, or a synonym word as
    /// written: a shared stem alone, "estudos" for "estudando", is too loose) and `sql` writes
    /// none of the quoted values of its definition, nor groups by a column the definition names.
    static func drops(_ term: RetrievedContext.Term, sql: String, question: String, grouping: [String]) -> Bool {
        guard let spoken = term.spoken else { return false }
        let questionWords = Set(PortugueseTerms.words(question))
        // One word said as itself or its plural ("novatos" for "novato"), not only by its stem.
        let word = PortugueseTerms.fold(spoken)
        guard spoken == term.term || spoken.contains(" ") || questionWords.contains(word)
            || questionWords.contains(where: { PortugueseTerms.singulars(of: $0).contains(word) })
        else { return false }
        let values = term.sql.matches(of: #/'([^']+)'/#).map { PortugueseTerms.fold(String($0.1)) }
        let folded = PortugueseTerms.fold(sql)
        let columns = term.sql.matches(of: #/[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)/#).map { $0.1.lowercased() }
        // Two columns compared ("aluno novo": alunos.ano_ingresso = matriculas.ano_letivo): one
        // the query never reads is the condition left out.
        if values.isEmpty, term.sql.wholeMatch(of: #/\s*[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\s*/#) != nil {
            let read = Set(PortugueseTerms.identifiers(sql))
            return columns.contains { !read.contains($0) }
        }
        guard !values.isEmpty else { return false }
        return !values.contains { folded.contains("'\($0)'") } && !columns.contains { grouping.contains($0) }
    }

    /// Months (`2024-10`) that `sql` compares dates with when `question` names no month and
    /// does not speak of months at all; January and December, where a year's range starts and
    /// ends, are no sign of one month.
    static func unnamedMonths(in sql: String, question: String) -> [String] {
        let words = Set(PortugueseTerms.words(question))
        guard PeriodFilters.periods(in: question).allSatisfy({ $0.month == nil }),
            words.isDisjoint(with: PeriodFilters.months.keys), words.isDisjoint(with: ["mes", "meses", "mensal", "mensais", "mensalmente"])
        else { return [] }
        var seen: Set<String> = []
        return months(in: sql).filter { !$0.hasSuffix("-01") && !$0.hasSuffix("-12") && seen.insert($0).inserted }
    }

    /// The year-months ISO dates and months in quotes start with ('2024-10-01' → 2024-10).
    static func months(in sql: String) -> [String] {
        sql.matches(of: #/'((?:19|20)\d\d-(?:0[1-9]|1[0-2]))/#).map { String($0.1) }
    }

    /// Quoted words `sql` compares with that nothing asked for: not in the question (as words
    /// or their stems), not a value the question was linked to, not in a shown glossary term or
    /// example (those are the model's reading of the question, right or wrong).
    /// Only values a person listed in the catalog are judged; dates, numbers and patterns are
    /// left alone. `'Ametista'` in a count of students with low grades came from the column's
    /// listing of values.
    func unnamedLiterals(in sql: String, question: String, context: RetrievedContext) -> [String] {
        let asked = Set(PortugueseTerms.terms(question))
        // A value of a column the question names by the column's name or a synonym, said whole
        // ("largaram": situacao, whose synonyms say "largou"), is the model reading the question.
        // One word of a longer synonym is not enough: "inde" is no "faixa do INDE" (pedra).
        // A synonym that stems like its table's name ("alunas" of alunos.genero) is said only word
        // for word: "alunos" says the table, not a gender.
        let questionWords = Set(PortugueseTerms.words(question))
        let namedColumnValues = Set(retriever.catalog.metadata.tables.flatMap { table in
            let tableTerms = Set(([table.name] + table.synonyms).map(PortugueseTerms.terms))
            return table.columns.filter { column in
                !column.values.isEmpty && ([column.name] + column.synonyms).contains { name in
                    let said = PortugueseTerms.terms(name)
                    if tableTerms.contains(said) { return Set(PortugueseTerms.words(name)).isSubset(of: questionWords) }
                    return !said.isEmpty && Set(said).isSubset(of: asked)
                }
            }.flatMap { $0.values.keys.map(PortugueseTerms.fold) }
        })
        // Whether the question names a value can be judged only where a person listed the column's
        // values with what they mean in the question's language ('Ametista', 'F': alunas). A value
        // stored in another language or as a code, in a catalog a machine wrote ('Feminino', 'L',
        // 'EWR'), is named by words no rule here reads ("mulheres", "canhotos", "Newark").
        let judged = Set(retriever.catalog.metadata.tables.flatMap { table in
            table.columns.filter { $0.origin == .person }.flatMap { $0.values.keys.map(PortugueseTerms.fold) }
        })
        let foldedQuestion = PortugueseTerms.fold(question)
        let linked = Set(context.values.map { PortugueseTerms.fold($0.value) })
        let defined = PortugueseTerms.fold((context.terms.map(\.sql) + context.examples.map(\.sql)).joined(separator: " "))
        var seen: Set<String> = []
        return Self.comparedLiterals(in: sql).compactMap { literal -> String? in
            let bare = PortugueseTerms.fold(literal.trimmingCharacters(in: CharacterSet(charactersIn: "% ")))
            // A code ('F') is said as a word of its own, a longer value anywhere in the question.
            let coded = bare.count <= 2
            guard judged.contains(bare), !bare.contains(where: \.isNumber), !bare.contains("%"),
                !linked.contains(bare), !namedColumnValues.contains(bare), !defined.contains("'\(bare)'"),
                coded ? !questionWords.contains(bare) : !foldedQuestion.contains(bare),
                coded || !Set(PortugueseTerms.terms(bare)).isSubset(of: asked), seen.insert(literal).inserted
            else { return nil }
            return literal
        }
    }

    /// The quoted values `sql` compares with (`= 'x'`, `<> 'x'`, `LIKE 'x%'`, `IN ('x', 'y')`),
    /// first to last; labels a CASE gives its groups (`THEN 'alto'`) are no filter.
    static func comparedLiterals(in sql: String) -> [String] {
        var found: [(position: String.Index, text: String)] = []
        for match in sql.matches(of: #/(?i)(?:=|<>|!=|\blike)\s*'([^']*)'/#) {
            found.append((match.range.lowerBound, String(match.1)))
        }
        for list in sql.matches(of: #/(?i)\bin\s*\(([^()]*)\)/#) {
            for item in list.1.matches(of: #/'([^']*)'/#) { found.append((item.range.lowerBound, String(item.1))) }
        }
        return found.sorted { $0.position < $1.position }.map(\.text)
    }

    /// Whether `sql` compares with the value `link` names: quoted ('acesso', 'acesso%'), or, for a
    /// name of several words, by the words the question used ('%Monteiro Lobato%').
    static func writes(_ link: ValueLink, in sql: String) -> Bool {
        let folded = PortugueseTerms.fold(sql), value = PortugueseTerms.fold(link.value)
        return folded.contains("'" + value) || folded.contains(value + "'") || (link.spoken.contains(" ") && folded.contains(link.spoken))
    }

    /// The years (1900–2099) written in `text`, dates included ('2024-10-01'), first to last.
    static func years(in text: String) -> [String] {
        text.matches(of: #/\b(19|20)\d\d\b/#).map { String(text[$0.range]) }
    }

    /// "quantos alunos…", "qtd de provas…" (spelled out before it gets here).
    static func asksHowMany(_ question: String) -> Bool {
        let words = Set(question.lowercased().split(whereSeparator: { !$0.isLetter }))
        return !words.isDisjoint(with: ["quantos", "quantas", "quantidade"])
    }

    /// The noun "quantos"/"quantas" counts: "alunos" in "quantos alunos ficaram sem nota".
    static func countedNoun(_ question: String) -> String? {
        PortugueseTerms.fold(question).firstMatch(of: #/\bquant(?:os|as|idade\s+de)\s+(\w+)/#).map { String($0.1) }
    }

    /// "Quantos alunos…" answered by a lone `count(*)` over rows of which one student has many
    /// (deliveries, months, or a join that repeats them): the same query counting the distinct
    /// students runs too, and when it gives fewer, says both numbers. Nil otherwise.
    func rowsCountedForEntities(_ sql: String, question: String, result: QueryResult) -> String? {
        let schema = retriever.catalog.schema
        let references = SQLRepair.tableReferences(in: sql)
        let reads = { (table: Schema.Table) in references.contains { $0.table.caseInsensitiveCompare(table.name) == .orderedSame } }
        // Of the tables the noun names ("voos": flights, and planes if a synonym says so), the one
        // the query reads: its own rows may be what is counted.
        guard Self.asksHowMany(question), result.totalRows == 1, result.columns.count == 1, QueryShape.outerGrouping(sql) == nil,
            let noun = Self.countedNoun(question), case let named = schema.tables.filter({ speaks(of: $0.name, question: noun) }),
            let entity = named.first(where: reads) ?? named.first,
            entity.primaryKey.count == 1, let star = sql.firstMatch(of: #/(?i)^\s*select\s+(count\s*\(\s*\*\s*\))/#),
            case .integer(let total)? = result.rows.first?.first
        else { return nil }
        // The entity's own key when the query reads it, else a column that points at it.
        var key: String?
        if let own = references.first(where: { $0.table.caseInsensitiveCompare(entity.name) == .orderedSame }) {
            key = "\(own.alias ?? own.table).\(entity.primaryKey[0])"
        } else {
            for reference in references {
                guard let table = schema.table(named: reference.table),
                    let pointer = table.foreignKeys.first(where: { $0.columns.count == 1 && $0.referencedTable.caseInsensitiveCompare(entity.name) == .orderedSame })
                else { continue }
                key = "\(reference.alias ?? reference.table).\(pointer.columns[0])"
                break
            }
        }
        guard let key else { return nil }
        let distinct = sql[..<star.1.startIndex] + "count(DISTINCT \(key))" + sql[star.1.endIndex...]
        guard let counted = try? connection.runGenerated(String(distinct), timeout: options.timeout, maxRows: 1),
            case .integer(let entities)? = counted.rows.first?.first, entities < total
        else { return nil }
        return "a pergunta conta \(noun), mas count(*) conta \(total) linhas, e um mesmo \(entity.name) aparece em várias (são \(entities) diferentes); "
            + "use count(DISTINCT \(key))"
    }

    /// What "quantas entregas" counts, where the query counts the distinct values of another
    /// table's key instead (`count(DISTINCT aluno_id)` from entregas): the noun, the table it
    /// names and the key as written; nil when the query counts what the question names.
    func countedKeyInstead(_ sql: String, question: String) -> (noun: String, table: String, column: String)? {
        guard let noun = Self.countedNoun(question),
            let counted = sql.firstMatch(of: #/(?i)^\s*select\s+count\s*\(\s*distinct\s+((?:[A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*))\s*\)/#),
            let table = Retriever.tables(in: sql).first(where: { speaks(of: $0, question: noun) })
        else { return nil }
        let key = String(counted.2).lowercased()
        // The key of another table: aluno_id counts students, whatever table it is read from.
        guard key.hasSuffix("_id"), let target = retriever.catalog.schema.table(named: table)?.foreignKeys.first(where: { $0.columns.first?.lowercased() == key })?.referencedTable,
            target.caseInsensitiveCompare(table) != .orderedSame, !speaks(of: target, question: noun)
        else { return nil }
        return (noun, table, String(counted.1))
    }

    /// Words that deny what follows: "não acessaram", "nunca entregou", "nenhuma interação".
    static let negations: Set<String> = ["nao", "nunca", "nenhum", "nenhuma", "jamais"]

    /// The question's first negation and the words from it on ("nao acessaram a plataforma"),
    /// unless it belongs to a term the question says ("atividades não entregues"), whose own
    /// condition is checked elsewhere.
    static func negation(in question: String, terms: [RetrievedContext.Term]) -> ArraySlice<String>? {
        let words = PortugueseTerms.words(question)
        guard let index = words.firstIndex(where: negations.contains),
            !terms.compactMap(\.spoken).contains(where: { PortugueseTerms.words($0).contains(words[index]) })
        else { return nil }
        return words[index...]
    }

    /// Whether `sql` negates other than by an inequality: NOT, = 0, < 1, IS NULL, EXCEPT.
    static func negatesOutright(_ sql: String) -> Bool {
        sql.firstMatch(of: #/(?i)\bnot\b|=\s*0(?![0-9.])|<\s*1(?![0-9.])|\bis\s+null\b|\bexcept\b/#) != nil
    }

    /// The question's negation and the word after it ("nao acessaram") when the query has no
    /// negating form at all (NOT, <>, !=, = 0, < 1, IS NULL, EXCEPT, a value such as 'nao_entregue').
    static func unnegated(_ question: String, sql: String, terms: [RetrievedContext.Term]) -> String? {
        guard let negated = negation(in: question, terms: terms), !negatesOutright(sql),
            sql.firstMatch(of: #/(?i)<>|!=|'n[aã]o_/#) == nil
        else { return nil }
        return negated.prefix(2).joined(separator: " ")
    }

    /// The question's negation ("nao acessaram") where the query's only negating form is an
    /// inequality with the value the negated words name (`i.tipo != 'acesso'`): a row of another
    /// kind is no proof of having none of this kind. The words said, the inequality and the value.
    static func negatedByInequality(_ question: String, sql: String, terms: [RetrievedContext.Term]) -> (String, String, String)? {
        guard let negated = negation(in: question, terms: terms), !negatesOutright(sql) else { return nil }
        let named = Set(PortugueseTerms.terms(negated.prefix(4).joined(separator: " ")))
        for match in sql.matches(of: #/(?i)([A-Za-z_][A-Za-z0-9_.]*)\s*(?:<>|!=)\s*'([^']*)'/#)
            where !named.isDisjoint(with: PortugueseTerms.terms(String(match.2)))
        {
            return (negated.prefix(2).joined(separator: " "), String(sql[match.range]), String(match.2))
        }
        return nil
    }

    /// The thresholds the question says ("menos de 5", "acima de 90%", "4 ou mais") whose number
    /// `sql` never writes: as a number (5, 5.0), or as its hundredth (0.9 for "90%", and for any
    /// number above 1, which may be a percentage said without the sign). Years are left to the
    /// checks of periods.
    static func unwrittenThresholds(in question: String, sql: String) -> [(said: String, number: String)] {
        let written = writtenNumbers(in: sql)
        return thresholds(in: question).filter { !$0.accepted.contains(where: written.contains) }.map { ($0.said, $0.number) }
    }

    /// The numbers `sql` writes (5, 0.9, .5), in one pass: digits glued to a name (`m2024`,
    /// `v23`) are part of it. Scanned by hand, not by a regex that backtracks over every run of
    /// letters: a long literal in a model's query made that check take minutes.
    static func writtenNumbers(in sql: String) -> Set<Double> {
        var numbers: Set<Double> = []
        let bytes = Array(sql.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func isNameByte(_ byte: UInt8) -> Bool { isDigit(byte) || byte == 0x5F || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isNameByte(byte), !isDigit(byte) {
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            } else if isDigit(byte) || (byte == 0x2E && index + 1 < bytes.count && isDigit(bytes[index + 1])) {
                let start = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                if index + 1 < bytes.count, bytes[index] == 0x2E, isDigit(bytes[index + 1]) {
                    index += 1
                    while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                }
                if let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) { numbers.insert(number) }
            } else {
                index += 1
            }
        }
        return numbers
    }

    /// The thresholds the question says ("menos de 5", "abaixo de 90%", "4 ou mais"): the words,
    /// the number as said, and the numbers a query may write it as (90 and 0.9 for "90%", and for
    /// any number above 1, which may be a percentage said without the sign). Years are left out.
    static func thresholds(in question: String) -> [(said: String, number: String, accepted: [Double])] {
        let folded = PortugueseTerms.fold(question)
        let before = #/\b(?:menos\s+de|mais\s+de|acima\s+de|abaixo\s+de|maior(?:\s+do)?\s+que|menor(?:\s+do)?\s+que|inferior\s+a|superior\s+a|pelo\s+menos|no\s+minimo|no\s+maximo)\s+(\d+(?:[.,]\d+)?)\s*(%|por\s*cento|pontos\s+percentuais)?/#
        let after = #/\b(\d+(?:[.,]\d+)?)\s+ou\s+(?:mais|menos)\b/#
        var found = folded.matches(of: before).map { (String($0.0), String($0.1), $0.2 != nil) }
        found += folded.matches(of: after).map { (String($0.0), String($0.1), false) }
        return found.compactMap { said, text, percent in
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), !(1900...2099).contains(value) || text.count != 4 else { return nil }
            return (said.trimmingCharacters(in: .whitespaces), text, percent || value > 1 ? [value, value / 100] : [value])
        }
    }

    /// "Qual foi a data da primeira evasão", "em que dia", "quando saiu": a date asked for.
    static func asksForDate(_ question: String) -> Bool {
        PortugueseTerms.fold(question).firstMatch(
            of: #/\b(?:qual|quais|em\s+que)\s+(?:foi\s+|foram\s+|e\s+|era\s+|sao\s+)?(?:a\s+|as\s+|o\s+)?(?:data|datas|dia)\b|\bquando\b/#) != nil
    }

    /// The first synonym of `table.column` in the metadata whose every term the question says,
    /// in any order ("data da evasão" in "a data da primeira evasão"); nil when none is said.
    func spokenSynonym(of column: String, in table: String, question: String) -> String? {
        let asked = Set(PortugueseTerms.terms(question))
        let synonyms = retriever.catalog.metadata.table(named: table)?.column(named: column)?.synonyms ?? []
        return synonyms.first { synonym in
            let terms = PortugueseTerms.terms(synonym)
            return terms.count > 1 && Set(terms).isSubset(of: asked)
        }
    }

    /// Whether a column of the result holds dates or months: its first value that is not NULL.
    static func showsDate(_ result: QueryResult) -> Bool {
        result.columns.indices.contains { column in
            guard case .text(let text)? = result.rows.lazy.map({ $0[column] }).first(where: { !$0.isNull }) else { return false }
            return Schema.isISODate(text)
        }
    }

    /// The group of a question that asks for the first of each ("melhor aluno de cada unidade",
    /// "a turma com mais evasões em cada escola"): the word after "cada"; nil otherwise.
    static func bestPerGroup(_ question: String) -> String? {
        let folded = PortugueseTerms.fold(question)
        // "Mais de 200 acessos em cada escola" and "maior que 8" compare; they pick nothing.
        let pattern = #/\b(?:melhor|maior|menor|pior|primeir[oa]|ultim[oa]|mais|menos)\b(?!\s+(?:de|do|da|dos|das|que|do\s+que)\b)(?:\s+\S+){0,6}?\s+(?:de|em|por|para)\s+cada\s+(\w+)/#
        return folded.firstMatch(of: pattern).map { String($0.1) }
    }

    /// Whether a query keeps one row per group on its own: a window function, or a subquery
    /// (a correlated max, a per-group extreme joined back).
    static func picksPerGroup(_ sql: String) -> Bool {
        let lower = sql.lowercased()
        return lower.firstMatch(of: #/\bover\s*\(/#) != nil || lower.firstMatch(of: #/\(\s*select\b/#) != nil
    }

    /// Whether the outer GROUP BY is by `group` ("ano": ano_letivo) or by a column of `table`
    /// (`e.nome` for escolas): one row per group, whose min() or max() answers "a primeira data
    /// de cada ano", and whose other columns SQLite takes from the row of that extreme.
    func isGrouped(_ sql: String, by group: String, table: Schema.Table?) -> Bool {
        let lower = sql.lowercased()
        guard let range = lower.ranges(of: "group by").last else { return false }
        let clause = String(lower[range.upperBound...])
        var keys = [String(group.prefix(4))]
        if let table {
            keys.append(String(table.name.lowercased().prefix(5)))
            keys += SQLRepair.tableReferences(in: sql).filter { $0.table.caseInsensitiveCompare(table.name) == .orderedSame }.compactMap { $0.alias?.lowercased() }.map { "\($0)." }
        }
        let words = clause.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
        return words.contains { word in keys.contains { key in key.hasSuffix(".") ? word.hasPrefix(key) : word.contains(key) } }
    }

    /// Whether the question asks for one number per group: "por escola", "em cada mês", "separando".
    static func asksPerGroup(_ question: String) -> Bool {
        let words = Set(PortugueseTerms.words(question))
        return !words.isDisjoint(with: ["por", "cada", "separando", "separado", "separados", "conforme", "distribuicao", "entre", "ranking", "segundo"])
    }

    /// Whether the question asks how much something changed ("quanto a média variou", "a variação
    /// da presença"), a difference, not the two values it comes from.
    static func asksForChange(_ question: String) -> Bool {
        let words = Set(PortugueseTerms.words(question))
        let verbs = ["variou", "variaram", "mudou", "mudaram", "cresceu", "cresceram", "caiu", "cairam", "aumentou", "aumentaram",
                     "diminuiu", "diminuiram", "subiu", "subiram", "evoluiu", "evoluiram", "melhorou", "melhoraram", "piorou", "pioraram"]
        return !words.isDisjoint(with: ["variacao", "diferenca", "evolucao"])
            || (!words.isDisjoint(with: ["quanto", "quanta"]) && !words.isDisjoint(with: verbs))
    }

    /// Whether the query aggregates anywhere: counts, sums, averages, extremes.
    static func aggregates(_ sql: String) -> Bool {
        calls(sql, anyOf: QueryShape.aggregateFunctions)
    }

    /// Whether the query aggregates into counts or sums anywhere.
    static func counts(_ sql: String) -> Bool {
        calls(sql, anyOf: ["count", "sum", "total"])
    }

    static func calls(_ sql: String, anyOf functions: some Sequence<String>) -> Bool {
        let folded = sql.lowercased().replacingOccurrences(of: " ", with: "")
        return functions.contains { folded.contains($0 + "(") }
    }
}
