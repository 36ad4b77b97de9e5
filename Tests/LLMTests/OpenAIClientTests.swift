import Foundation
import LLM
import TestSupport
import Testing

@Suite("OpenAI-compatible client against a fake server on loopback")
struct OpenAIClientTests {
    func client(_ server: FakeHTTPServer) -> OpenAIClient {
        OpenAIClient(endpoint: LLMEndpoint(baseURL: server.baseURL, api: .openai, model: "qwen", apiKey: "segredo"),
                     retry: RetryPolicy(firstDelay: .milliseconds(20)))
    }

    let request = ChatRequest(model: "qwen", messages: [ChatMessage(.user, "Quantos alunos?")], options: GenerationOptions(maxTokens: 64))

    static func event(_ json: String) -> String { "data: \(json)\n\n" }

    @Test("new-style stream: role first, a separate finish chunk, usage with no choices, [DONE]")
    func newStyleStream() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "text/event-stream")
            for json in [
                #"{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}"#,
                #"{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"SELECT"},"finish_reason":null}]}"#,
                #"{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" 1;"},"finish_reason":null}]}"#,
                #"{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
                #"{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":26,"completion_tokens":2,"total_tokens":28}}"#,
            ] {
                connection.chunk(Self.event(json))
            }
            connection.chunk("data: [DONE]\n\n")
            connection.endChunks()
        }
        var pieces: [String] = []
        let reply = try client(server).chat(request) { if case .content(let text) = $0 { pieces.append(text) } }
        #expect(pieces == ["SELECT", " 1;"])
        #expect(reply.content == "SELECT 1;" && reply.finishReason == "stop")
        #expect(reply.promptTokens == 26 && reply.completionTokens == 2)
        let sent = try #require(server.requests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer segredo")
        #expect(sent.json?["max_tokens"] as? Int == 64)
        #expect(sent.json?["temperature"] as? Double == 0)
        #expect(sent.json?["stream"] as? Bool == true)
    }

    @Test("old-style stream: role in every delta, finish reason on the last content chunk; reasoning apart")
    func oldStyleStream() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "text/event-stream")
            connection.chunk(Self.event(#"{"choices":[{"index":0,"delta":{"role":"assistant","reasoning":"pensando"},"finish_reason":null}]}"#))
            connection.chunk(Self.event(#"{"choices":[{"index":0,"delta":{"role":"assistant","content":"SELECT 2;"},"finish_reason":null}]}"#)
                + Self.event(#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}"#))
            connection.chunk("data: [DONE]\n\n")
            connection.endChunks()
        }
        let reply = try client(server).chat(request) { _ in }
        #expect(reply.content == "SELECT 2;")
        #expect(reply.thinking == "pensando")
        #expect(reply.finishReason == "length")
    }

    @Test("a completion without streaming, and the model list (null when empty)")
    func completionAndModels() throws {
        let server = try FakeHTTPServer { request, connection in
            if request.path == "/v1/models" {
                connection.respond(status: 200, body: #"{"object":"list","data":null}"#)
            } else {
                connection.respond(status: 200, body: #"{"id":"chatcmpl-412","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"SELECT 3;"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#)
            }
        }
        let reply = try client(server).chat(request, onDelta: nil)
        #expect(reply.content == "SELECT 3;" && reply.completionTokens == 3)
        #expect(try client(server).models() == [])
        #expect(try client(server).version() == nil)
    }

    @Test("cached prompt tokens: OpenAI's usage detail, or llama.cpp's own timings when only they say it")
    func cachedPromptTokens() throws {
        let server = try FakeHTTPServer { request, connection in
            let max = request.json?["max_tokens"] as? Int
            let usage = max == 64
                ? #""usage":{"prompt_tokens":1336,"completion_tokens":3,"total_tokens":1339,"prompt_tokens_details":{"cached_tokens":1335}}"#
                : #""usage":{"prompt_tokens":1336,"completion_tokens":3,"total_tokens":1339},"timings":{"cache_n":179,"prompt_n":1157}"#
            connection.respond(status: 200, body: #"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"SELECT 3;"},"finish_reason":"stop"}],"# + usage + "}")
        }
        let detailed = try client(server).chat(request, onDelta: nil)
        #expect(detailed.promptTokens == 1336 && detailed.cachedPromptTokens == 1335)
        var other = request
        other.options.maxTokens = 32
        let timed = try client(server).chat(other, onDelta: nil)
        #expect(timed.promptTokens == 1336 && timed.cachedPromptTokens == 179)
    }

    @Test("an unknown model: the OpenAI error object becomes the model-not-found sentence")
    func unknownModel() throws {
        let server = try FakeHTTPServer { request, connection in
            if request.path == "/v1/models" {
                connection.respond(status: 200, body: #"{"object":"list","data":[{"id":"llama3.2:latest","object":"model"}]}"#)
            } else {
                connection.respond(status: 404, body: #"{"error":{"message":"model 'qwen' not found","type":"not_found_error","param":null,"code":null}}"#)
            }
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request) { _ in } }
        guard case .modelNotFound("qwen", ["llama3.2:latest"], _) = error else {
            Issue.record("expected modelNotFound, got \(String(describing: error))")
            return
        }
    }

    @Test("a stream that ends without [DONE] is interrupted")
    func cutStream() throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "text/event-stream")
            connection.chunk(Self.event(#"{"choices":[{"index":0,"delta":{"content":"SELECT"},"finish_reason":null}]}"#))
            connection.close()
        }
        let error = #expect(throws: LLMError.self) { try client(server).chat(request) { _ in } }
        guard case .interrupted(_, "SELECT") = error else {
            Issue.record("expected interrupted, got \(String(describing: error))")
            return
        }
    }
}

@Suite("Where the model is: flags, environment, defaults")
struct EndpointTests {
    @Test("OLLAMA_HOST as Ollama reads it", arguments: [
        ("", "http://127.0.0.1:11434"), ("0.0.0.0", "http://127.0.0.1:11434"), ("0.0.0.0:11500", "http://127.0.0.1:11500"),
        (":11434", "http://127.0.0.1:11434"), ("gpu.escola.local", "http://gpu.escola.local:11434"),
        ("gpu.escola.local:8000", "http://gpu.escola.local:8000"), ("http://gpu.escola.local", "http://gpu.escola.local:80"),
        ("https://ollama.rede.br", "https://ollama.rede.br:443"), ("https://ollama.rede.br:8443/api-proxy", "https://ollama.rede.br:8443/api-proxy"),
        ("[::1]:11434", "http://[::1]:11434"), ("::", "http://[::1]:11434"), ("127.0.0.1:notaport", "http://127.0.0.1:11434"),
    ])
    func ollamaHost(value: String, expected: String) throws {
        #expect(try LLMEndpoint.ollamaHost(value) == expected)
    }

    @Test("flags beat the environment, which beats the defaults")
    func precedence() throws {
        let defaults = try LLMEndpoint.resolve(url: nil, api: nil, model: nil, environment: [:])
        #expect(defaults == LLMEndpoint(baseURL: "http://127.0.0.1:11434", api: .ollama, model: "qwen2.5-coder:7b"))

        let environment = ["OLLAMA_HOST": "0.0.0.0:12000", "INDAGA_MODEL": "qwen2.5-coder:1.5b"]
        let fromEnvironment = try LLMEndpoint.resolve(url: nil, api: nil, model: nil, environment: environment)
        #expect(fromEnvironment.baseURL == "http://127.0.0.1:12000" && fromEnvironment.model == "qwen2.5-coder:1.5b")

        let fromFlags = try LLMEndpoint.resolve(url: "localhost:8080/v1", api: "openai", model: "qwen", environment: environment)
        #expect(fromFlags == LLMEndpoint(baseURL: "http://localhost:8080", api: .openai, model: "qwen"))

        let openAIEnvironment = try LLMEndpoint.resolve(url: nil, api: "openai", model: nil,
                                                        environment: ["OPENAI_BASE_URL": "http://vllm:8000/v1", "OPENAI_API_KEY": "k"])
        #expect(openAIEnvironment.baseURL == "http://vllm:8000" && openAIEnvironment.apiKey == "k")
    }

    @Test("unusable values are refused with a sentence", arguments: ["ht!tp://x", "ftp://servidor", "http://"])
    func invalidURLs(url: String) {
        #expect(throws: LLMError.self) { try LLMEndpoint.resolve(url: url, api: nil, model: nil, environment: [:]) }
    }

    @Test("an unknown API name is its own error")
    func unknownAPI() {
        #expect(throws: LLMError.unknownAPI("grpc")) { try LLMEndpoint.resolve(url: nil, api: "grpc", model: nil, environment: [:]) }
    }

    @Test("model names compare as Ollama's: no tag means latest")
    func modelNames() {
        #expect(LLMEndpoint.sameModel("llama3.2", "llama3.2:latest"))
        #expect(!LLMEndpoint.sameModel("llama3.2", "llama3.2:1b"))
    }
}
