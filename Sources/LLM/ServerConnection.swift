import Foundation

/// What both clients do the same way: GET JSON with retries, turn error statuses
/// into typed errors, decode bodies.
struct ServerConnection: Sendable {
    let endpoint: LLMEndpoint
    let transport: HTTPTransport
    let retry: RetryPolicy
    let timeouts: LLMTimeouts

    /// Headers every request carries (JSON, and the bearer token when one is configured).
    var headers: [String] {
        var headers = ["Content-Type: application/json", "Accept: application/json, application/x-ndjson, text/event-stream"]
        if let key = endpoint.apiKey { headers.append("Authorization: Bearer \(key)") }
        return headers
    }

    func get(_ path: String, cancellation: CancellationFlag?) throws -> Data {
        var request = HTTPRequest(method: .get, url: endpoint.baseURL + path, headers: headers)
        request.connectTimeout = timeouts.connect
        request.firstByteTimeout = timeouts.quickAnswer
        request.idleTimeout = timeouts.quickAnswer
        request.totalTimeout = timeouts.quickAnswer * 2
        request.maxBodyBytes = timeouts.maxReplyBytes
        do {
            return try retry.run(cancellation: cancellation, delivered: { false }) {
                let response = try transport.send(request, cancellation: cancellation)
                try check(response, model: nil, listModels: { [] })
                return response.body
            }
        } catch {
            throw LLMError.from(error, endpoint: endpoint)
        }
    }

    /// Turns a non-2xx answer into a typed error; a 404 naming the model lists the models there are.
    func check(_ response: HTTPResponse, model: String?, listModels: () throws -> [String]) throws {
        guard !(200..<300).contains(response.status) else { return }
        let message = Self.errorMessage(in: response.body)
        if response.status == 404, let model, message.contains("not found") || message.contains("does not exist") {
            throw LLMError.modelNotFound(model: model, available: (try? listModels()) ?? [], endpoint: endpoint)
        }
        throw LLMError.server(status: response.status, message: message, endpoint: endpoint)
    }

    /// The message of `{"error": "…"}` (Ollama) or `{"error": {"message": "…"}}` (OpenAI, llama.cpp).
    static func errorMessage(in body: Data) -> String {
        struct Flat: Decodable { let error: String }
        struct Nested: Decodable {
            struct Detail: Decodable { let message: String }
            let error: Detail
        }
        if let flat = try? JSONDecoder().decode(Flat.self, from: body) { return flat.error }
        if let nested = try? JSONDecoder().decode(Nested.self, from: body) { return nested.error.message }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(sem mensagem)" : text
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw LLMError.invalidResponse(String(decoding: data.prefix(120), as: UTF8.self))
        }
    }

    /// One chat request through a protocol's reader: POST, feed the stream (or the whole
    /// body), insist on a finished answer, and stamp the wall time.
    func chat<Reader: ChatStreamReader>(
        _ path: String, body: Data, model: String, streaming: Bool, reader initial: Reader,
        cancellation: CancellationFlag?, listModels: () throws -> [String]
    ) throws -> ChatReply {
        let started = initial.builder.started
        var reader = initial
        var lines = 0
        let response = try postChat(
            path, body: body, model: model, cancellation: cancellation,
            delivered: { reader.builder.deliveredAnything }, partial: { reader.builder.reply.content },
            beforeAttempt: { reader.builder.reset(); lines = 0 },
            onLine: streaming ? { line in lines += 1; try reader.consume(line: line) } : nil,
            listModels: listModels
        )
        if !streaming {
            guard !response.body.isEmpty else { throw LLMError.invalidResponse("resposta vazia (nenhum byte)") }
            try reader.consume(whole: response.body)
        }
        // The transfer ended cleanly (a broken one is an HTTPError above): the server sent
        // nothing, or something that is not a finished answer; the connection did not drop.
        guard reader.builder.finished else {
            if streaming && lines == 0 && response.body.isEmpty { throw LLMError.invalidResponse("resposta vazia (nenhum byte)") }
            throw LLMError.invalidResponse("a resposta terminou sem o sinal de fim do protocolo (done); veio: "
                + String(reader.builder.reply.content.prefix(80)))
        }
        return reader.builder.finish(wallTime: ContinuousClock.now - started)
    }

    /// POSTs a chat body, streaming lines to `onLine` when given; maps transport errors.
    ///
    /// - Parameter delivered: whether part of the answer was handed on (then no retry,
    ///   and a broken connection is an interrupted answer).
    func postChat(
        _ path: String, body: Data, model: String, cancellation: CancellationFlag?, delivered: () -> Bool,
        partial: () -> String, beforeAttempt: () -> Void, onLine: ((Data) throws -> Void)?, listModels: () throws -> [String]
    ) throws -> HTTPResponse {
        var request = HTTPRequest(method: .post, url: endpoint.baseURL + path, headers: headers, body: body)
        request.connectTimeout = timeouts.connect
        request.firstByteTimeout = min(timeouts.firstToken, timeouts.total)
        request.idleTimeout = timeouts.idle
        request.totalTimeout = timeouts.total
        request.maxBodyBytes = timeouts.maxReplyBytes
        do {
            return try retry.run(cancellation: cancellation, delivered: delivered) {
                beforeAttempt()
                let response = try transport.send(request, cancellation: cancellation, onLine: onLine)
                try check(response, model: model, listModels: listModels)
                return response
            }
        } catch let error as HTTPError {
            if case .interrupted = error, delivered() {
                throw LLMError.interrupted(endpoint, partial: partial())
            }
            throw LLMError.from(error, endpoint: endpoint)
        }
    }
}

/// How long to wait for the server at each phase.
public struct LLMTimeouts: Sendable, Equatable {
    /// Opening the connection: a local server answers at once, so a few seconds.
    public var connect: Duration = .seconds(5)
    /// Version and model list: small answers.
    public var quickAnswer: Duration = .seconds(15)
    /// Until a chat answer starts: loading a model can take minutes.
    public var firstToken: Duration = .seconds(300)
    /// Silence in the middle of an answer.
    public var idle: Duration = .seconds(120)
    /// One chat answer from start to end, however steadily it trickles: loading the model
    /// and a long answer fit well inside it.
    public var total: Duration = .seconds(300)
    /// Bytes one answer may take on the wire; a 400-token answer is a few tens of KB.
    public var maxReplyBytes = 8 << 20

    public init(connect: Duration = .seconds(5), quickAnswer: Duration = .seconds(15), firstToken: Duration = .seconds(300), idle: Duration = .seconds(120),
                total: Duration = .seconds(300), maxReplyBytes: Int = 8 << 20) {
        self.connect = connect
        self.quickAnswer = quickAnswer
        self.firstToken = firstToken
        self.idle = idle
        self.total = total
        self.maxReplyBytes = maxReplyBytes
    }

    /// Whether a server is there and what it has, asked in a second or three: a check before
    /// the work (the REPL's warning, the model's choice, an engine loading), never the work.
    public static let probe = LLMTimeouts(connect: .seconds(1), quickAnswer: .seconds(3))
}

/// Turns one protocol's wire format into a reply: streamed lines, or one whole body.
protocol ChatStreamReader {
    var builder: ReplyBuilder { get set }
    mutating func consume(line: Data) throws
    mutating func consume(whole: Data) throws
}
