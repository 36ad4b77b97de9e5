import Dispatch
import Foundation
import LLM
import Synchronization

/// Runs a batch's questions on `jobs` threads, each with its own worker.
///
/// A worker (an `Assistant` with its own SQLite connection) is made on the thread that uses
/// it and never leaves it: a connection's authorizer and progress handler belong to one query
/// at a time. Results are handed to `finished` one at a time, in the order they complete.
public enum BatchRunner {
    /// What happened to the questions handed in.
    public struct Outcome: Sendable, Equatable {
        /// Questions whose result went to `finished`.
        public var finished = 0
        /// Questions never started, or stopped by the cancellation before they had a result.
        public var notDone = 0
        public var elapsed: Duration = .zero

        public init(finished: Int = 0, notDone: Int = 0, elapsed: Duration = .zero) {
            self.finished = finished
            self.notDone = notDone
            self.elapsed = elapsed
        }
    }

    /// The questions a batch may ask at the same time (`--jobs`).
    public static let jobsRange = 1...64

    /// Answers `questions`, `jobs` at a time, until they are done or `cancellation` is set.
    ///
    /// - Parameters:
    ///   - makeWorker: called once on each worker thread before any question starts; returns
    ///     what answers one question there, or nil when the cancellation stopped it (the
    ///     question is then left for another run, not reported).
    ///   - finished: receives each result with the time the question took; calls never overlap.
    /// - Throws: the first error of `makeWorker`; no question runs then.
    public static func run<Result: Sendable>(
        _ questions: [BatchQuestion], jobs: Int, cancellation: CancellationFlag,
        makeWorker: @escaping @Sendable () throws -> (BatchQuestion) -> Result?,
        finished: @escaping @Sendable (BatchQuestion, Result, Duration) -> Void
    ) throws -> Outcome {
        let started = ContinuousClock.now
        let threads = max(1, min(jobs, questions.count))
        let state = Shared()
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            ready.enter()
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let work: ((BatchQuestion) -> Result?)?
                do {
                    work = try makeWorker()
                } catch {
                    work = nil
                    state.counters.withLock { if $0.setupError == nil { $0.setupError = error } }
                }
                ready.leave()
                go.wait()
                guard let work, state.counters.withLock({ $0.setupError == nil }) else { return }
                while !cancellation.isCancelled, let index = state.counters.withLock({ $0.take(below: questions.count) }) {
                    let question = questions[index]
                    let clock = ContinuousClock.now
                    let result = work(question)
                    let duration = ContinuousClock.now - clock
                    state.counters.withLock { shared in
                        guard let result else { return }
                        shared.finished += 1
                        finished(question, result, duration)
                    }
                }
            }
            // Deep enough for the pipeline's recursion (SQLite, libcurl, JSON) on a secondary thread.
            thread.stackSize = 8 << 20
            thread.start()
        }
        ready.wait()
        for _ in 0..<threads { go.signal() }
        done.wait()
        if let error = state.counters.withLock({ $0.setupError }) { throw error }
        let finishedCount = state.counters.withLock { $0.finished }
        return Outcome(finished: finishedCount, notDone: questions.count - finishedCount, elapsed: ContinuousClock.now - started)
    }

    /// What the threads share, behind one lock.
    private final class Shared: Sendable {
        struct Counters {
            var next = 0
            var finished = 0
            var setupError: (any Error)?

            mutating func take(below count: Int) -> Int? {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        let counters = Mutex(Counters())
    }
}
