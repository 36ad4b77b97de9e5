import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import SQLCheck

/// A question asked before, for follow-ups ("e em 2023?").
public struct Turn: Sendable, Codable, Equatable {
    public let question: String
    public let sql: String

    public init(question: String, sql: String) {
        self.question = question
        self.sql = sql
    }
}

/// One try at an answer: what the model said, the SQL, and what went wrong.
public struct Attempt: Sendable, Encodable {
    public var sql: String?
    public var error: String?
    public var latency: Duration
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Mechanical fixes made to the model's query before it was checked again (`SQLRepair`).
    public var repairs: [String] = []

    enum CodingKeys: String, CodingKey {
        case sql, error, repairs, latencyMilliseconds = "latency_ms", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(sql, forKey: .sql)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(latency.milliseconds, forKey: .latencyMilliseconds)
        try container.encodeIfPresent(promptTokens, forKey: .promptTokens)
        try container.encodeIfPresent(completionTokens, forKey: .completionTokens)
        if !repairs.isEmpty { try container.encode(repairs, forKey: .repairs) }
    }
}

/// The answer to one question, or an honest account of why there is none.
public struct Answer: Sendable {
    public enum Status: String, Sendable, Encodable {
        case ok
        /// The model never produced a query.
        case noSQL = "no_sql"
        /// It produced queries, but none passed the checks.
        case invalid
        /// Something else failed: the model's server, the database.
        case error
    }

    public enum Source: String, Sendable, Encodable {
        case llm
        case verifiedExample = "verified_example"
    }

    public var question: String
    public var status: Status = .error
    public var source: Source = .llm
    public var sql: String?
    public var attempts: [Attempt] = []
    public var result: QueryResult?
    /// Why there is no answer, or what is odd about the one there is, in pt-BR.
    public var message: String?
    public var contextIDs: [String] = []
    /// What retrieval chose and why (`:explicar`).
    public var context: RetrievedContext?
    /// Time per stage, in order: encode, retrieve, prompt, llm, validate, execute.
    public var timings: [(stage: String, duration: Duration)] = []
    public var model: String?

    public init(question: String) {
        self.question = question
    }
}

/// The pipeline: verified example, or retrieve → prompt → model → extract → check → run, correcting.
public final class Assistant {
    public struct Options: Sendable {
        public var maxTries = 3
        public var timeout: Duration = .seconds(10)
        public var maxRows = 1_000
        /// Cosine at or above which a verified example's SQL answers directly (with the same literals).
        public var verifiedThreshold: Float = 0.95
        /// Below this cosine an example asks something else than the question, so writing its query
        /// back with other literals is a copy, not an answer.
        public var copyThreshold = 0.9
        public var generation = GenerationOptions(temperature: 0, maxTokens: 400)
        /// Temperature of the correction tries (the first try is greedy).
        public var retryTemperature = 0.4
        /// Candidates to generate and vote on by their results (1: no voting).
        public var samples = 1
        /// Temperature of the candidates after the first (greedy) one.
        public var sampleTemperature = 0.7
        /// Retrieval on (the product); off, the prompt carries the whole schema and no examples
        /// or terms, and no verified example answers: the baseline `indaga eval --whole-schema` measures.
        public var retrieval = true

        public init() {}
    }

    let connection: Connection
    public let retriever: Retriever
    let encoder: TextEmbedder
    let client: ChatClient?
    let validator: SQLValidator
    let repairer: SQLRepair
    let prompts: PromptTemplates
    public var options: Options
    /// Read from the database on the first question, not at start: the REPL opens at once.
    private lazy var valueIndex = ValueIndex.build(connection: connection, schema: retriever.catalog.schema, metadata: retriever.catalog.metadata)

    public init(connection: Connection, retriever: Retriever, encoder: TextEmbedder, client: ChatClient?,
                prompts: PromptTemplates, options: Options = Options()) {
        self.connection = connection
        self.retriever = retriever
        self.encoder = encoder
        self.client = client
        self.validator = SQLValidator(catalog: retriever.catalog)
        self.repairer = SQLRepair(catalog: retriever.catalog)
        self.prompts = prompts
        self.options = options
    }

