import Foundation

/// OpenAI-compatible servers (llama.cpp's server, vLLM, LM Studio, Ollama's /v1):
/// /v1/models and /v1/chat/completions, as one JSON object or server-sent events.
public struct OpenAIClient: ChatClient {
    public let endpoint: LLMEndpoint
    let connection: ServerConnection

    public init(endpoint: LLMEndpoint, transport: HTTPTransport = HTTPTransport(), retry: RetryPolicy = RetryPolicy(), timeouts: LLMTimeouts = LLMTimeouts()) {
        self.endpoint = endpoint
        connection = ServerConnection(endpoint: endpoint, transport: transport, retry: retry, timeouts: timeouts)
    }

    /// The OpenAI API has no version endpoint.
    public func version(cancellation: CancellationFlag? = nil) throws -> String? {
        nil
    }

    public func models(cancellation: CancellationFlag? = nil) throws -> [String] {
        struct List: Decodable {
            struct Model: Decodable { let id: String }
            let data: [Model]?  // Ollama sends null when nothing is pulled
        }
        return try connection.decode(List.self, from: connection.get("/v1/models", cancellation: cancellation)).data?.map(\.id) ?? []
    }

    public func chat(_ request: ChatRequest, cancellation: CancellationFlag? = nil, onDelta: ((ChatDelta) -> Void)? = nil) throws -> ChatReply {
        let streaming = onDelta != nil
        let body = try JSONEncoder().encode(WireRequest(request, stream: streaming))
        return try connection.chat(
            "/v1/chat/completions", body: body, model: request.model, streaming: streaming,
            reader: EventReader(builder: ReplyBuilder(onDelta: onDelta), endpoint: endpoint),
            cancellation: cancellation, listModels: { try models(cancellation: cancellation) })
    }

    // MARK: - Wire format

    private struct WireRequest: Encodable {
        struct StreamOptions: Encodable { let include_usage = true }
        struct ResponseFormat: Encodable {
            struct Schema: Encodable { let name = "resposta"; let schema: JSONValue }
            let type = "json_schema"
            let json_schema: Schema
        }

        let model: String
        let messages: [ChatMessage]
        let stream: Bool
        let stream_options: StreamOptions?
        let temperature: Double?
        let seed: Int?
        let max_tokens: Int?
        let stop: [String]?
        let response_format: ResponseFormat?

        init(_ request: ChatRequest, stream: Bool) {
            model = request.model
            messages = request.messages
            self.stream = stream
            stream_options = stream ? StreamOptions() : nil
            let o = request.options
            temperature = o.temperature
            seed = o.seed
            max_tokens = o.maxTokens
            stop = o.stop.isEmpty ? nil : o.stop
            response_format = o.format.map { ResponseFormat(json_schema: .init(schema: $0)) }
        }
    }

    /// A completion or a streamed chunk; reasoning under any of the names servers use.
    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                let content: String?
                let reasoning: String?
                let reasoning_content: String?
            }
            let message: Message?
            let delta: Message?
            let finish_reason: String?
        }
        struct Usage: Decodable {
            struct PromptDetails: Decodable { let cached_tokens: Int? }
            let prompt_tokens: Int?
            let completion_tokens: Int?
            let prompt_tokens_details: PromptDetails?
        }
        /// llama.cpp's own figures: `cache_n` prompt tokens reused, `prompt_n` processed.
        struct Timings: Decodable { let cache_n: Int? }
        struct ErrorDetail: Decodable { let message: String }
        let choices: [Choice]?
        let usage: Usage?
        let timings: Timings?
        /// An error sent as an event after the stream started.
        let error: ErrorDetail?
    }

    /// Reads server-sent events, or one completion object, into a reply.
    struct EventReader: ChatStreamReader {
        var builder: ReplyBuilder
        let endpoint: LLMEndpoint

        /// One line of the event stream: "data: {…}", "data: [DONE]", blank separators, comments.
        mutating func consume(line eventLine: Data) throws {
            var line = String(decoding: eventLine, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.hasPrefix("data:") else { return }  // blank lines, ": comments", "event:" lines
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if payload == "[DONE]" {
                builder.end()
                return
            }
            guard let chunk = try? JSONDecoder().decode(Completion.self, from: Data(payload.utf8)) else {
                throw LLMError.invalidResponse("evento que não é JSON: \(payload.prefix(120))")
            }
            if let error = chunk.error {
                throw LLMError.server(status: 200, message: error.message, endpoint: endpoint)
            }
            absorb(chunk, streamed: true)
        }

        mutating func consume(whole body: Data) throws {
            guard let completion = try? JSONDecoder().decode(Completion.self, from: body) else {
                throw LLMError.invalidResponse(String(decoding: body.prefix(120), as: UTF8.self))
            }
            absorb(completion, streamed: false)
            builder.end()
        }

        private mutating func absorb(_ chunk: Completion, streamed: Bool) {
            builder.setUsage(prompt: chunk.usage?.prompt_tokens, cached: chunk.usage?.prompt_tokens_details?.cached_tokens ?? chunk.timings?.cache_n,
                             completion: chunk.usage?.completion_tokens)
            guard let choice = chunk.choices?.first else { return }
            let message = streamed ? choice.delta : choice.message
            builder.addThinking(message?.reasoning ?? message?.reasoning_content ?? "")
            builder.addContent(message?.content ?? "")
            builder.setFinishReason(choice.finish_reason)
        }
    }
}
