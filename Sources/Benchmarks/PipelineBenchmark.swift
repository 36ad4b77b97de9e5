import Assistant
import Catalog
import Foundation
import LLM

/// A model that answers at once with the SQL of the verified example matching the question.
struct InstantModel: ChatClient {
    let endpoint = LLMEndpoint(baseURL: "http://instantaneo", api: .ollama, model: "instantaneo")
    let answers: [String: String]

    func version(cancellation: CancellationFlag?) throws -> String? { "0" }
    func models(cancellation: CancellationFlag?) throws -> [String] { [endpoint.model] }

    func chat(_ request: ChatRequest, cancellation: CancellationFlag?, onDelta: ((ChatDelta) -> Void)?) throws -> ChatReply {
        let prompt = request.messages.first?.content ?? ""
        let question = prompt.components(separatedBy: "Pergunta: ").last?.components(separatedBy: "\n").first ?? ""
        return ChatReply(content: "```sql\n\(answers[question] ?? "SELECT 1")\n```")
    }
}

/// Per-stage time of the pipeline without the model's own time.
public struct PipelineMeasurement: Sendable, Codable {
    /// One stage's time over all the questions.
    public struct Stage: Sendable, Codable {
        public var stage: String
        @Milliseconds public var p50: Duration
        @Milliseconds public var p95: Duration
    }

    public var questions = 0
    public var stages: [Stage] = []
    @Milliseconds public var totalP50: Duration = .zero
    @Milliseconds public var totalP95: Duration = .zero
    /// The same without running the query: the pipeline's own overhead.
    @Milliseconds public var overheadP50: Duration = .zero
    @Milliseconds public var overheadP95: Duration = .zero
}

/// `indaga bench pipeline --json`: snake_case keys, times in milliseconds.
extension PipelineMeasurement {
    enum CodingKeys: String, CodingKey {
        case questions, stages
        case totalP50 = "total_p50_ms", totalP95 = "total_p95_ms", overheadP50 = "overhead_p50_ms", overheadP95 = "overhead_p95_ms"
    }
}

extension PipelineMeasurement.Stage {
    enum CodingKeys: String, CodingKey {
        case stage, p50 = "p50_ms", p95 = "p95_ms"
    }
}

public enum PipelineBenchmark {
    /// Asks every verified example through the whole pipeline with the instant model, `rounds` times.
    ///
    /// - Parameter make: builds the assistant around the given model.
    /// - Parameter render: the rendering step, timed as its own stage.
    public static func measure(
        examples: [VerifiedExample], rounds: Int, make: (ChatClient) -> Assistant, render: (Answer) -> Void
    ) -> PipelineMeasurement {
        let model = InstantModel(answers: Dictionary(examples.map { ($0.question, $0.sql) }, uniquingKeysWith: { first, _ in first }))
        let assistant = make(model)
        assistant.options.verifiedThreshold = 2  // always through the model path
        var perStage: [String: [Duration]] = [:]
        var order: [String] = []
        var totals: [Duration] = []
        var overheads: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<max(1, rounds) {
            for example in examples {
                let answer = assistant.ask(example.question)
                let renderStart = clock.now
                render(answer)
                var timings = answer.timings
                timings.append(("renderizar", clock.now - renderStart))
                var total = Duration.zero
                var seen: [String: Duration] = [:]
                for (stage, duration) in timings {
                    seen[stage, default: .zero] += duration
                    total += duration
                    if !order.contains(stage) { order.append(stage) }
                }
                for (stage, duration) in seen { perStage[stage, default: []].append(duration) }
                totals.append(total)
                overheads.append(total - (seen["executar"] ?? .zero))
            }
        }
        var result = PipelineMeasurement()
        result.questions = examples.count * max(1, rounds)
        result.stages = order.map { PipelineMeasurement.Stage(stage: $0, p50: percentile(perStage[$0] ?? [], 0.5), p95: percentile(perStage[$0] ?? [], 0.95)) }
        result.totalP50 = percentile(totals, 0.5)
        result.totalP95 = percentile(totals, 0.95)
        result.overheadP50 = percentile(overheads, 0.5)
        result.overheadP95 = percentile(overheads, 0.95)
        return result
    }
}
