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
        /// 8,192 tokens of context: Ollama's default (2,048 or 4,096) cuts a long prompt from its
        /// start, silently; the whole-schema prefix and two corrections need more.
        public var generation = GenerationOptions(temperature: 0, contextLength: 8_192, maxTokens: 400)
        /// Temperature of the correction tries (the first try is greedy).
        public var retryTemperature = 0.4
        /// Candidates to generate and vote on by their results (1: no voting).
        public var samples = 1
        /// Temperature of the candidates after the first (greedy) one.
        public var sampleTemperature = 0.7
        /// Retrieval on (the product); off, the prompt carries the whole schema and no examples
        /// or terms, and no verified example answers: the baseline `indaga eval --whole-schema` measures.
        public var retrieval = true
        /// Up to this size (estimated tokens, as `indaga retrieve` counts them), the prompt opens
        /// with the whole schema in the catalog's order, the same for every question of the
        /// catalog, and names the tables retrieval chose after it: a server's prompt cache then
        /// processes the schema once, not once per question. Off (0) by default: on the suite it
        /// made answers 1.6× faster at p50 and lost 6 points, on three of four databases, where the
        /// tables retrieval leaves out misled the model (docs/results, #29). `--shared-schema`.
        public var sharedSchemaBudget = 0
        /// The rules of the accuracy layer switched off by id (`indaga eval --without`).
        public var rules = RuleSwitches.allOn

        public init() {}
    }

    let connection: any SQLDatabase
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
    /// The whole schema as the prompt shows it; it depends on the catalog only.
    lazy var wholeSchemaText = ContextRenderer.schema(retriever.wholeSchemaContext(), catalog: retriever.catalog)
    lazy var wholeSchemaTokens = retriever.wholeSchemaTokens()

    public init(connection: any SQLDatabase, retriever: Retriever, encoder: TextEmbedder, client: ChatClient?,
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
        var stages = StageClock()
        func lap(_ stage: String) { stages.lap(stage, into: &answer) }

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
        context.examples.removeAll { (try? connection.checkGenerated($0.sql)) == nil }
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
        var talk = Conversation(messages: [ChatMessage(.user, generationPrompt(question, context: context, history: history))], context: context)
        lap("montar prompt")

        // What the question asks for, read once: every rule of this answer reads it.
        let reading = QuestionReading(retriever.normalizer.spellOut(question))
        var firstAttempt = 1
        if options.samples > 1 {
            let outcome = vote(messages: talk.messages, reading: reading, context: context, client: client, answer: &answer, cancellation: cancellation)
            stages.restart()  // voting recorded its own stage times
            switch outcome {
            case .answered:
                return answer
            case .failed(let message):
                answer.status = .error
                answer.message = message
                return answer
            case .noneValid(let reply, let problem, let hints):
                // Carry on correcting the greedy candidate rather than asking for it again.
                talk.messages.append(ChatMessage(.assistant, reply))
                talk.messages.append(correction(sql: answer.attempts.first?.sql ?? reply, problem: problem, hints: hints))
                talk.lastProblem = problem
                answer.status = .invalid
                firstAttempt = 2
            }
        }
        // Each try ends in a named outcome (`TryOutcome`); the outcome decides what comes next.
        for attempt in stride(from: firstAttempt, through: max(1, options.maxTries), by: 1) {
            if attempt > 1 { progress("tentativa \(attempt): \(talk.lastProblem), corrigindo…") }
            let outcome = oneTry(attempt, reading: reading, talk: &talk, answer: &answer, client: client, cancellation: cancellation, stages: &stages)
            switch outcome {
            case .serverFailed:
                return answer
            case .answered(let oddity):
                // A value or a grouping nothing asked for, kept after the model was told: it goes.
                if oddity != nil, let sql = answer.sql,
                    let unasked = withoutUnasked(answer, sql: sql, reading: reading, context: talk.context, cancellation: cancellation)
                {
                    lap("executar")
                    return unasked
                }
                if let oddity { answer.message = "atenção: \(oddity)" }
                return answer
            default:
                next(after: outcome, question: question, history: history, talk: &talk, answer: &answer, stages: &stages)
            }
        }
        if answer.status != .ok, let suspect = talk.suspect {
            answer.status = .ok
            answer.sql = suspect.sql
            answer.result = suspect.result
            answer.message = suspect.message
            if let unasked = withoutUnasked(answer, sql: suspect.sql, reading: reading, context: talk.context, cancellation: cancellation) {
                answer = unasked
            }
        } else if answer.status != .ok {
            answer.message = "não consegui responder depois de \(answer.attempts.count) tentativa(s): \(talk.lastProblem)"
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
        text.matches(of: literalPattern).map { String(text[$0.range]).lowercased() }
    }

    // Built once: a regex literal is compiled again each time its line runs.
    nonisolated(unsafe) private static let literalPattern = try! Regex(#"'[^']*'|"[^"]*"|\b\w*\d\w*\b"#)
}

public enum AssistantError: Error, Sendable, Equatable, LocalizedError {
    case missingPrompt(String)

    public var errorDescription: String? {
        switch self {
        case .missingPrompt(let path): return "falta o modelo de prompt \(path); ele vem com o indaga, na pasta prompts/"
        }
    }
}
