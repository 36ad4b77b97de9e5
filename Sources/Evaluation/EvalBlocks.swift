import Assistant
import Foundation
import LLM
import Render

/// Asks one question file's questions under several configurations, a block at a time.
///
/// Each block of questions goes through every configuration in turn, so the configurations
/// always cover the same questions, even when the run stops early (Ctrl-C, or the model server
/// gone): of the block in flight, only the questions every configuration answered are kept
/// (with one configuration, all of them answered so far).
///
/// Why blocks: the model server keeps the last prompt's prefix. Asked one after another, the
/// whole-schema prompts share the schema and cost only their question; alternating the
/// configurations question by question made every prompt a cold start (some 25 s each on two
/// cores). A block is also the most an interruption throws away.
public struct EvalBlocks {
    public static let blockSize = 10

    /// What the loop needs from around it.
    public struct Hooks {
        /// Answers a question under the configuration at that position.
        public var ask: (_ configuration: Int, _ question: String) -> Answer
        /// After a model call failed: why the server no longer answers, or nil when it does.
        public var serverProblem: () -> String?
        /// One line per answer, for stderr.
        public var line: (String) -> Void
        /// The cases kept so far, per configuration, after each block (to write the report as it goes).
        public var checkpoint: ([[EvalCase]], [Duration]) -> Void

        public init(ask: @escaping (Int, String) -> Answer, serverProblem: @escaping () -> String?, line: @escaping (String) -> Void,
                    checkpoint: @escaping ([[EvalCase]], [Duration]) -> Void) {
            self.ask = ask
            self.serverProblem = serverProblem
            self.line = line
            self.checkpoint = checkpoint
        }
    }

    /// The cases per configuration, the time each configuration took, and why the run stopped
    /// early when the model server went away.
    public struct Outcome {
        public var cases: [[EvalCase]]
        public var elapsed: [Duration]
        public var serverLost: String?
    }

    let runner: EvalRunner
    let configurations: [EvalConfiguration]

    public init(runner: EvalRunner, configurations: [EvalConfiguration]) {
        self.runner = runner
        self.configurations = configurations
    }

    public func run(_ questions: [EvalQuestion], cancellation: CancellationFlag, hooks: Hooks) -> Outcome {
        let clock = ContinuousClock()
        var outcome = Outcome(cases: Array(repeating: [], count: configurations.count),
                              elapsed: Array(repeating: .zero, count: configurations.count))
        var right = [Int](repeating: 0, count: configurations.count)
        var block: [[(EvalCase, Duration)]] = []
        /// Adds the block's questions that every configuration answered.
        func keep() {
            let common = block.map(\.count).min() ?? 0
            for position in configurations.indices {
                for (result, took) in block[position].prefix(common) {
                    outcome.cases[position].append(result)
                    outcome.elapsed[position] += took
                }
            }
        }
        for start in stride(from: 0, to: questions.count, by: Self.blockSize) {
            let indices = Array(start..<min(start + Self.blockSize, questions.count))
            let golds = indices.map { runner.goldResults(questions[$0]) }
            block = Array(repeating: [], count: configurations.count)
            for position in configurations.indices {
                for (offset, index) in indices.enumerated() {
                    let question = questions[index]
                    if cancellation.isCancelled {
                        keep()
                        return outcome
                    }
                    let started = clock.now
                    var answer: Answer?
                    let result = runner.evaluate(question, gold: golds[offset]) { text in
                        let asked = hooks.ask(position, text)
                        answer = asked
                        return asked
                    }
                    // A question cut short by Ctrl-C has no verdict in any configuration.
                    if cancellation.isCancelled {
                        keep()
                        return outcome
                    }
                    // A model call failed: if the server is gone, stop rather than score every question left as unanswered.
                    if let answer, answer.status == .error, answer.source == .llm, answer.attempts.last?.sql == nil,
                        answer.attempts.last?.error != nil, let problem = hooks.serverProblem()
                    {
                        hooks.line("[\(index + 1)/\(questions.count)] \(question.id): o servidor do modelo não responde (\(problem)); parando\n")
                        keep()
                        outcome.serverLost = problem
                        return outcome
                    }
                    block[position].append((result, clock.now - started))
                    if result.outcome.isRight { right[position] += 1 }
                    hooks.line(Self.line(result, index: index, of: questions.count,
                                         label: configurations.count > 1 ? configurations[position].label : nil,
                                         right: right[position], withModel: configurations[position].model != nil))
                }
            }
            keep()
            hooks.checkpoint(outcome.cases, outcome.elapsed)
        }
        return outcome
    }

    /// "[3/40] lh-facil-03 [pipeline completo…]: errada (4,2 s) · 2 certas até aqui", with why and
    /// the query when it is not right (a long run can be read, and stopped, as it goes), and the
    /// rules that acted.
    static func line(_ result: EvalCase, index: Int, of count: Int, label: String?, right: Int, withModel: Bool) -> String {
        let seconds = BrazilianFormat.decimal(result.latencyMilliseconds / 1000, fractionDigits: 1)
        var line = "[\(index + 1)/\(count)] \(result.id)\(label.map { " [\($0)]" } ?? ""): \(result.outcome.label) (\(seconds) s) · \(right) certas até aqui\n"
        // Without a model every question is unanswered for the same reason: no need to say it each time.
        if !result.outcome.isRight, withModel {
            if let detail = result.detail { line += "    \(EvalReportText.oneLine(detail))\n" }
            if let sql = result.predictedSQL { line += "    previsto: \(EvalReportText.oneLine(sql))\n" }
        }
        if !result.rules.isEmpty { line += "    regras: \(result.rules.joined(separator: ", "))\n" }
        return line
    }
}