    /// Answers `question`; never throws: every failure becomes a status and a message.
    public func ask(_ question: String, history: [Turn] = [], cancellation: CancellationFlag? = nil,
                    progress: (String) -> Void = { _ in }) -> Answer {
        var answer = Answer(question: question)
        answer.model = client?.endpoint.model
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ stage: String) {
            let now = clock.now
            answer.timings.append((stage, now - mark))
            mark = now
        }

        let spoken = Self.retrievalText(for: question, history: history)
        let isFollowUp = spoken != question
        var context: RetrievedContext
        if options.retrieval {
            let searchText = retriever.normalizer.normalize(spoken)
            let vector = encoder.embed([searchText])[0]
            lap("codificar")
            context = retrieve(searchText, vector: vector)
        } else {
            context = retriever.wholeSchemaContext()
        }
        answer.context = context
        answer.contextIDs = context.tables.map { "tabela:\($0.name)" } + context.examples.map { "exemplo:\($0.question)" }
        lap("recuperar")

        // A verified example, asked again, needs no model at all.
        if options.retrieval, !isFollowUp, let example = verifiedExample(for: question, nearest: context.examples.first) {
            answer.source = .verifiedExample
            answer.sql = example.sql
            run(example.sql, into: &answer, cancellation: cancellation)
            lap("executar")
            return answer
        }

        guard let client else {
            answer.status = .error
            answer.message = "nenhum modelo configurado"
            return answer
        }
        var messages = [ChatMessage(.user, generationPrompt(question, context: context, history: history))]
        lap("montar prompt")

