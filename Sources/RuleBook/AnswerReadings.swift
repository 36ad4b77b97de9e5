import Catalog
import Database
import Foundation
import Retrieval
import SQLCheck

/// How a query and the question it answers are read against each other by the checks: what the
/// query groups, filters, counts and negates that the question does or does not say.
extension RuleInput {
    /// Columns the outer query groups by that the question mentions in no way: not by the
    /// column's name or synonyms, nor by its table's, nor by a value of it. A column that says
    /// when (`mes`, `ano_letivo`) is asked for by its own words or a period word ("por mês",
    /// "mensal", "cada ano") or by two years named, never by its table's ("a frequência do 6A"
    /// is no frequency per month). Only names that are a column of a table the query reads, or
    /// a function of one (`substr(mes, 1, 4)`); an alias is left alone.
    public func unaskedGrouping(_ sql: String) -> [String] {
        guard let grouping = QueryShape.outerGrouping(sql) else { return [] }
        let asked = Set(PortugueseTerms.terms(reading.text))
        let schema = catalog.schema
        let read = Retriever.tables(in: sql).compactMap { schema.table(named: $0) }
        let valued = Set(context.values.map { $0.column.lowercased() })
        let yearsNamed = Set(reading.periods.map(\.year)).count
        return grouping.columns.filter { column in
            let owners = read.filter { $0.column(named: column) != nil }
            guard !owners.isEmpty, !valued.contains(column) else { return false }
            return !owners.contains { table in
                let described = catalog.metadata.table(named: table.name)
                let columnWords = described?.columns.first { $0.name.caseInsensitiveCompare(column) == .orderedSame }?.synonyms ?? []
                let isYear = schema.yearColumns(of: table).contains { $0.caseInsensitiveCompare(column) == .orderedSame }
                let isDate = schema.dateColumns(of: table).contains { $0.caseInsensitiveCompare(column) == .orderedSame }
                if isYear, yearsNamed >= 2 { return true }
                if PortugueseTerms.saysGlued(column, in: reading.text) { return true }
                let words = isYear || isDate
                    ? [column] + columnWords + (isYear ? QuestionWords.year : []) + (isDate ? QuestionWords.month + QuestionWords.year : [])
                    : [column, table.name] + (described?.synonyms ?? []) + columnWords
                return !asked.isDisjoint(with: PortugueseTerms.terms(words.joined(separator: " ")))
            }
        }
    }

    /// The shown example whose query `sql` repeats, literals aside, when that example is not a
    /// rewording of the question (its cosine is below `copyThreshold`). A query with no literals
    /// at all ("SELECT nome FROM disciplinas") has nothing to get wrong by copying: it is the
    /// model's reading that the question asks the same, as "as matérias do currículo" does.
    public func copiedExample(_ sql: String, in context: RetrievedContext, copyThreshold: Double) -> RetrievedContext.Example? {
        let shape = QueryShape.of(sql)
        guard QueryShape.hasLiterals(shape) else { return nil }
        return context.examples.first { $0.similarity < copyThreshold && QueryShape.of($0.sql) == shape }
    }

    /// The shown example `sql` was taken from rather than written for `question`, and why: its
    /// query with other literals, or a year of its query that the question never names.
    public func borrowedExample(_ sql: String, copyThreshold: Double) -> (RetrievedContext.Example, String)? {
        if let copied = copiedExample(sql, in: context, copyThreshold: copyThreshold) {
            return (copied, "a consulta repete a do exemplo \"\(copied.question)\", que pergunta outra coisa")
        }
        for month in Self.unnamedMonths(in: sql, reading: reading) {
            let number = "-" + month.suffix(2)
            if let lender = context.examples.first(where: { Self.months(in: $0.sql).contains { $0.hasSuffix(number) } }) {
                return (lender, "a consulta filtra o mês \(month), como o exemplo \"\(lender.question)\", e a pergunta não cita mês")
            }
        }
        for year in Self.unnamedYears(in: sql, reading: reading, terms: context.terms) {
            if let lender = context.examples.first(where: { SQLLexer.years(inQuery: $0.sql).contains { $0.year == year } }) {
                return (lender, "a consulta usa \(year), ano do exemplo \"\(lender.question)\" que a pergunta não cita")
            }
        }
        return nil
    }

