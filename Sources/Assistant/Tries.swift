import Database
import Foundation
import LLM
import Retrieval
import RuleBook
import SQLCheck

/// The tries of one answer as a small state machine: each try ends in one named outcome, and
/// the outcome alone decides what the model hears next (`Assistant.next`).
enum TryOutcome {
    /// The reply had no query; `shown` is the reply as it stays in the conversation.
    case noQuery(problem: String, hint: String, shown: String)
    /// A query sent before, word for word: the question goes again, afresh, with what was wrong.
    case repeated(said: String)
    /// Refused before running: corrected with the failure's hints.
    case refused(sql: String, failure: ValidationFailure)
    /// Ran and failed (an error, the time limit).
    case failed(sql: String, message: String)
    /// Ran, but is a shown example's query written back: asked again without that example.
    case copied(example: String, problem: String)
    /// Ran, but a check saw something new in its answer: corrected with what it saw.
    case odd(sql: String, observation: Observation)
    /// Ran and is the answer, with what a check still saw in it, if anything.
    case answered(oddity: String?)
    /// The model server failed: the answer says so, and no try follows.
    case serverFailed
}

/// The time of each stage of an answer, lap by lap.
struct StageClock {
    private let clock = ContinuousClock()
    private var mark: ContinuousClock.Instant

    init() {
        mark = clock.now
    }

    /// Records the time since the last lap as `stage`'s.
    mutating func lap(_ stage: String, into answer: inout Answer) {
        let now = clock.now
        answer.timings.append((stage, now - mark))
        mark = now
    }

    /// Starts the next lap now: what came before recorded its own times.
    mutating func restart() {
        mark = clock.now
    }
}

/// What one answer's conversation carries from try to try.
struct Conversation {
    var messages: [ChatMessage]
    var context: RetrievedContext
    var lastProblem = "o modelo não respondeu"
    /// The last observation as the model heard it, with its hints, and the try it was about:
    /// said again if the model then repeats that try's query.
    var toldModel: (attempt: Int, text: String)?
    /// Observations already made: the same one again means the model will not act on it.
    var observed: Set<RuleNote> = []
    var askedAfresh = false
    var restarted = false
    /// A valid answer that looked odd: kept, with its warning, if the tries after it find nothing better.
    var suspect: (sql: String, result: QueryResult?, message: String)?
}

extension Assistant {
    /// One call to the model and what became of its query, recorded in `answer`.
    func oneTry(_ attempt: Int, reading: QuestionReading, talk: inout Conversation, answer: inout Answer, client: ChatClient,
                cancellation: CancellationFlag?, stages: inout StageClock) -> TryOutcome {
        func lap(_ stage: String) { stages.lap(stage, into: &answer) }
        let clock = ContinuousClock()
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
            reply = try client.chat(ChatRequest(model: client.endpoint.model, messages: talk.messages, options: generation),
                                    cancellation: cancellation, onDelta: nil)
        } catch {
            answer.attempts.append(Attempt(sql: nil, error: error.localizedDescription, latency: clock.now - started))
            answer.status = .error
            answer.message = error.localizedDescription
            lap("modelo")
            return .serverFailed
        }
        var record = Attempt(reply: reply, latency: clock.now - started)
        talk.messages.append(ChatMessage(.assistant, reply.content))
        lap("modelo")

