import Foundation
import LLM
import TestSupport
import Testing

@Suite("A model server that misbehaves on purpose")
struct MisbehavingServerTests {
    func client(_ server: FakeHTTPServer, timeouts: LLMTimeouts = LLMTimeouts()) -> OllamaClient {
        OllamaClient(endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: OllamaWire.model), retry: .none, timeouts: timeouts)
    }

    let request = ChatRequest(model: OllamaWire.model, messages: [ChatMessage(.user, "Quantas escolas?")])

    @Test("a reply that never ends is stopped at the byte cap and reported as too large", arguments: [true, false])
    func endlessReply(streaming: Bool) throws {
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            let piece = OllamaWire.chunk(String(repeating: "SELECT ", count: 9_000))
            // Until the client hangs up: a body with no end.
            while connection.chunk(piece) {}
        }
        var timeouts = LLMTimeouts()
        timeouts.maxReplyBytes = 1 << 20
        let error = #expect(throws: LLMError.self) {
            _ = try client(server, timeouts: timeouts).chat(request, onDelta: streaming ? { _ in } : nil)
        }
        #expect(error == .replyTooLarge(limit: 1 << 20))
        #expect(error?.errorDescription?.contains("resposta grande demais") == true)
    }

    /// A server that sends one space every quarter second, never done and never silent.
    func trickling() throws -> FakeHTTPServer {
        try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/x-ndjson")
            while connection.chunk(" ") { connection.pause(0.25) }
        }
    }

    @Test("a server that trickles a few bytes a second is given up at the total deadline, though it is never silent")
    func trickle() throws {
        let server = try trickling()
        var timeouts = LLMTimeouts()
        timeouts.total = .seconds(2)
        let error = #expect(throws: LLMError.self) { _ = try client(server, timeouts: timeouts).chat(request) { _ in } }
        guard case .timedOut(_, .total) = error else {
            Issue.record("expected the total deadline, got \(String(describing: error))")
            return
        }
        #expect(error?.errorDescription?.contains("--llm-timeout") == true)
    }

    @Test("Ctrl-C stops a trickling reply at once")
    func cancelTrickle() throws {
        let server = try trickling()
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { flag.cancel() }
        let error = #expect(throws: LLMError.self) { _ = try client(server).chat(request, cancellation: flag) { _ in } }
        #expect(error == .cancelled)
    }

    @Test("an empty body, or JSON of another shape, is said for what it is, not as a dropped connection", arguments: ["", #"{"resultado": "SELECT 1"}"#])
    func wrongShape(body: String) throws {
        let server = try FakeHTTPServer { _, connection in connection.respond(status: 200, body: body) }
        let error = #expect(throws: LLMError.self) { _ = try client(server).chat(request, onDelta: nil) }
        guard case .invalidResponse(let detail) = error else {
            Issue.record("expected invalidResponse, got \(String(describing: error))")
            return
        }
        #expect(detail.contains(body.isEmpty ? "resposta vazia" : "sinal de fim"), "\(detail)")
        #expect(error?.errorDescription?.contains("conexão caiu") == false)
    }
}
