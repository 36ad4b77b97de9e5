import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
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
    /// Mechanical fixes made to the model's query before it ran, each with the rule that made it.
    public var repairs: [RuleNote] = []
    /// Why a query that ran got another look anyway (a year dropped, an example copied), and the rule that looked.
    public var observation: RuleNote?
    /// The rule that refused the query as invalid, when SQLite itself would have run it.
    public var refusal: String?

    /// Every rule that acted on this try, in the order they acted.
    public var rules: [String] {
        (refusal.map { [$0] } ?? []) + repairs.map(\.rule) + (observation.map { [$0.rule] } ?? [])
    }

    enum CodingKeys: String, CodingKey {
        case sql, error, repairs, observation, refusal, latencyMilliseconds = "latency_ms", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(sql, forKey: .sql)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(latency.milliseconds, forKey: .latencyMilliseconds)
        try container.encodeIfPresent(promptTokens, forKey: .promptTokens)
        try container.encodeIfPresent(completionTokens, forKey: .completionTokens)
        if !repairs.isEmpty { try container.encode(repairs, forKey: .repairs) }
        try container.encodeIfPresent(observation, forKey: .observation)
        try container.encodeIfPresent(refusal, forKey: .refusal)
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
        /// The rules of the accuracy layer switched off by id (`indaga eval --without`).
        public var rules = RuleSwitches.allOn

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
        self.validator = SQLValidator(catalog: retriever.catalog, switches: options.rules)
        self.repairer = SQLRepair(catalog: retriever.catalog, switches: options.rules)
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
            context = retrieve(searchText, typed: spoken, vector: vector)
        } else {
            context = retriever.wholeSchemaContext()
        }
        // A verified example the schema has outgrown (a column dropped) is no example: it
        // neither answers nor is shown to the model. `indaga refresh` names it.
        context.examples.removeAll { (try? connection.prepareGenerated($0.sql)) == nil }
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
        // Observations already made: the same one again means the model will not act on it.
        var observed: Set<String> = []
        var askedAfresh = false
        var restarted = false
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

            let extraction = SQLExtractor.extract(from: reply.content)
            guard case .sql(let written) = extraction else {
                let (problem, hint) = extraction.problem ?? ("a resposta não tinha uma consulta SQL", "")
                lastProblem = problem
                record.error = lastProblem
                answer.attempts.append(record)
                answer.status = .noSQL
                // A reply with no end is not sent back whole.
                let shown = String(reply.content.prefix(SQLExtractor.longestQuery))
                messages[messages.count - 1] = ChatMessage(.assistant, shown)
                messages.append(correction(sql: shown, problem: lastProblem, hints: [hint]))
                continue
            }
            let (sql, failure, repairs) = polished(written, question: spelledOut, context: context)
            record.repairs = repairs
            record.sql = sql
            // A query sent before, word for word: once a small model repeats itself, the
            // conversation has stopped helping. Asked afresh, with what was wrong, while tries last.
            if !restarted, attempt < options.maxTries, on("retry.same-query"), answer.attempts.contains(where: { $0.sql == sql }) {
                restarted = true
                record.observation = RuleNote("retry.same-query", "a mesma consulta de uma tentativa anterior; a pergunta vai de novo, com o problema dito")
                answer.attempts.append(record)
                // The problem with its hints ("escreva aaa.coluna, com uma das colunas de…").
                let said = answer.attempts.dropLast().last.flatMap { $0.error ?? $0.observation?.note } ?? lastProblem
                messages = [ChatMessage(.user, generationPrompt(question, context: context, history: history, note: said))]
                lap("montar prompt")
                continue
            }
            if let failure {
                lap("validar")
                lastProblem = failure.message
                record.error = failure.errorDescription
                record.refusal = failure.rule
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
            if !askedAfresh, attempt < options.maxTries, on("check.copied-example"), let (copied, problem) = ruleInput(sql: sql, question: spelledOut, context: context).borrowedExample(sql, question: spelledOut, in: context, copyThreshold: options.copyThreshold) {
                askedAfresh = true
                lastProblem = problem
                answer.attempts[answer.attempts.count - 1].observation = RuleNote("check.copied-example", problem)
                suspect = (sql, answer.result, "atenção: \(lastProblem)")
                context.examples.removeAll { $0.question == copied.question }
                answer.context = context
                messages = [ChatMessage(.user, generationPrompt(question, context: context, history: history))]
                lap("montar prompt")
                continue
            }
            // Suspicious rather than wrong: one more try with each new observation, then say so.
            let look = suspicious(answer.result, sql: sql, question: spelledOut, context: context)
            let oddity = look?.note
            if let look, let oddity, !observed.contains(oddity), attempt < options.maxTries {
                observed.insert(oddity)
                lastProblem = oddity
                answer.attempts[answer.attempts.count - 1].observation = look
                suspect = (sql, answer.result, "atenção: \(oddity)")
                messages.append(correction(sql: sql, problem: oddity + "; confira filtros e junções", hints: []))
                continue
            }
            // A value or a grouping nothing asked for, kept after the model was told: it goes.
            if oddity != nil, let unasked = withoutUnasked(answer, sql: sql, question: spelledOut, context: context, cancellation: cancellation) {
                lap("executar")
                return unasked
            }
            if let oddity { answer.message = "atenção: \(oddity)" }
            return answer
        }
        if answer.status != .ok, let suspect {
            answer.status = .ok
            answer.sql = suspect.sql
            answer.result = suspect.result
            answer.message = suspect.message
            if let unasked = withoutUnasked(answer, sql: suspect.sql, question: spelledOut, context: context, cancellation: cancellation) {
                answer = unasked
            }
        } else if answer.status != .ok {
            answer.message = "não consegui responder depois de \(answer.attempts.count) tentativa(s): \(lastProblem)"
        }
        return answer
    }

    /// `answer` without the conditions on values the question never names (`pedra = 'Ametista'`
    /// in a count of low grades), or without a grouping it never asks for (the whole network's
    /// grades per phase, or any grouping of a "quantos" with no "cada" or "por"), or with a
    /// threshold it says held by the group rather than row by row, run again:
    /// kept when it runs, has rows and looks right; nil otherwise.
    /// For the model's last word only: it was told, and kept them.
    func withoutUnasked(_ answer: Answer, sql: String, question: String, context: RetrievedContext,
                        cancellation: CancellationFlag?) -> Answer? {
        var text = sql
        var notes: [RuleNote] = []
        let input = ruleInput(sql: sql, question: question, context: context)
        let unnamed = on("late.unnamed-value-removed") ? input.unnamedLiterals(in: sql, question: question, context: context) : []
        for value in unnamed {
            guard let without = StrayConditions.removed(comparingWith: value, from: text) else { continue }
            text = without.sql
            notes += without.removed.map { RuleNote("late.unnamed-value-removed", "filtro \($0) tirado: a pergunta não cita esse valor") }
        }
        var grouping = on("late.unasked-grouping-removed") ? input.unaskedGrouping(text, question: question, context: context) : []
        // "Quantos…" with no "cada" or "por", still one number per group after the look that said
        // so ("sumiram da escola" counted per school): the one number asked for.
        if grouping.isEmpty, on("late.unasked-grouping-removed"), let outer = QueryShape.outerGrouping(text), !outer.having, input.reading.asksHowMany,
            !input.reading.asksPerGroup, ValueGroup.named(in: context).isEmpty
        {
            grouping = outer.columns
        }
        if !grouping.isEmpty, let ungrouped = UnaskedGrouping.removed(text, unasked: grouping) {
            text = ungrouped.sql
            notes.append(RuleNote("late.unasked-grouping-removed", ungrouped.note))
        }
        // "Em quais meses a presença ficou abaixo de 90%" held row by row before grouping: the group holds it.
        if on("late.threshold-to-having"),
            let moved = input.reading.thresholds.lazy.compactMap({ RowThresholds.movedToHaving(in: text, numbers: $0.accepted) }).first
        {
            text = moved.sql
            notes.append(RuleNote("late.threshold-to-having", moved.note))
        }
        guard !notes.isEmpty, validator.validate(text, on: connection) == nil else { return nil }
        var retried = answer
        run(text, into: &retried, cancellation: cancellation)
        guard retried.status == .ok, (retried.result?.totalRows ?? 0) > 0,
            suspicious(retried.result, sql: text, question: question, context: context) == nil
        else { return nil }
        retried.sql = text
        // The attempt that wrote the query carries the fix, as the answer shows its notes.
        if let index = retried.attempts.lastIndex(where: { $0.sql == sql }) {
            retried.attempts[index].sql = text
            retried.attempts[index].repairs += notes
        }
        return retried
    }

    /// What the rules read about `sql`: the question read once, the context, the catalog and the
    /// values the database stores.
    func ruleInput(sql: String, question: String, context: RetrievedContext) -> RuleInput {
        RuleInput(sql: sql, reading: QuestionReading(question), context: context, catalog: retriever.catalog, values: valueIndex, switches: options.rules)
    }

    /// The columns read in full that store `value` (without case or accents).
    func storedIn(_ value: String) -> [ValueLiterals.Holder] {
        valueIndex.columns(storing: value).map { ValueLiterals.Holder(table: $0.table, column: $0.column, value: $0.value) }
    }

    /// Literals of `sql` that their column never stores: what it compares matches no row.
    func literalMismatches(in sql: String) -> [ValueLiterals.Mismatch] {
        ValueLiterals.mismatches(in: sql, schema: retriever.catalog.schema, stored: valueIndex.storedValues, holders: storedIn)
    }

    /// Whether the rule `id` is switched on for this assistant.
    func on(_ id: String) -> Bool {
        options.rules.isOn(id)
    }

    /// The model's query with the slips that have one mechanical fix fixed, validated: the
    /// failure left if any, and the fixes made (each with its rule, and in pt-BR for the user).
    func polished(_ written: String, question: String, context: RetrievedContext) -> (sql: String, failure: ValidationFailure?, repairs: [RuleNote]) {
        // Period conditions of tables the query never reads: offered for each table, written for all.
        let offered = context.periodFilters.flatMap { filter in filter.conditions.map { (table: filter.table, condition: $0) } }
        let stray = on("fix.stray-period-filter") ? StrayConditions.removed(from: written, conditions: offered) : nil
        // An alias ignored, a parent table not joined, a glossary term written as a column…
        var (validated, failure, fixes) = repairer.validated(stray?.sql ?? written, by: validator, on: connection)
        // A yearly table's column read without joining it (`matriculas.situacao` in a query of
        // alunos): joined, held to the one year the question names.
        if let column = failure?.column, failure?.kind == .unknownColumn, context.periods.count == 1, let year = context.periods.first?.year,
            on("fix.yearly-child-join"), let joined = repairer.yearlyChildJoin(column, in: validated, year: year)
        {
            let again = repairer.validated(joined.sql, by: validator, on: connection)
            (validated, failure, fixes) = (again.sql, again.failure, fixes + [RuleNote("fix.yearly-child-join", joined.note)] + again.repairs)
        }
        var sql = validated
        var repairs = (stray?.removed ?? []).map { RuleNote("fix.stray-period-filter", "filtro de período de tabela que a consulta não lê tirado: \($0)") } + fixes
        guard failure == nil else { return (sql, failure, repairs) }
        // The book's rewrites, in order: each acts only when switched on and when the catalog
        // gives what it needs, and is kept only if the rewritten query still validates.
        let input = ruleInput(sql: sql, question: question, context: context)
        for rewrite in RuleBook.rewrites where on(rewrite.id) {
            guard let fixed = rewrite.apply(to: input.with(sql: sql)), fixed.sql != sql, validator.validate(fixed.sql, on: connection) == nil else { continue }
            sql = fixed.sql
            repairs += fixed.notes.map { RuleNote(rewrite.id, $0) }
        }
        return (sql, nil, repairs)
    }

    /// The first message the model gets: the template filled with the context, and the question
    /// spelled out ("qtos" as "quantos"; the whole-schema baseline reads it as typed), with `note`
    /// (what a query sent before got wrong) right under it.
    public func generationPrompt(_ question: String, context: RetrievedContext, history: [Turn] = [], note: String? = nil) -> String {
        let asked = options.retrieval ? retriever.normalizer.spellOut(question) : question
        return PromptTemplates.fill(prompts.generation, [
            "domain": ContextRenderer.domain(retriever.catalog),
            "rules": ContextRenderer.houseRules(retriever.catalog),
            "schema": ContextRenderer.schema(context, catalog: retriever.catalog),
            "values": ContextRenderer.values(context),
            "periods": ContextRenderer.periods(context),
            "glossary": ContextRenderer.glossary(context),
            "examples": ContextRenderer.examples(context),
            "conversation": ContextRenderer.conversation(history),
            "question": asked + (note.map { "\n(Uma consulta anterior para esta pergunta não serviu: \($0).)" } ?? ""),
        ])
    }

    /// What retrieval gives `question`, values named included (`indaga retrieve`).
    public func context(for question: String) -> RetrievedContext {
        guard options.retrieval else { return retriever.wholeSchemaContext() }
        let searchText = retriever.normalizer.normalize(question)
        return retrieve(searchText, typed: question, vector: encoder.embed([searchText])[0])
    }

    /// Retrieval for a normalised question, with the values it names (codes in capitals as typed).
    private func retrieve(_ searchText: String, typed: String, vector: [Float]) -> RetrievedContext {
        var retrieval = Retriever.Options()
        retrieval.values = valueIndex.links(in: searchText, typed: typed)
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
            let extraction = SQLExtractor.extract(from: reply.content)
            if case .sql(let written) = extraction {
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
                        let doubt = (on("check.copied-example") ? ruleInput(sql: sql, question: question, context: context)
                            .borrowedExample(sql, question: question, in: context, copyThreshold: options.copyThreshold)?.1 : nil)
                            ?? suspicious(result, sql: sql, question: question, context: context)?.note
                        groups.append((fingerprint, sql, result, 1, index, doubt))
                    }
                } else {
                    problem = ("a consulta falhou ao rodar", [])
                }
                lap("validar e executar", &answer)
            } else if let said = extraction.problem {
                problem = (said.message, [said.hint])
            }
            record.error = problem?.0
            answer.attempts.append(record)
            if index == 0, let problem { greedy = (String(reply.content.prefix(SQLExtractor.longestQuery)), problem.0, problem.1) }
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