        let extraction = SQLExtractor.extract(from: reply.content)
        guard case .sql(let written) = extraction else {
            let (problem, hint) = extraction.problem ?? ("a resposta não tinha uma consulta SQL", "")
            record.error = problem
            answer.attempts.append(record)
            answer.status = .noSQL
            // A reply with no end is not sent back whole.
            return .noQuery(problem: problem, hint: hint, shown: String(reply.content.prefix(SQLExtractor.longestQuery)))
        }
        let context = talk.context
        let (sql, failure, repairs) = polished(written, reading: reading, context: context)
        record.repairs = repairs
        record.sql = sql
        record.written = written
        // Once a small model repeats itself, the conversation has stopped helping.
        if !talk.restarted, attempt < options.maxTries, on("retry.same-query"), answer.attempts.contains(where: { $0.sql == sql }) {
            talk.restarted = true
            record.observation = RuleNote("retry.same-query", "a mesma consulta de uma tentativa anterior; a pergunta vai de novo, com o problema dito")
            answer.attempts.append(record)
            // The problem with its hints ("escreva aaa.coluna, com uma das colunas de…").
            let previousIndex = answer.attempts.count - 2
            let previous = answer.attempts.indices.contains(previousIndex) ? answer.attempts[previousIndex] : nil
            let told = talk.toldModel.flatMap { $0.attempt == previousIndex ? $0.text : nil }
            let said = previous?.error ?? told ?? previous?.observation?.note ?? talk.lastProblem
            lap("validar")
            return .repeated(said: said)
        }
        if let failure {
            lap("validar")
            record.error = failure.errorDescription
            record.refusal = failure.rule
            answer.attempts.append(record)
            answer.status = .invalid
            answer.sql = sql
            return .refused(sql: sql, failure: failure)
        }
        lap("validar")
        answer.attempts.append(record)
        answer.sql = sql
        run(sql, into: &answer, cancellation: cancellation)
        lap("executar")
        if answer.status != .ok {
            let message = answer.message ?? "a consulta falhou"
            answer.attempts[answer.attempts.count - 1].error = message
            return .failed(sql: sql, message: message)
        }
        // The answer's checks (a copied example, the checks that read the result) are their own
        // stage: they run queries of their own, and are no part of the model's time or the prompt's.
        defer { lap("conferir") }
        // The query of a shown example that asks something else, literals swapped, or a year of an
        // example the question never names: in the dev runs, every such answer was wrong, and a
        // correction that quotes the copy gets it back. Asked again without that example, the
        // model reads the question; if that fails, this answer stays, with a warning.
        if !talk.askedAfresh, attempt < options.maxTries, on("check.copied-example"),
            let (copied, problem) = ruleInput(sql: sql, reading: reading, context: context).borrowedExample(sql, copyThreshold: options.copyThreshold)
        {
            talk.askedAfresh = true
            answer.attempts[answer.attempts.count - 1].observation = RuleNote("check.copied-example", problem)
            talk.suspect = (sql, answer.result, "atenção: \(problem)")
            return .copied(example: copied.question, problem: problem)
        }
        // Suspicious rather than wrong: one more try with each new observation, then say so.
        let look = suspicious(answer.result, sql: sql, reading: reading, context: context)
        if let look, !talk.observed.contains(look.note), attempt < options.maxTries {
            talk.observed.insert(look.note)
            answer.attempts[answer.attempts.count - 1].observation = look.note
            talk.suspect = (sql, answer.result, "atenção: \(look.problem)")
            return .odd(sql: sql, observation: look)
        }
        return .answered(oddity: look?.problem)
    }

    /// What the model hears after a try that did not end the answer.
    func next(after outcome: TryOutcome, question: String, history: [Turn], talk: inout Conversation, answer: inout Answer, stages: inout StageClock) {
        func lap(_ stage: String) { stages.lap(stage, into: &answer) }
        switch outcome {
        case .noQuery(let problem, let hint, let shown):
            talk.lastProblem = problem
            talk.messages[talk.messages.count - 1] = ChatMessage(.assistant, shown)
            talk.messages.append(correction(sql: shown, problem: problem, hints: [hint]))
        case .repeated(let said):
            talk.messages = [ChatMessage(.user, generationPrompt(question, context: talk.context, history: history, note: said))]
            lap("montar prompt")
        case .refused(let sql, let failure):
            talk.lastProblem = failure.message
            talk.messages.append(correction(sql: sql, problem: failure.message, hints: failure.hints))
        case .failed(let sql, let message):
            talk.lastProblem = message
            talk.messages.append(correction(sql: sql, problem: message, hints: []))
        case .copied(let example, let problem):
            talk.lastProblem = problem
            talk.context.examples.removeAll { $0.question == example }
            answer.context = talk.context
            talk.messages = [ChatMessage(.user, generationPrompt(question, context: talk.context, history: history))]
            lap("montar prompt")
        case .odd(let sql, let observation):
            talk.lastProblem = observation.problem
            // The model hears the problem with what to do about it, in one line, as the runs
            // measured it; the user's warning says only the problem.
            talk.toldModel = (answer.attempts.count - 1, observation.toldModel)
            talk.messages.append(correction(sql: sql, problem: observation.toldModel + "; confira filtros e junções", hints: []))
        case .answered, .serverFailed:
            break
        }
    }
}