        let spelledOut = retriever.normalizer.spellOut(question)
        var lastProblem = "o modelo não respondeu"
        var warnedOnce = false
        var askedAfresh = false
        // A valid answer that looked odd: kept, with its warning, if the extra look finds nothing better.
        var suspect: (sql: String, result: QueryResult?, message: String)?
        var firstAttempt = 1
        if options.samples > 1 {
            let outcome = vote(messages: messages, question: spelledOut, context: context, client: client, answer: &answer, cancellation: cancellation)
            mark = clock.now  // voting recorded its own stage times
            switch outcome {
            case .answered:
                return answer
            case .failed(let message):
                answer.status = .error
                answer.message = message
                return answer
            case .noneValid(let reply, let problem, let hints):
                // Carry on correcting the greedy candidate rather than asking for it again.
                messages.append(ChatMessage(.assistant, reply))
                messages.append(correction(sql: answer.attempts.first?.sql ?? reply, problem: problem, hints: hints))
                lastProblem = problem
                answer.status = .invalid
                firstAttempt = 2
            }
        }
        for attempt in stride(from: firstAttempt, through: max(1, options.maxTries), by: 1) {
            if attempt > 1 { progress("tentativa \(attempt): \(lastProblem), corrigindo…") }
            let started = clock.now
            // At temperature 0 a small model repeats its first query on every retry, hint or not;
            // retries sample a little so the correction can take.
            var generation = options.generation
            if attempt > 1 {
                generation.temperature = options.retryTemperature
                generation.seed = attempt
            }
            let reply: ChatReply
            do {
                reply = try client.chat(ChatRequest(model: client.endpoint.model, messages: messages, options: generation),
                                        cancellation: cancellation, onDelta: nil)
            } catch {
                answer.attempts.append(Attempt(sql: nil, error: error.localizedDescription, latency: clock.now - started))
                answer.status = .error
                answer.message = error.localizedDescription
                lap("modelo")
                return answer
            }
            var record = Attempt(sql: nil, error: nil, latency: clock.now - started,
                                 promptTokens: reply.promptTokens, completionTokens: reply.completionTokens)
            messages.append(ChatMessage(.assistant, reply.content))
            lap("modelo")

            guard case .sql(let written) = SQLExtractor.extract(from: reply.content) else {
                lastProblem = "a resposta não tinha uma consulta SQL"
                record.error = lastProblem
                answer.attempts.append(record)
                answer.status = .noSQL
                messages.append(correction(sql: reply.content, problem: lastProblem, hints: ["responda só com uma consulta SELECT"]))
                continue
            }
            let (sql, failure, repairs) = polished(written, question: spelledOut, context: context)
            record.repairs = repairs
            record.sql = sql
            if let failure {
                lap("validar")
                lastProblem = failure.message
                record.error = failure.errorDescription
                answer.attempts.append(record)
                answer.status = .invalid
                answer.sql = sql
                messages.append(correction(sql: sql, problem: failure.message, hints: failure.hints))
                continue
            }
            lap("validar")
            answer.attempts.append(record)
            answer.sql = sql
            run(sql, into: &answer, cancellation: cancellation)
            lap("executar")
            if answer.status != .ok {
                lastProblem = answer.message ?? "a consulta falhou"
                answer.attempts[answer.attempts.count - 1].error = lastProblem
                messages.append(correction(sql: sql, problem: lastProblem, hints: []))
                continue
            }
            // The query of a shown example that asks something else, literals swapped, or a year of an
            // example the question never names: in the dev runs, every such answer was wrong, and a
            // correction that quotes the copy gets it back. Asked again without that example, the
            // model reads the question; if that fails, this answer stays, with a warning.
            if !askedAfresh, attempt < options.maxTries, let (copied, problem) = borrowedExample(sql, question: spelledOut, in: context) {
                askedAfresh = true
                lastProblem = problem
                suspect = (sql, answer.result, "atenção: \(lastProblem)")
                context.examples.removeAll { $0.question == copied.question }
                answer.context = context
                messages = [ChatMessage(.user, generationPrompt(question, context: context, history: history))]
                lap("montar prompt")
                continue
            }
            // Suspicious rather than wrong: one more try with the observation, then say so.
            let oddity = suspicious(answer.result, sql: sql, question: spelledOut, context: context)
            if let oddity, !warnedOnce, attempt < options.maxTries {
                warnedOnce = true
                lastProblem = oddity
                suspect = (sql, answer.result, "atenção: \(oddity)")
                messages.append(correction(sql: sql, problem: oddity + "; confira filtros e junções", hints: []))
                continue
            }
            if let oddity { answer.message = "atenção: \(oddity)" }
            return answer
        }
        if answer.status != .ok, let suspect {
            answer.status = .ok
            answer.sql = suspect.sql
            answer.result = suspect.result
            answer.message = suspect.message
        } else if answer.status != .ok {
            answer.message = "não consegui responder depois de \(answer.attempts.count) tentativa(s): \(lastProblem)"
        }
        return answer
    }

    /// The model's query with the slips that have one mechanical fix fixed, validated: the
    /// failure left if any, and the fixes made (in pt-BR, for the user).
    func polished(_ written: String, question: String, context: RetrievedContext) -> (sql: String, failure: ValidationFailure?, repairs: [String]) {
        // Period conditions of tables the query never reads: offered for each table, written for all.
        let offered = context.periodFilters.flatMap { filter in filter.conditions.map { (table: filter.table, condition: $0) } }
        let stray = StrayConditions.removed(from: written, conditions: offered)
        // An alias ignored, a parent table not joined, a glossary term written as a column…
        let (validated, failure, fixes) = repairer.validated(stray?.sql ?? written, by: validator, on: connection)
        var sql = validated
        var repairs = (stray?.removed ?? []).map { "filtro de período de tabela que a consulta não lê tirado: \($0)" } + fixes
        guard failure == nil else { return (sql, failure, repairs) }
        // Each fix below is kept only if the fixed query still passes the checks.
        func adopt(_ fixed: (sql: String, notes: [String])?) {
            guard let fixed, validator.validate(fixed.sql, on: connection) == nil else { return }
            sql = fixed.sql
            repairs += fixed.notes
        }
        // An enrolment's id compared with a student's: it runs, and answers about other rows.
        adopt(repairer.joinKeysFixed(sql))
        // A class's id compared with a student's: through the table that has both keys.
        adopt(repairer.joinKeysBridged(sql))
        // The year said, filtered on one yearly table and forgotten on another joined by the student.
        if context.periods.count == 1, let year = context.periods.first?.year {
            adopt(MissingYearConditions.added(to: sql, offered: offered, year: year).map { dated in
                (dated.sql, dated.added.map { "filtro do ano acrescentado: \($0) (a pergunta fala de \(year), e essa tabela não era filtrada)" })
            })
        }
        // A school's name beside the whole network's count: grouped by, or dropped for "quantos".
        let perGroup = Self.asksPerGroup(question) || !Self.asksHowMany(question)
        adopt(BareColumns.fixed(sql, perGroup: perGroup).map { ($0.sql, [$0.note]) })
        // "O mais velho" sorted by birth date, newest first.
        adopt(repairer.ageOrderFixed(sql, question: question).map { ($0.sql, [$0.note]) })
        // The same count once per value, joined by UNION: one query, a labelled row per value.
        adopt(UnionOfValues.merged(sql).map { ($0.sql, ["a mesma consulta repetida para cada valor (UNION) virou uma só, agrupada por \($0.column)"]) })
        // "Quantas de manhã e quantas de tarde" as two copies of one count (after the UNION merge,
        // which keeps each part's name): one column stays.
        adopt(RepeatedColumns.dropped(from: sql).map { ($0.sql, [$0.note]) })
        // A LIMIT copied from an example ("os 10 alunos…") cuts an answer the question wants whole.
        if let whole = UnaskedLimit.removed(from: sql, question: question) {
            sql = whole
            repairs.append("LIMIT tirado: a pergunta não pede só os primeiros")
        }
        return (sql, nil, repairs)
    }

    /// The first message the model gets: the template filled with the context, and the question
    /// spelled out ("qtos" as "quantos"; the whole-schema baseline reads it as typed).
    public func generationPrompt(_ question: String, context: RetrievedContext, history: [Turn] = []) -> String {
        PromptTemplates.fill(prompts.generation, [
            "schema": ContextRenderer.schema(context, catalog: retriever.catalog),
            "values": ContextRenderer.values(context),
            "periods": ContextRenderer.periods(context),
            "glossary": ContextRenderer.glossary(context),
            "examples": ContextRenderer.examples(context),
            "conversation": ContextRenderer.conversation(history),
            "question": options.retrieval ? retriever.normalizer.spellOut(question) : question,
        ])
    }

    /// What retrieval gives `question`, values named included (`indaga retrieve`).
    public func context(for question: String) -> RetrievedContext {
        guard options.retrieval else { return retriever.wholeSchemaContext() }
        let searchText = retriever.normalizer.normalize(question)
        return retrieve(searchText, vector: encoder.embed([searchText])[0])
    }

    /// Retrieval for a normalised question, with the values it names.
    private func retrieve(_ searchText: String, vector: [Float]) -> RetrievedContext {
        var retrieval = Retriever.Options()
        retrieval.values = valueIndex.links(in: searchText)
        return retriever.retrieve(question: searchText, vector: vector, options: retrieval)
    }

    private enum VoteOutcome {
        case answered
        case failed(String)
        /// No candidate passed: the greedy one's reply, problem and hints, to correct.
        case noneValid(reply: String, problem: String, hints: [String])
    }

    /// Generates `samples` candidates, runs the valid ones, and answers with the result most of
    /// them agree on (ties go to the earliest candidate). Results that look odd, or that copy a
    /// shown example, win only when no other result was found: the checks that ask the model
    /// again one answer at a time choose among answers here.
    ///
    /// It records its own stage times on `answer`: a timing closure that also touched `answer`
    /// would overlap the inout access (Swift traps on that).
    private func vote(messages: [ChatMessage], question: String, context: RetrievedContext, client: ChatClient,
                      answer: inout Answer, cancellation: CancellationFlag?) -> VoteOutcome {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ stage: String, _ answer: inout Answer) {
            let now = clock.now
            answer.timings.append((stage, now - mark))
            mark = now
        }
        var groups: [(fingerprint: String, sql: String, result: QueryResult, votes: Int, first: Int, doubt: String?)] = []
        var greedy: (reply: String, problem: String, hints: [String])?
        for index in 0..<options.samples {
            var generation = options.generation
            if index > 0 {
                generation.temperature = options.sampleTemperature
                generation.seed = index
            }
            let started = ContinuousClock.now
            let reply: ChatReply
            do {
                reply = try client.chat(ChatRequest(model: client.endpoint.model, messages: messages, options: generation),
                                        cancellation: cancellation, onDelta: nil)
            } catch {
                if groups.isEmpty && index == 0 { return .failed(error.localizedDescription) }
                break
            }
            var record = Attempt(sql: nil, error: nil, latency: ContinuousClock.now - started,
                                 promptTokens: reply.promptTokens, completionTokens: reply.completionTokens)
            lap("modelo", &answer)
            var problem: (String, [String])?
            if case .sql(let written) = SQLExtractor.extract(from: reply.content) {
                let (sql, failure, repairs) = polished(written, question: question, context: context)
                record.sql = sql
                record.repairs = repairs
                if let failure {
                    problem = (failure.message, failure.hints)
                } else if let result = try? connection.runGenerated(sql, timeout: options.timeout, maxRows: options.maxRows, cancelled: {
                    cancellation?.isCancelled ?? false
                }) {
                    let fingerprint = Self.fingerprint(result)
                    if let position = groups.firstIndex(where: { $0.fingerprint == fingerprint }) {
                        groups[position].votes += 1
                    } else {
                        let doubt = borrowedExample(sql, question: question, in: context)?.1
                            ?? suspicious(result, sql: sql, question: question, context: context)
                        groups.append((fingerprint, sql, result, 1, index, doubt))
                    }
                } else {
                    problem = ("a consulta falhou ao rodar", [])
                }
                lap("validar e executar", &answer)
            } else {
                problem = ("a resposta não tinha uma consulta SQL", ["responda só com uma consulta SELECT"])
            }
            record.error = problem?.0
            answer.attempts.append(record)
            if index == 0, let problem { greedy = (reply.content, problem.0, problem.1) }
        }
        let trusted = groups.filter { $0.doubt == nil }
        guard let winner = (trusted.isEmpty ? groups : trusted).max(by: { ($0.votes, -$0.first) < ($1.votes, -$1.first) }) else {
            return .noneValid(reply: greedy?.reply ?? "", problem: greedy?.problem ?? "nenhum candidato válido", hints: greedy?.hints ?? [])
        }
        answer.sql = winner.sql
        answer.result = winner.result
        answer.status = .ok
        if let doubt = winner.doubt {
            answer.message = "atenção: \(doubt)"
        } else if groups.count > 1 {
            answer.message = "\(winner.votes) de \(options.samples) candidatos concordaram nesta resposta"
        }
        return .answered
    }

    /// A result's identity for voting: column count and the rows, order ignored, reals rounded.
    static func fingerprint(_ result: QueryResult) -> String {
        let rows = result.rows.map { row in
            row.map { value -> String in
                if case .real(let number) = value { return String(format: "%.6g", number) }
                return value.canonicalLiteral
            }.joined(separator: "|")
        }.sorted()
        return "\(result.columns.count)#\(result.totalRows)#" + rows.joined(separator: "\n")
    }

    private func correction(sql: String, problem: String, hints: [String]) -> ChatMessage {
        ChatMessage(.user, PromptTemplates.fill(prompts.correction, [
            "sql": sql, "problem": problem, "hints": hints.isEmpty ? "" : "Dica: " + hints.joined(separator: "; ") + "\n",
        ]))
    }

    private func run(_ sql: String, into answer: inout Answer, cancellation: CancellationFlag?) {
        do {
            answer.result = try connection.runGenerated(sql, timeout: options.timeout, maxRows: options.maxRows) {
                cancellation?.isCancelled ?? false
            }
            answer.status = .ok
            answer.message = nil
        } catch {
            answer.status = .error
            answer.message = error.localizedDescription
        }
    }

    /// No rows, a single NULL, a list where the question asks how many, a year the question names
    /// and the query never writes or the other way round, the same SELECT repeated per value with
    /// UNION, a value the question names left out, or far more rows than any table the query reads
    /// (a join that multiplies): usually a wrong filter, join or shape, worth one more look.
    func suspicious(_ result: QueryResult?, sql: String, question: String = "", context: RetrievedContext? = nil) -> String? {
        guard let result else { return nil }
        if result.totalRows == 0 { return "a consulta não devolveu nenhuma linha" }
        if result.totalRows == 1, result.rows.first?.allSatisfy(\.isNull) == true { return "a consulta devolveu só um valor vazio (NULL)" }
        if result.totalRows > 1, Self.asksHowMany(question), !Self.counts(sql) {
            return "a pergunta pede quantos, mas a consulta lista \(result.totalRows) linhas sem contar nada; use count(*)"
        }
        // A year the question names and the query never writes: a filter was dropped.
        let years = PeriodFilters.periods(in: question).map { String($0.year) }
        if let missing = years.first(where: { !sql.contains($0) }) {
            return "a pergunta fala de \(missing), mas a consulta não usa esse ano; filtre por ele"
        }
        // A year the question never names ("nota 10" read as October 2024).
        if let extra = Self.unnamedYears(in: sql, question: question, terms: context?.terms ?? []).first {
            return "a consulta filtra \(extra), um ano que a pergunta não cita; tire esse filtro, ou use o ano que ela pede"
        }
        // A value the question never names ("menos de 5 em matemática" counted among 'Ametista' only).
        if let context, let extra = unnamedLiterals(in: sql, question: question, context: context).first {
            return "a consulta filtra '\(extra)', valor que a pergunta não cita; tire esse filtro, ou use o valor que ela pede"
        }
        // A month the question never names ("em 2024" answered for October 2024).
        if let month = Self.unnamedMonths(in: sql, question: question).first {
            return "a consulta filtra só o mês \(month), mas a pergunta não cita mês; use o período inteiro que ela pede"
        }
        // "Quantos de manhã e quantos de tarde" answered with one number, or the first value only.
        let grouping = QueryShape.outerGrouping(sql)
        let groups = context.map(ValueGroup.named) ?? []
        if Self.aggregates(sql), let group = groups.first(where: { !(grouping?.columns.contains($0.column.lowercased()) ?? false) }) {
            let listed = group.values.map { "'\($0)'" }.joined(separator: " e ")
            return "a pergunta cita \(listed) (\(group.table).\(group.column)), mas a consulta não agrupa por \(group.column); "
                + "para um número de cada, use GROUP BY \(group.table).\(group.column), uma linha por valor"
        }
        // "Quantos…" with no "cada" or "por": one number, where a copied example gave one per school.
        if let grouping, !grouping.having, result.totalRows > 1, groups.isEmpty, Self.asksHowMany(question), !Self.asksPerGroup(question) {
            return "a pergunta pede um número só, mas a consulta dá um por grupo (GROUP BY \(grouping.columns.joined(separator: ", "))); "
                + "tire o GROUP BY, a menos que a pergunta peça um número de cada"
        }
        // Grouped by something the question never mentions ("a nota da rede toda" per school and
        // phase): the answer is split in a way nobody asked for, most likely after an example.
        if let context, let column = unaskedGrouping(sql, question: question, context: context).first {
            return "a consulta agrupa por \(column), que a pergunta não cita; tire \(column) do GROUP BY e do SELECT, a menos que a pergunta peça um resultado por \(column)"
        }
        // The same SELECT once per value, joined by UNION: a result with no column saying which
        // group each row is (or one column per group), where GROUP BY gives a row per group.
        if let parts = QueryShape.unionOfOneQuery(sql) {
            return "a consulta repete a mesma SELECT \(parts) vezes com UNION, mudando só um valor; escreva uma só, com GROUP BY pela coluna desse valor, uma linha por grupo"
        }
        // A value the question names, of a table the query reads, never compared with: "acessos"
        // said, and every kind of interaction counted.
        let read = Retriever.tables(in: sql)
        // Grouping by the value's column answers for it too, unless the query keeps one other
        // value only ("manhã comparado com a tarde" grouped by turno, WHERE turno = 'tarde').
        let values = context?.values ?? []
        if let dropped = values.first(where: { link in
            let grouped = grouping?.columns.contains(link.column.lowercased()) ?? false
            let sibling = values.contains { $0.table == link.table && $0.column == link.column && $0.value != link.value && Self.writes($0, in: sql) }
            return read.contains(link.table) && !Self.writes(link, in: sql) && (!grouped || sibling)
        }) {
            return "a pergunta cita '\(dropped.value)' (\(dropped.table).\(dropped.column)), mas a consulta não filtra por esse valor"
        }
        // A column the question names word for word ("nota de inglês": nota_ingles) left unread.
        if let context, let (table, column) = Self.namedColumns(in: question, context: context).first(where: { !Self.reads($0.column, in: sql) }) {
            return "a pergunta fala de \(column.replacingOccurrences(of: "_", with: " ")) (\(table).\(column)), mas a consulta não usa essa coluna"
        }
        // A glossary condition the question says in so many words ("evasões": situacao =
        // 'evadida') that the query never writes: the thing counted is not the one asked about.
        if let context, let term = context.terms.first(where: { Self.drops($0, sql: sql, question: question, grouping: grouping?.columns ?? []) }) {
            return "a pergunta fala de \(term.term) (\(term.sql)), mas a consulta não usa essa condição"
        }
        let largest = read.compactMap { retriever.catalog.schema.table(named: $0)?.rowCount }.max() ?? 0
        if largest > 0, result.totalRows > 2 * largest {
            return "a consulta devolveu \(result.totalRows) linhas, mais que o dobro da maior tabela usada (\(largest)): a junção multiplicou as linhas"
        }
        return nil
    }

    /// Columns the outer query groups by that the question mentions in no way: not by the
    /// column's name or synonyms, nor by its table's, nor by a value of it. Only names that are
    /// a column of a table the query reads (an alias or expression is left alone).
    func unaskedGrouping(_ sql: String, question: String, context: RetrievedContext) -> [String] {
        guard let grouping = QueryShape.outerGrouping(sql) else { return [] }
        let asked = Set(PortugueseTerms.terms(question))
        let read = Retriever.tables(in: sql).compactMap { retriever.catalog.schema.table(named: $0) }
        let valued = Set(context.values.map { $0.column.lowercased() })
        return grouping.columns.filter { column in
            let owners = read.filter { $0.column(named: column) != nil }
            guard !owners.isEmpty, !valued.contains(column) else { return false }
            return !owners.contains { table in
                let described = retriever.catalog.metadata.table(named: table.name)
                let columnWords = described?.columns.first { $0.name.caseInsensitiveCompare(column) == .orderedSame }?.synonyms ?? []
                let words = [column, table.name] + (described?.synonyms ?? []) + columnWords
                return !asked.isDisjoint(with: PortugueseTerms.terms(words.joined(separator: " ")))
            }
        }
    }

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
            if let lender = context.examples.first(where: { Self.years(in: $0.sql).contains(year) }) {
                return (lender, "a consulta usa \(year), ano do exemplo \"\(lender.question)\" que a pergunta não cita")
            }
        }
        return nil
    }

    /// Years written in `sql` that `question` does not ask for: not one it names or one between
    /// them, not the first day or month of the year after one (a range's end, '2025-01-01'), and
    /// not one a shown term's definition says ("ano em andamento").
    static func unnamedYears(in sql: String, question: String, terms: [RetrievedContext.Term]) -> [String] {
        let named = (PeriodFilters.periods(in: question).map(\.year) + years(in: question).compactMap { Int($0) })
        var text = sql
        for next in Set(named.map { $0 + 1 }) {
            text = text.replacingOccurrences(of: "'\(next)-01-01'", with: "").replacingOccurrences(of: "'\(next)-01'", with: "")
        }
        let allowed = Set((named.isEmpty ? [] : Array(named.min()!...named.max()!)).map(String.init) + terms.flatMap { years(in: $0.sql) })
        var seen: Set<String> = []
        return years(in: text).filter { !allowed.contains($0) && seen.insert($0).inserted }
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
        guard spoken == term.term || spoken.contains(" ") || questionWords.contains(PortugueseTerms.fold(spoken)) else { return false }
        let values = term.sql.matches(of: #/'([^']+)'/#).map { PortugueseTerms.fold(String($0.1)) }
        guard !values.isEmpty else { return false }
        let folded = PortugueseTerms.fold(sql)
        let columns = term.sql.matches(of: #/[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)/#).map { $0.1.lowercased() }
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
    /// Dates, numbers, patterns and one- or two-letter codes are left alone. `'Topázio'` in a
    /// count of students with low grades came from an example, and so did its answer.
    func unnamedLiterals(in sql: String, question: String, context: RetrievedContext) -> [String] {
        let asked = Set(PortugueseTerms.terms(question))
        // A value of a column the question names by the column's name or synonyms ("largaram":
        // situacao, whose synonyms say "largou") is the model reading the question.
        let namedColumnValues = Set(retriever.catalog.metadata.tables.flatMap { table in
            table.columns.filter { column in
                !column.values.isEmpty && !asked.isDisjoint(with: PortugueseTerms.terms(([column.name] + column.synonyms).joined(separator: " ")))
            }.flatMap { $0.values.keys.map(PortugueseTerms.fold) }
        })
        let foldedQuestion = PortugueseTerms.fold(question)
        let linked = Set(context.values.map { PortugueseTerms.fold($0.value) })
        let defined = PortugueseTerms.fold((context.terms.map(\.sql) + context.examples.map(\.sql)).joined(separator: " "))
        var seen: Set<String> = []
        return sql.matches(of: #/'([^']*)'/#).compactMap { match -> String? in
            let literal = String(match.1)
            let bare = PortugueseTerms.fold(literal.trimmingCharacters(in: CharacterSet(charactersIn: "% ")))
            guard bare.count > 2, !bare.contains(where: \.isNumber), !bare.contains("%"),
                !linked.contains(bare), !namedColumnValues.contains(bare), !defined.contains("'\(bare)'"), !foldedQuestion.contains(bare),
                !Set(PortugueseTerms.terms(bare)).isSubset(of: asked), seen.insert(literal).inserted
            else { return nil }
            return literal
        }
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

    /// Whether the question asks for one number per group: "por escola", "em cada mês", "separando".
    static func asksPerGroup(_ question: String) -> Bool {
        let words = Set(PortugueseTerms.words(question))
        return !words.isDisjoint(with: ["por", "cada", "separando", "separado", "separados", "conforme", "distribuicao", "entre", "ranking", "segundo"])
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

    /// What retrieval searches with: the question, plus the previous one when this is a
    /// follow-up ("e em 2023?", "só da turma 5B") that names no tables of its own.
    static func retrievalText(for question: String, history: [Turn]) -> String {
        guard let previous = history.last else { return question }
        let words = question.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let opensFollowUp = ["e", "só", "so", "agora", "apenas", "mas", "então", "entao", "e quanto", "mesmo"].contains { opener in
            question.lowercased().hasPrefix(opener + " ")
        }
        return opensFollowUp || words.count <= 3 ? previous.question + " " + question : question
    }

    /// The verified example this question repeats, if any: close in meaning and with the same literals.
    func verifiedExample(for question: String, nearest: RetrievedContext.Example?) -> VerifiedExample? {
        guard let best = nearest, Float(best.similarity) >= options.verifiedThreshold,
            Self.literals(in: question) == Self.literals(in: best.question)
        else { return nil }
        return retriever.catalog.metadata.examples.first { $0.question == best.question }
    }

    /// Numbers, codes with digits and quoted text: what embeddings blur ("2023" vs "2024").
    static func literals(in text: String) -> [String] {
        let pattern = try! Regex(#"'[^']*'|"[^"]*"|\b\w*\d\w*\b"#)
        return text.matches(of: pattern).map { String(text[$0.range]).lowercased() }
    }
}

public enum AssistantError: Error, Sendable, Equatable, LocalizedError {
    case missingPrompt(String)

    public var errorDescription: String? {
        switch self {
        case .missingPrompt(let path): return "falta o modelo de prompt \(path); ele vem com o indaga, na pasta prompts/"
        }
    }
}
