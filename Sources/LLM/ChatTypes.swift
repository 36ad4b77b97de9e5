import Foundation

/// One message of a conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Any JSON value: a structured-output schema, or the model's structured answer.
public indirect enum JSONValue: Sendable, Equatable, Codable {
    case string(String), number(Double), bool(Bool), null
    case array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Generation settings; nil means the server's default. Temperature 0 by default: SQL, not prose.
public struct GenerationOptions: Sendable, Equatable {
    public var temperature: Double? = 0
    public var seed: Int?
    /// Context window in tokens (Ollama only; OpenAI-compatible servers fix it at load).
    public var contextLength: Int?
    /// Most tokens to generate.
    public var maxTokens: Int?
    public var stop: [String] = []
    /// How long Ollama keeps the model loaded afterwards ("10m", "-1").
    public var keepAlive: String?
    /// A JSON schema the answer must follow (structured output).
    public var format: JSONValue?

    public init(
        temperature: Double? = 0, seed: Int? = nil, contextLength: Int? = nil, maxTokens: Int? = nil,
        stop: [String] = [], keepAlive: String? = nil, format: JSONValue? = nil
    ) {
        self.temperature = temperature
        self.seed = seed
        self.contextLength = contextLength
        self.maxTokens = maxTokens
        self.stop = stop
        self.keepAlive = keepAlive
        self.format = format
    }
}

public struct ChatRequest: Sendable {
    public var model: String
    public var messages: [ChatMessage]
    public var options: GenerationOptions

    public init(model: String, messages: [ChatMessage], options: GenerationOptions = GenerationOptions()) {
        self.model = model
        self.messages = messages
        self.options = options
    }
}

/// A piece of a streamed answer, as it arrives.
public enum ChatDelta: Sendable, Equatable {
    case content(String)
    case thinking(String)
}

/// The whole answer, with what the server and the client measured, for the audit log and bench.
public struct ChatReply: Sendable, Equatable {
    /// The answer without any reasoning.
    public var content: String
    /// Reasoning, from a separate field or a leading `<think>…</think>` block.
    public var thinking: String
    /// "stop", "length", … as the server says.
    public var finishReason: String?
    /// Tokens of the prompt, all of them, as the server counts them.
    public var promptTokens: Int?
    /// Of those, the ones the server took from its cache instead of processing again (a prefix it
    /// saw in an earlier request), when it says; nil when it does not.
    public var cachedPromptTokens: Int?
    public var completionTokens: Int?
    /// Server-side durations (Ollama reports them; OpenAI-compatible servers usually do not).
    public var totalDuration: Duration?
    public var loadDuration: Duration?
    public var promptDuration: Duration?
    public var generationDuration: Duration?
    /// Measured here: from sending the request to the first answer byte, and to the end.
    public var timeToFirstToken: Duration?
    public var wallTime: Duration = .zero

    public init(content: String = "", thinking: String = "") {
        self.content = content
        self.thinking = thinking
    }

    /// Generated tokens per second, by the server's own timing when it gives one.
    public var tokensPerSecond: Double? {
        guard let tokens = completionTokens, tokens > 0 else { return nil }
        let seconds = (generationDuration ?? wallTime).milliseconds / 1000
        return seconds > 0 ? Double(tokens) / seconds : nil
    }
}

/// A chat-capable server: Ollama's native API or an OpenAI-compatible one. The seam tests swap.
public protocol ChatClient: Sendable {
    var endpoint: LLMEndpoint { get }
    /// The server's version, when it says.
    func version(cancellation: CancellationFlag?) throws -> String?
    /// The models the server has (full names, e.g. "qwen2.5-coder:7b").
    func models(cancellation: CancellationFlag?) throws -> [String]
    /// Sends the conversation; with `onDelta`, streams and reports each piece as it arrives.
    func chat(_ request: ChatRequest, cancellation: CancellationFlag?, onDelta: ((ChatDelta) -> Void)?) throws -> ChatReply
}

extension Duration {
    static func nanoseconds(_ value: Int) -> Duration {
        .nanoseconds(Int64(value))
    }
}