    /// Years written in `sql` that `question` does not ask for: not one it names or one between
    /// them, not the first day or month of the year after one (a range's end, '2025-01-01'), and
    /// not one a shown term's definition says ("ano em andamento").
    public static func unnamedYears(in sql: String, reading: QuestionReading, terms: [RetrievedContext.Term]) -> [String] {
        // "No ano anterior" names the year before the one said.
        let question = reading.text
        let named = reading.periods.map(\.year) + question.matches(of: RuleInput.yearNumber).compactMap { Int(question[$0.range]) } + reading.relativeYears
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
        PortugueseTerms.identifiers(sql.replacing(RuleInput.quotedText, with: "''")).contains(column.lowercased())
    }

    /// Months (`2024-10`) that `sql` compares dates with when `question` names no month and
    /// does not speak of months at all; January and December, where a year's range starts and
    /// ends, are no sign of one month.
    static func unnamedMonths(in sql: String, reading: QuestionReading) -> [String] {
        let words = Set(PortugueseTerms.words(reading.text))
        guard reading.periods.allSatisfy({ $0.month == nil }),
            words.isDisjoint(with: PeriodFilters.months.keys), words.isDisjoint(with: ["mes", "meses", "mensal", "mensais", "mensalmente"])
        else { return [] }
        var seen: Set<String> = []
        return months(in: sql).filter { !$0.hasSuffix("-01") && !$0.hasSuffix("-12") && seen.insert($0).inserted }
    }

    /// The year-months ISO dates and months in quotes start with ('2024-10-01' → 2024-10).
    static func months(in sql: String) -> [String] {
        sql.matches(of: RuleInput.monthLiteral).map { String($0.1) }
    }

