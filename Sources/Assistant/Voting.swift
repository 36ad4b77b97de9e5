import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

/// Several candidates for one question, run and voted on by their results (`--samples`).
extension Assistant {
    enum VoteOutcome {
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
    func vote(messages: [ChatMessage], reading: QuestionReading, context: RetrievedContext, client: ChatClient,
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
            var record = Attempt(reply: reply, latency: ContinuousClock.now - started)
            lap("modelo", &answer)
            var problem: (String, [String])?
            let extraction = SQLExtractor.extract(from: reply.content)
            if case .sql(let written) = extraction {
                let (sql, failure, repairs) = polished(written, reading: reading, context: context)
                record.sql = sql
                record.written = written
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
                        let doubt = (on("check.copied-example") ? ruleInput(sql: sql, reading: reading, context: context)
                            .borrowedExample(sql, copyThreshold: options.copyThreshold)?.1 : nil)
                            ?? suspicious(result, sql: sql, reading: reading, context: context)?.problem
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
}
