import Foundation
import LLM
import TestSupport
import Testing

@Suite("Ollama client against a fake server on loopback")
struct OllamaClientTests {
    func client(_ server: FakeHTTPServer, retry: RetryPolicy = RetryPolicy(firstDelay: .milliseconds(20)), timeouts: LLMTimeouts = LLMTimeouts()) -> OllamaClient {
        OllamaClient(endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: OllamaWire.model), retry: retry, timeouts: timeouts)
    }

    func request(_ text: String = "Quantos alunos evadiram em 2023?", options: GenerationOptions = GenerationOptions()) -> ChatRequest {
        ChatRequest(model: OllamaWire.model, messages: [ChatMessage(.system, "Você escreve SQL."), ChatMessage(.user, text)], options: options)
    }

    @Test("a streamed answer arrives piece by piece, with the final chunk's counts and durations")
    func streaming() throws {
        let server = try FakeHTTPServer { request, connection in
            OllamaWire.stream(["SELECT", " count(*)", " FROM alunos", ";"], on: connection)
        }
        var pieces: [String] = []
        let options = GenerationOptions(seed: 42, contextLength: 8192, maxTokens: 512, stop: ["\n\n\n"], keepAlive: "10m",
                                        format: .object(["type": .string("object")]))
        let reply = try client(server).chat(request(options: options)) { delta in
            if case .content(let text) = delta { pieces.append(text) }
        }
        #expect(pieces == ["SELECT", " count(*)", " FROM alunos", ";"])
        #expect(reply.content == "SELECT count(*) FROM alunos;")
        #expect(reply.finishReason == "stop")
        #expect(reply.promptTokens == 26 && reply.completionTokens == 282)
        #expect(reply.generationDuration == .nanoseconds(4_535_599_000))
        #expect(reply.loadDuration == nil)
        #expect(abs((reply.tokensPerSecond ?? 0) - 282 / 4.535599) < 0.01)

        let sent = try #require(server.requests.first?.json)
        #expect(server.requests.first?.path == "/api/chat")
        #expect(sent["model"] as? String == OllamaWire.model)
        #expect(sent["stream"] as? Bool == true)
        #expect(sent["keep_alive"] as? String == "10m")
        #expect((sent["messages"] as? [[String: String]])?.last == ["role": "user", "content": "Quantos alunos evadiram em 2023?"])
        let sentOptions = try #require(sent["options"] as? [String: Any])
        #expect(sentOptions["temperature"] as? Double == 0)
        #expect(sentOptions["seed"] as? Int == 42)
        #expect(sentOptions["num_ctx"] as? Int == 8192)
        #expect(sentOptions["num_predict"] as? Int == 512)
        #expect(sentOptions["stop"] as? [String] == ["\n\n\n"])
        #expect((sent["format"] as? [String: String]) == ["type": "object"])
    }

    @Test("one byte per write, multi-byte characters split, escaped angle brackets: the same answer")
    func byteByByte() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n")
            let body = OllamaWire.chunk("ação ") + OllamaWire.chunk("😀 <b>&</b>") + OllamaWire.final()
            for byte in Data(body.utf8) {
                connection.write(Data([byte]))
                connection.pause(0.0002)
            }
        }
        let reply = try client(server).chat(request()) { _ in }
        #expect(reply.content == "ação 😀 <b>&</b>")
        #expect(reply.finishReason == "stop")
    }

    @Test("without streaming: one object, stream false in the request")
    func notStreaming() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.respond(status: 200, body: OllamaWire.final(content: "SELECT 1;", warm: false).trimmingCharacters(in: .newlines))
        }
        let reply = try client(server).chat(request(), onDelta: nil)
        #expect(reply.content == "SELECT 1;")
        #expect(reply.loadDuration == .nanoseconds(1_334_875_000))
        #expect(server.requests.first?.json?["stream"] as? Bool == false)
    }

    @Test("the prompt tokens the server took from its cache are told apart, when it says (Ollama 0.30 on); older servers say nothing")
    func cachedPromptTokens() throws {
        let cached = OllamaWire.final(content: "SELECT 1;").replacingOccurrences(of: #""prompt_eval_count":26"#,
                                                                              with: #""prompt_eval_cached_count":20,"prompt_eval_count":26"#)
        #expect(cached.contains("prompt_eval_cached_count"))
        let server = try FakeHTTPServer { request, connection in
            let says = (request.json?["messages"] as? [[String: Any]])?.last?["role"] as? String == "assistant"
            connection.respond(status: 200, body: (says ? cached : OllamaWire.final(content: "SELECT 1;")).trimmingCharacters(in: .newlines))
        }
        let first = try client(server).chat(request(), onDelta: nil)
        #expect(first.promptTokens == 26 && first.cachedPromptTokens == nil)
        let followUp = ChatRequest(model: OllamaWire.model, messages: [ChatMessage(.user, "Quantos?"), ChatMessage(.assistant, "SELECT 1;")])
        let second = try client(server).chat(followUp, onDelta: nil)
        #expect(second.promptTokens == 26 && second.cachedPromptTokens == 20)
    }

    @Test("a stream cut before done is an interrupted answer, with what came before")
    func cutStream() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            connection.chunk(OllamaWire.chunk("SELECT nome"))
            connection.pause(0.05)
            connection.close()
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        guard case .interrupted(_, let partial) = error else {
            Issue.record("expected interrupted, got \(String(describing: error))")
            return
        }
        #expect(partial == "SELECT nome")
        #expect(server.requests.count == 1, "a partly delivered answer must not be retried")
    }

    @Test("a model that is not pulled: the pull command and the models there are")
    func modelNotPulled() throws {
        let server = try FakeHTTPServer { request, connection in
            if request.path == "/api/tags" {
                connection.respond(status: 200, body: OllamaWire.tags(["llama3.2:latest", "qwen2.5-coder:1.5b"]))
            } else {
                connection.respond(status: 404, body: #"{"error":"model 'qwen2.5-coder:7b' not found"}"#)
            }
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        #expect(error == .modelNotFound(model: OllamaWire.model, available: ["llama3.2:latest", "qwen2.5-coder:1.5b"],
                                        endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: OllamaWire.model)))
        #expect(error?.errorDescription?.contains("ollama pull qwen2.5-coder:7b") == true)
        #expect(error?.errorDescription?.contains("llama3.2:latest, qwen2.5-coder:1.5b") == true)
    }

    @Test("500 then success: retried, and the answer is whole")
    func retryAfterServerError() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.respond(status: 500, body: #"{"error":"llama runner process has terminated"}"#)
        }
        let flaky = try FakeHTTPServer { [counter = Counter()] _, connection in
            if counter.next() == 1 {
                connection.respond(status: 500, body: #"{"error":"llama runner process has terminated"}"#)
            } else {
                OllamaWire.stream(["SELECT 1;"], on: connection)
            }
        }
        #expect(try client(flaky).chat(request()) { _ in }.content == "SELECT 1;")
        #expect(flaky.requests.count == 2)
        // Always failing: three attempts, then the server's message.
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        #expect(error == .server(status: 500, message: "llama runner process has terminated",
                                 endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: OllamaWire.model)))
        #expect(server.requests.count == 3)
    }

    @Test("4xx is never retried")
    func noRetryOnClientError() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.respond(status: 400, body: #"{"error":"\"qwen2.5-coder:7b\" does not support thinking"}"#)
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        guard case .server(400, let message, _) = error else {
            Issue.record("expected a 400, got \(String(describing: error))")
            return
        }
        #expect(message.contains("does not support thinking"))
        #expect(server.requests.count == 1)
    }

    @Test("nothing listening: the pt-BR sentence, quickly, after a few tries")
    func connectionRefused() throws {
        let port = FakeHTTPServer.unusedPort()
        let endpoint = LLMEndpoint(baseURL: "http://127.0.0.1:\(port)", api: .ollama, model: OllamaWire.model)
        let started = ContinuousClock.now
        let error = #expect(throws: LLMError.self) {
            try OllamaClient(endpoint: endpoint, retry: RetryPolicy(firstDelay: .milliseconds(20))).chat(request()) { _ in }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error?.errorDescription == "Não consegui falar com o Ollama em http://127.0.0.1:\(port). Ele está rodando? (ollama serve)")
        #expect(throws: LLMError.self) { try OllamaClient(endpoint: endpoint, retry: .none).version() }
    }

    @Test("a server that never answers times out instead of hanging")
    func neverAnswers() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.pause(5)
        }
        let started = ContinuousClock.now
        let error = #expect(throws: LLMError.self) {
            try client(server, timeouts: LLMTimeouts(firstToken: .milliseconds(400))).chat(request()) { _ in }
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        guard case .timedOut(_, .firstByte) = error else {
            Issue.record("expected a first-byte timeout, got \(String(describing: error))")
            return
        }
    }

    @Test("a line that is not JSON is a protocol error")
    func invalidJSON() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            connection.chunk(OllamaWire.chunk("SELECT"))
            connection.chunk("isto não é json\n")
            connection.chunk(OllamaWire.final())
            connection.endChunks()
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        guard case .invalidResponse(let detail) = error else {
            Issue.record("expected invalidResponse, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("isto não é json"))
    }

    @Test("an error line after the stream started ends the answer with the server's message")
    func midStreamError() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            connection.chunk(OllamaWire.chunk("SELECT"))
            connection.chunk(#"{"error":"an error was encountered while running the model"}"# + "\n")
            connection.endChunks()
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request()) { _ in } }
        guard case .server(_, let message, _) = error else {
            Issue.record("expected a server error, got \(String(describing: error))")
            return
        }
        #expect(message == "an error was encountered while running the model")
    }

    @Test("a 5 MB answer arrives whole, streamed and not")
    func largeAnswer() throws {
        let piece = String(repeating: "SELECT nome FROM alunos; ", count: 400)  // 10 KB
        let server = try FakeHTTPServer { request, connection in
            if request.json?["stream"] as? Bool == false {
                connection.respond(status: 200, body: OllamaWire.final(content: String(repeating: piece, count: 500)).trimmingCharacters(in: .newlines))
            } else {
                OllamaWire.stream(Array(repeating: piece, count: 500), on: connection)
            }
        }
        #expect(try client(server).chat(request()) { _ in }.content.utf8.count == 500 * piece.utf8.count)
        #expect(try client(server).chat(request(), onDelta: nil).content.utf8.count == 500 * piece.utf8.count)
    }

    @Test("cancelling mid-stream stops the request promptly")
    func cancellation() throws {
        let server = try FakeHTTPServer { _, connection in
            OllamaWire.stream(Array(repeating: " token", count: 200), on: connection, pause: 0.05)
        }
        let flag = CancellationFlag()
        var received = 0
        var cancelledAt: ContinuousClock.Instant?
        let error = #expect(throws: LLMError.self) {
            try client(server).chat(request(), cancellation: flag) { _ in
                received += 1
                if received == 3 {
                    cancelledAt = .now
                    flag.cancel()
                }
            }
        }
        #expect(error == .cancelled)
        #expect(received < 10)
        #expect(ContinuousClock.now - (cancelledAt ?? .now) < .milliseconds(500))
    }

    @Test("reasoning is kept apart: a separate field, or a leading <think> block split across chunks")
    func thinking() throws {
        let separate = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            connection.chunk(OllamaWire.chunk("", thinking: "O usuário quer"))
            connection.chunk(OllamaWire.chunk("", thinking: " contar."))
            connection.chunk(OllamaWire.chunk("SELECT 1;"))
            connection.chunk(OllamaWire.final())
            connection.endChunks()
        }
        var deltas: [ChatDelta] = []
        let reply = try client(separate).chat(request()) { deltas.append($0) }
        #expect(reply.thinking == "O usuário quer contar.")
        #expect(reply.content == "SELECT 1;")
        #expect(deltas.first == .thinking("O usuário quer"))

        let inline = try FakeHTTPServer { _, connection in
            OllamaWire.stream(["<thi", "nk>vou contar", " os alunos</th", "ink>\n", "SELECT count(*) FROM alunos;"], on: connection)
        }
        let inlineReply = try client(inline).chat(request()) { _ in }
        #expect(inlineReply.thinking == "vou contar os alunos")
        #expect(inlineReply.content == "SELECT count(*) FROM alunos;")
    }

    @Test("version and the model list")
    func versionAndTags() throws {
        let server = try FakeHTTPServer { request, connection in
            switch request.path {
            case "/api/version": connection.respond(status: 200, body: #"{"version":"0.12.6"}"#)
            case "/api/tags": connection.respond(status: 200, body: OllamaWire.tags(["qwen2.5-coder:7b"]))
            default: connection.respond(status: 404, body: "404 page not found")
            }
        }
        #expect(try client(server).version() == "0.12.6")
        #expect(try client(server).models() == ["qwen2.5-coder:7b"])
        let empty = try FakeHTTPServer { _, connection in connection.respond(status: 200, body: #"{"models":[]}"#) }
        #expect(try client(empty).models() == [])
    }
}

/// Counts calls across the server's connection threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