    /// Quoted words `sql` compares with that nothing asked for: not in the question (as words
    /// or their stems), not a value the question was linked to, not in a shown glossary term or
    /// example (those are the model's reading of the question, right or wrong).
    /// Only values a person listed in the catalog are judged; dates, numbers and patterns are
    /// left alone. `'Ametista'` in a count of students with low grades came from the column's
    /// listing of values.
    public func unnamedLiterals(in sql: String) -> [String] {
        let question = reading.text
        let asked = Set(PortugueseTerms.terms(question))
        // A value of a column the question names by the column's name or a synonym, said whole
        // ("largaram": situacao, whose synonyms say "largou"), is the model reading the question.
        // One word of a longer synonym is not enough: "inde" is no "faixa do INDE" (pedra).
        // A synonym that stems like its table's name ("alunas" of alunos.genero) is said only word
        // for word: "alunos" says the table, not a gender.
        let questionWords = Set(PortugueseTerms.words(question))
        let namedColumnValues = Set(catalog.metadata.tables.flatMap { table in
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
        let judged = Set(catalog.metadata.tables.flatMap { table in
            table.columns.filter { $0.origin == .person }.flatMap { $0.values.keys.map(PortugueseTerms.fold) }
        })
        let foldedQuestion = PortugueseTerms.fold(question)
        // A value a glossary term stands for, the term said in any inflection ("deixaram de
        // entregar" for "deixou de entregar": entregas.status = 'nao_entregue'), even when
        // retrieval left the term out of the context.
        let saidByTerms = PortugueseTerms.fold(catalog.metadata.glossary.filter { term in
            ([term.term] + term.synonyms).contains { phrase in
                let stems = PortugueseTerms.terms(phrase)
                return !stems.isEmpty && Set(stems).isSubset(of: asked)
            }
        }.map(\.sql).joined(separator: " "))
        let linked = Set(context.values.map { PortugueseTerms.fold($0.value) })
        let defined = PortugueseTerms.fold((context.terms.map(\.sql) + context.examples.map(\.sql)).joined(separator: " "))
        var seen: Set<String> = []
        return Self.comparedLiterals(in: sql).compactMap { literal -> String? in
            let bare = PortugueseTerms.fold(literal.trimmingCharacters(in: CharacterSet(charactersIn: "% ")))
            // A code ('F') is said as a word of its own, a longer value anywhere in the question.
            let coded = bare.count <= 2
            guard judged.contains(bare), !bare.contains(where: \.isNumber), !bare.contains("%"),
                !linked.contains(bare), !namedColumnValues.contains(bare), !defined.contains("'\(bare)'"), !saidByTerms.contains("'\(bare)'"),
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
        for match in sql.matches(of: RuleInput.comparedText) {
            found.append((match.range.lowerBound, String(match.1)))
        }
        for list in sql.matches(of: RuleInput.inList) {
            for item in list.1.matches(of: RuleInput.listItem) { found.append((item.range.lowerBound, String(item.1))) }
        }
        return found.sorted { $0.position < $1.position }.map(\.text)
    }

    /// "Quantos alunos…" answered by a lone `count(*)` over rows of which one student has many
    /// (deliveries, months, or a join that repeats them): the same query counting the distinct
    /// students runs too, and when it gives fewer, says both numbers. Nil otherwise.
    func rowsCountedForEntities(_ sql: String, result: QueryResult, run: (String) -> QueryResult?) -> Finding? {
        let schema = catalog.schema
        let references = SQLRepair.tableReferences(in: sql)
        let reads = { (table: Schema.Table) in references.contains { $0.table.caseInsensitiveCompare(table.name) == .orderedSame } }
        // Of the tables the noun names ("voos": flights, and planes if a synonym says so), the one
        // the query reads: its own rows may be what is counted.
        guard reading.asksHowMany, result.totalRows == 1, result.columns.count == 1, QueryShape.outerGrouping(sql) == nil,
            let noun = reading.countedNoun, case let named = schema.tables.filter({ speaks(of: $0.name, question: noun) }),
            let entity = named.first(where: reads) ?? named.first,
            entity.primaryKey.count == 1, let star = sql.firstMatch(of: RuleInput.countStar),
            case .integer(let total)? = result.rows.first?.first
        else { return nil }
        // The entity's own key when the query reads it, else a column that points at it.
        var key: String?
        if let own = references.first(where: { $0.table.caseInsensitiveCompare(entity.name) == .orderedSame }) {
            key = own.sqlQualifier + "." + sqlName(entity.primaryKey[0])
        } else {
            for reference in references {
                guard let table = schema.table(named: reference.table),
                    let pointer = table.foreignKeys.first(where: { $0.columns.count == 1 && $0.referencedTable.caseInsensitiveCompare(entity.name) == .orderedSame })
                else { continue }
                key = reference.sqlQualifier + "." + sqlName(pointer.columns[0])
                break
            }
        }
        guard let key else { return nil }
        let distinct = sql[..<star.1.startIndex] + "count(DISTINCT \(key))" + sql[star.1.endIndex...]
        guard let counted = run(String(distinct)),
            case .integer(let entities)? = counted.rows.first?.first, entities < total
        else { return nil }
        return Finding("a pergunta conta \(noun), mas count(*) conta \(total) linhas, e um mesmo \(entity.name) aparece em várias (são \(entities) diferentes)",
                       hints: ["use count(DISTINCT \(key))"])
    }

    /// What "quantas entregas" counts, where the query counts the distinct values of another
    /// table's key instead (`count(DISTINCT aluno_id)` from entregas): the noun, the table it
    /// names and the key as written; nil when the query counts what the question names.
    func countedKeyInstead(_ sql: String) -> (noun: String, table: String, column: String)? {
        guard let noun = reading.countedNoun,
            let counted = sql.firstMatch(of: RuleInput.countDistinct),
            let table = Retriever.tables(in: sql).first(where: { speaks(of: $0, question: noun) })
        else { return nil }
        let key = String(counted.2).lowercased()
        // The key of another table: aluno_id counts students, whatever table it is read from.
        guard let target = catalog.schema.table(named: table)?.foreignKeys.first(where: { $0.columns.first?.lowercased() == key })?.referencedTable,
            target.caseInsensitiveCompare(table) != .orderedSame, !speaks(of: target, question: noun)
        else { return nil }
        return (noun, table, String(counted.1))
    }

    /// The question's first negation and the words from it on ("nao acessaram a plataforma"),
    /// unless it belongs to a term the question says ("atividades não entregues"), whose own
    /// condition is checked elsewhere.
    static func negation(in question: String, terms: [RetrievedContext.Term]) -> ArraySlice<String>? {
        let words = PortugueseTerms.words(question)
        guard let index = words.firstIndex(where: QuestionWords.negations.contains),
            !terms.compactMap(\.spoken).contains(where: { PortugueseTerms.words($0).contains(words[index]) })
        else { return nil }
        return words[index...]
    }

    /// Whether `sql` negates other than by an inequality: NOT, = 0, < 1, IS NULL, EXCEPT.
    static func negatesOutright(_ sql: String) -> Bool {
        sql.firstMatch(of: RuleInput.negation) != nil
    }

    /// The question's negation and the word after it ("nao acessaram") when the query has no
    /// negating form at all (NOT, <>, !=, = 0, < 1, IS NULL, EXCEPT, a value such as 'nao_entregue').
    static func unnegated(_ question: String, sql: String, terms: [RetrievedContext.Term]) -> String? {
        guard let negated = negation(in: question, terms: terms), !negatesOutright(sql),
            sql.firstMatch(of: RuleInput.inequality) == nil
        else { return nil }
        return negated.prefix(2).joined(separator: " ")
    }

    /// The thresholds the question says ("menos de 5", "acima de 90%", "4 ou mais") whose number
    /// `sql` never writes: as a number (5, 5.0), or as its hundredth (0.9 for "90%", and for any
    /// number above 1, which may be a percentage said without the sign). Years are left to the
    /// checks of periods.
    static func unwrittenThresholds(in reading: QuestionReading, sql: String) -> [(said: String, number: String)] {
        let written = writtenNumbers(in: sql)
        return reading.thresholds.filter { !$0.accepted.contains(where: written.contains) }.map { ($0.said, $0.number) }
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

    /// The first synonym of `table.column` in the metadata whose every term the question says,
    /// in any order ("data da evasão" in "a data da primeira evasão"); nil when none is said.
    func spokenSynonym(of column: String, in table: String, question: String) -> String? {
        let asked = Set(PortugueseTerms.terms(question))
        let synonyms = catalog.metadata.table(named: table)?.column(named: column)?.synonyms ?? []
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

    /// Whether a query keeps one row per group on its own: a window function, or a subquery
    /// (a correlated max, a per-group extreme joined back).
    static func picksPerGroup(_ sql: String) -> Bool {
        let lower = sql.lowercased()
        return lower.firstMatch(of: RuleInput.windowCall) != nil || lower.firstMatch(of: RuleInput.subquerySelect) != nil
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
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension RuleInput {
    nonisolated(unsafe) private static let yearNumber = #/\b(19|20)\d\d\b/#
    nonisolated(unsafe) private static let quotedText = #/'[^']*'/#
    nonisolated(unsafe) private static let monthLiteral = #/'((?:19|20)\d\d-(?:0[1-9]|1[0-2]))/#
    nonisolated(unsafe) private static let comparedText = #/(?i)(?:=|<>|!=|\blike)\s*'([^']*)'/#
    nonisolated(unsafe) private static let inList = #/(?i)\bin\s*\(([^()]*)\)/#
    nonisolated(unsafe) private static let listItem = #/'([^']*)'/#
    nonisolated(unsafe) private static let countStar = #/(?i)^\s*select\s+(count\s*\(\s*\*\s*\))/#
    nonisolated(unsafe) private static let countDistinct = #/(?i)^\s*select\s+count\s*\(\s*distinct\s+((?:[A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*))\s*\)/#
    nonisolated(unsafe) private static let negation = #/(?i)\bnot\b|=\s*0(?![0-9.])|<\s*1(?![0-9.])|\bis\s+null\b|\bexcept\b/#
    nonisolated(unsafe) private static let inequality = #/(?i)<>|!=|'n[aã]o_/#
    nonisolated(unsafe) private static let windowCall = #/\bover\s*\(/#
    nonisolated(unsafe) private static let subquerySelect = #/\(\s*select\b/#
}
