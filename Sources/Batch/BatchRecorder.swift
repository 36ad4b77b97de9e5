import Foundation
import Synchronization

/// Files each finished question: appends its record to the output (or keeps it for the json
/// array) and counts it for the summary. Safe to call from any thread.
public final class BatchRecorder: Sendable {
    private struct State {
        var summary = BatchSummary()
        var kept: [(position: Int, record: BatchRecord)] = []
        var writeError: BatchError?
    }

    private let format: BatchFormat
    private let output: RecordOutput?
    private let positions: [String: Int]
    private let state = Mutex(State())

    /// - Parameters:
    ///   - output: where jsonl, csv and md records are appended; json records are kept instead.
    ///   - questions: the questions in file order, which the json array follows.
    public init(format: BatchFormat, output: RecordOutput, questions: [BatchQuestion]) {
        self.format = format
        self.output = format.appendsRecords ? output : nil
        positions = Dictionary(questions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes or keeps `record` and counts it.
    ///
    /// - Returns: false when the write failed; the error is kept in `writeError` and nothing
    ///   more is written after it.
    @discardableResult
    public func add(_ record: BatchRecord, took duration: Duration) -> Bool {
        state.withLock { state in
            guard state.writeError == nil else { return false }
            if let output {
                do throws(BatchError) {
                    try output.append(format.line(record))
                } catch {
                    state.writeError = error
                    return false
                }
            } else {
                state.kept.append((positions[record.id] ?? Int.max, record))
            }
            if record.answered {
                state.summary.answered += 1
            } else {
                state.summary.failed += 1
                state.summary.failedIDs.append(record.id)
            }
            state.summary.questionTime += duration
            return true
        }
    }

    /// Counts an answer the audit log did not take (the summary warns once, not per question).
    public func noteAuditFailure(_ reason: String) {
        state.withLock { state in
            state.summary.auditFailures += 1
            if state.summary.auditProblem == nil { state.summary.auditProblem = reason }
        }
    }

    /// The counts so far (elapsed, skipped and interruption are the caller's to fill in).
    public var summary: BatchSummary { state.withLock { $0.summary } }

    /// The json format's records, in the order of the questions file.
    public var keptRecords: [BatchRecord] {
        state.withLock { $0.kept.sorted { $0.position < $1.position }.map(\.record) }
    }

    public var writeError: BatchError? { state.withLock { $0.writeError } }
}

/// Progress on stderr: on a terminal a bar redrawn in place, with failures printed above it;
/// elsewhere one line per finished question.
public final class ProgressDisplay: Sendable {
    private let terminal: Bool
    private let write: @Sendable (String) -> Void
    private let started = ContinuousClock.now
    private let progress: Mutex<BatchProgress>

    /// Clears the terminal line the bar is on.
    static let clearLine = "\r\u{1B}[K"

    public init(total: Int, terminal: Bool, write: @escaping @Sendable (String) -> Void) {
        self.terminal = terminal
        self.write = write
        progress = Mutex(BatchProgress(total: total))
    }

    /// On a terminal, the empty bar.
    public func start() {
        guard terminal else { return }
        write(Self.clearLine + progress.withLock { $0.bar() })
    }

    public func finished(_ record: BatchRecord, took duration: Duration) {
        progress.withLock { progress in
            progress.done += 1
            progress.elapsed = ContinuousClock.now - started
            if !terminal {
                write(progress.line(for: record, took: duration) + "\n")
            } else {
                if !record.answered { write(Self.clearLine + progress.line(for: record, took: duration) + "\n") }
                write(Self.clearLine + progress.bar())
            }
        }
    }

    /// Ends the bar's line, so the summary starts on its own.
    public func end() {
        if terminal { write("\n") }
    }
}
