import Batch
import Foundation
import LLM
import Render
import Synchronization
import Testing

/// Counts what the workers do, from any thread.
final class Tally: Sendable {
    struct State {
        var inFlight = 0
        var mostInFlight = 0
        var answered: [String] = []
        var workers = 0
    }

    let state = Mutex(State())
}

@Suite("Running questions on several threads")
struct RunnerTests {
    static let questions = (1...24).map { BatchQuestion(id: "q\($0)", question: "pergunta \($0)", place: "linha \($0)") }

    @Test("every question once, at most --jobs at a time, each thread with its own worker", arguments: [1, 3])
    func everyQuestionOnce(jobs: Int) throws {
        let tally = Tally()
        let outcome = try BatchRunner.run(Self.questions, jobs: jobs, cancellation: CancellationFlag(), makeWorker: {
            tally.state.withLock { $0.workers += 1 }
            return { question in
                tally.state.withLock { $0.inFlight += 1; $0.mostInFlight = max($0.mostInFlight, $0.inFlight) }
                Thread.sleep(forTimeInterval: 0.01)
                tally.state.withLock { $0.inFlight -= 1 }
                return question.question.uppercased()
            }
        }, finished: { question, result, _ in
            #expect(result == question.question.uppercased())
            tally.state.withLock { $0.answered.append(question.id) }
        })
        let state = tally.state.withLock { $0 }
        #expect(outcome.finished == 24 && outcome.notDone == 0)
        #expect(state.answered.sorted() == Self.questions.map(\.id).sorted())
        #expect(state.workers == jobs)
        #expect(state.mostInFlight == jobs)
    }

    @Test("cancelling stops new questions; a worker's nil result is not reported")
    func cancellation() throws {
        let flag = CancellationFlag()
        let tally = Tally()
        let outcome = try BatchRunner.run(Self.questions, jobs: 2, cancellation: flag, makeWorker: {
            { question in
                if question.id == "q5" { flag.cancel() }
                Thread.sleep(forTimeInterval: 0.01)
                return flag.isCancelled ? nil : question.id
            }
        }, finished: { question, _, _ in
            tally.state.withLock { $0.answered.append(question.id) }
        })
        let answered = tally.state.withLock { $0.answered }
        #expect(!answered.contains("q5"))
        #expect(answered.count <= 5)
        #expect(outcome.finished == answered.count && outcome.notDone == 24 - answered.count)
    }

    @Test("a worker that cannot start stops the batch before any question")
    func setupFailure() {
        struct NoDatabase: Error {}
        let tally = Tally()
        #expect(throws: NoDatabase.self) {
            try BatchRunner.run(Self.questions, jobs: 3, cancellation: CancellationFlag(), makeWorker: {
                let first = tally.state.withLock { state in
                    state.workers += 1
                    return state.workers == 1
                }
                if !first { throw NoDatabase() }
                return { $0.id }
            }, finished: { question, _, _ in tally.state.withLock { $0.answered.append(question.id) } })
        }
        #expect(tally.state.withLock { $0.answered }.isEmpty)
    }
}

@Suite("Progress and summary on stderr")
struct ProgressTests {
    @Test("the bar: count, rate per second or per minute, time left")
    func bar() {
        var progress = BatchProgress(total: 50)
        #expect(progress.bar(width: 10) == "[··········] 0/50")
        progress.done = 12
        progress.elapsed = .seconds(15)
        #expect(progress.bar(width: 10) == "[██········] 12/50 · 0,8 perguntas/s · faltam 0:48")
        progress.elapsed = .seconds(6)
        #expect(progress.bar(width: 10) == "[██········] 12/50 · 2,0 perguntas/s · faltam 0:19")
        progress.total = 1_200
        progress.elapsed = .seconds(1_800)
        #expect(progress.bar(width: 10) == "[··········] 12/1.200 · 0,4 perguntas/min · faltam 49:30:00")
        progress.done = 1_200
        #expect(progress.bar(width: 10).hasPrefix("[██████████] 1.200/1.200 · "))
        #expect(!progress.bar(width: 10).contains("faltam"))
    }

    @Test("one line per question when stderr is not a terminal")
    func lines() {
        var progress = BatchProgress(total: 50)
        progress.done = 12
        #expect(progress.line(for: record(id: "q012"), took: .milliseconds(1_240)) == "12/50 q012 ok 1,2 s")
        progress.done = 13
        let failed = record(id: "q013", status: "invalid", message: "não consegui responder depois de 3 tentativa(s):\na coluna x não existe")
        #expect(progress.line(for: failed, took: .seconds(3)) == "13/50 q013 falhou: não consegui responder depois de 3 tentativa(s): a coluna x não existe")
    }

    @Test("the display writes a line per question, or redraws the bar and prints failures above it")
    func display() {
        let written = Mutex<[String]>([])
        let plain = ProgressDisplay(total: 2, terminal: false) { text in written.withLock { $0.append(text) } }
        plain.start()
        plain.finished(record(id: "a"), took: .milliseconds(5))
        plain.end()
        #expect(written.withLock { $0 } == ["1/2 a ok 5 ms\n"])
    }

    @Test("the summary: counts, times, the failed ids")
    func summary() {
        var summary = BatchSummary()
        summary.answered = 49
        summary.failed = 12
        summary.skipped = 1
        summary.failedIDs = (1...12).map { "q\($0)" }
        summary.elapsed = .seconds(75)
        summary.questionTime = .seconds(61)
        #expect(summary.lines == [
            "Pronto: 49 respondidas, 12 com falha, 1 pulada (--resume) · 75,0 s no total, média de 1,0 s por pergunta",
            "Falharam: q1, q2, q3, q4, q5, q6, q7, q8, q9, q10 e mais 2",
        ])
        summary.interrupted = true
        summary.notDone = 3
        summary.auditFailures = 2
        summary.auditProblem = "disco cheio"
        #expect(summary.lines.first?.hasPrefix("Interrompido: 49 respondidas, 12 com falha, 1 pulada (--resume), 3 não feitas · ") == true)
        #expect(summary.lines.last == "aviso: não foi possível gravar o registro de auditoria (disco cheio) (2 respostas ficaram de fora)")
    }
}
