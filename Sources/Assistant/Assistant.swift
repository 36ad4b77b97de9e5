import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

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
    let prompts: PromptTemplates
    public var options: Options
    /// Built from the options on each use, so that switching a rule off takes effect at once.
    var validator: SQLValidator { SQLValidator(catalog: retriever.catalog, switches: options.rules) }
    var repairer: SQLRepair { SQLRepair(catalog: retriever.catalog, switches: options.rules) }
    /// Read from the database on the first question, not at start: the REPL opens at once.
    lazy var valueIndex = ValueIndex.build(connection: connection, schema: retriever.catalog.schema, metadata: retriever.catalog.metadata)

    public init(connection: Connection, retriever: Retriever, encoder: TextEmbedder, client: ChatClient?,
                prompts: PromptTemplates, options: Options = Options()) {
        self.connection = connection
        self.retriever = retriever
        self.encoder = encoder
        self.client = client
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
        // What the question asks for, read once: every rule of this answer reads it.
        let reading = QuestionReading(spelledOut)
        var lastProblem = "o modelo não respondeu"
        // Observations already made: the same one again means the model will not act on it.
        var observed: Set<RuleNote> = []
        var askedAfresh = false
        var restarted = false
        // A valid answer that looked odd: kept, with its warning, if the extra look finds nothing better.
        var suspect: (sql: String, result: QueryResult?, message: String)?
        var firstAttempt = 1
        if options.samples > 1 {
            let outcome = vote(messages: messages, reading: reading, context: context, client: client, answer: &answer, cancellation: cancellation)
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
            let (sql, failure, repairs) = polished(written, reading: reading, context: context)
            record.repairs = repairs
            record.sql = sql
            record.written = written
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
            if !askedAfresh, attempt < options.maxTries, on("check.copied-example"), let (copied, problem) = ruleInput(sql: sql, reading: reading, context: context).borrowedExample(sql, copyThreshold: options.copyThreshold) {
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
            let look = suspicious(answer.result, sql: sql, reading: reading, context: context)
            let oddity = look?.problem
            if let look, let oddity, !observed.contains(look.note), attempt < options.maxTries {
                observed.insert(look.note)
                lastProblem = oddity
                answer.attempts[answer.attempts.count - 1].observation = look.note
                suspect = (sql, answer.result, "atenção: \(oddity)")
                // The problem for the model and the user; what to do about it for the model only.
                messages.append(correction(sql: sql, problem: oddity + "; confira filtros e junções", hints: look.hints))
                continue
            }
            // A value or a grouping nothing asked for, kept after the model was told: it goes.
            if oddity != nil, let unasked = withoutUnasked(answer, sql: sql, reading: reading, context: context, cancellation: cancellation) {
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
            if let unasked = withoutUnasked(answer, sql: suspect.sql, reading: reading, context: context, cancellation: cancellation) {
                answer = unasked
            }
        } else if answer.status != .ok {
            answer.message = "não consegui responder depois de \(answer.attempts.count) tentativa(s): \(lastProblem)"
        }
        return answer
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

    func run(_ sql: String, into answer: inout Answer, cancellation: CancellationFlag?) {
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
