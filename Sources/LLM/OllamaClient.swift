import Foundation

/// Ollama's native API: /api/version, /api/tags, /api/chat (NDJSON stream or one object).
public struct OllamaClient: ChatClient {
    public let endpoint: LLMEndpoint
    let connection: ServerConnection

    public init(endpoint: LLMEndpoint, transport: HTTPTransport = HTTPTransport(), retry: RetryPolicy = RetryPolicy(), timeouts: LLMTimeouts = LLMTimeouts()) {
        self.endpoint = endpoint
        connection = ServerConnection(endpoint: endpoint, transport: transport, retry: retry, timeouts: timeouts)
    }

    public func version(cancellation: CancellationFlag? = nil) throws -> String? {
        struct Version: Decodable { let version: String }
        return try connection.decode(Version.self, from: connection.get("/api/version", cancellation: cancellation)).version
    }

    public func models(cancellation: CancellationFlag? = nil) throws -> [String] {
        struct Tags: Decodable {
            struct Model: Decodable { let name: String?; let model: String? }
            let models: [Model]?
        }
        return try connection.decode(Tags.self, from: connection.get("/api/tags", cancellation: cancellation)).models?.compactMap { $0.name ?? $0.model } ?? []
    }

    public func chat(_ request: ChatRequest, cancellation: CancellationFlag? = nil, onDelta: ((ChatDelta) -> Void)? = nil) throws -> ChatReply {
        let streaming = onDelta != nil
        let body = try JSONEncoder().encode(WireRequest(request, stream: streaming))
        return try connection.chat(
            "/api/chat", body: body, model: request.model, streaming: streaming,
            reader: ChunkReader(builder: ReplyBuilder(onDelta: onDelta), endpoint: endpoint),
            cancellation: cancellation, listModels: { try models(cancellation: cancellation) })
    }

    // MARK: - Wire format

    private struct WireRequest: Encodable {
        struct Options: Encodable {
            let temperature: Double?
            let seed: Int?
            let num_ctx: Int?
            let num_predict: Int?
            let stop: [String]?
        }

        let model: String
        let messages: [ChatMessage]
        let stream: Bool
        let options: Options
        let keep_alive: String?
        let format: JSONValue?

        init(_ request: ChatRequest, stream: Bool) {
            model = request.model
            messages = request.messages
            self.stream = stream
            let o = request.options
            options = Options(temperature: o.temperature, seed: o.seed, num_ctx: o.contextLength, num_predict: o.maxTokens, stop: o.stop.isEmpty ? nil : o.stop)
            keep_alive = o.keepAlive
            format = o.format
        }
    }

    /// One NDJSON line, or the single non-streamed object. Metrics are omitted when zero.
    struct Chunk: Decodable {
        struct Message: Decodable { let content: String?; let thinking: String? }
        let message: Message?
        let done: Bool?
        let done_reason: String?
        let total_duration: Int?
        let load_duration: Int?
        let prompt_eval_count: Int?
        /// Of `prompt_eval_count`, the tokens read from the cache (Ollama 0.30 on); older servers
        /// count only the processed ones and say nothing of the cache.
        let prompt_eval_cached_count: Int?
        let prompt_eval_duration: Int?
        let eval_count: Int?
        let eval_duration: Int?
        let error: String?
    }

    /// Reads NDJSON chunks into a reply; the non-streamed answer is one such chunk.
    struct ChunkReader: ChatStreamReader {
        var builder: ReplyBuilder
        let endpoint: LLMEndpoint

        mutating func consume(whole: Data) throws {
            try consume(line: whole)
        }

        mutating func consume(line: Data) throws {
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x0A }) else { return }
            let chunk: Chunk
            do {
                chunk = try JSONDecoder().decode(Chunk.self, from: line)
            } catch {
                throw LLMError.invalidResponse("linha que não é JSON: \(String(decoding: line.prefix(120), as: UTF8.self))")
            }
            if let error = chunk.error {
                // An error after the stream started: the status was already 200.
                throw LLMError.server(status: 200, message: error, endpoint: endpoint)
            }
            builder.addThinking(chunk.message?.thinking ?? "")
            builder.addContent(chunk.message?.content ?? "")
            if chunk.done == true {
                builder.setFinishReason(chunk.done_reason)
                builder.setUsage(prompt: chunk.prompt_eval_count, cached: chunk.prompt_eval_cached_count, completion: chunk.eval_count)
                builder.setServerTimings(
                    total: chunk.total_duration.map { .nanoseconds($0) }, load: chunk.load_duration.map { .nanoseconds($0) },
                    prompt: chunk.prompt_eval_duration.map { .nanoseconds($0) }, generation: chunk.eval_duration.map { .nanoseconds($0) }
                )
                builder.end()
            }
        }
    }
}
