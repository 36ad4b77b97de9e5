import Foundation

/// A fake Ollama on loopback that speaks the real wire format: `/api/version`, `/api/tags`, and
/// non-streamed `/api/chat` replies chosen by the test from the prompt it received.
public final class FakeOllama: @unchecked Sendable {
    public let server: FakeHTTPServer
    public var baseURL: String { server.baseURL }

    /// - Parameter reply: the model's text for a chat request, given the last user message; it may
    ///   sleep to play a slow model.
    public init(model: String = "fake", reply: @escaping @Sendable (_ prompt: String) -> String) throws {
        server = try FakeHTTPServer { request, connection in
            func json(_ object: Any) -> String {
                String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            }
            switch request.path {
            case "/api/version":
                connection.respond(status: 200, body: json(["version": "0.12.0"]))
            case "/api/tags":
                connection.respond(status: 200, body: json(["models": [["name": model, "model": model]]]))
            case "/api/chat":
                let messages = request.json?["messages"] as? [[String: Any]] ?? []
                let prompt = messages.last?["content"] as? String ?? ""
                let text = reply(prompt)
                connection.respond(status: 200, body: json([
                    "model": model, "message": ["role": "assistant", "content": text], "done": true, "done_reason": "stop",
                    "prompt_eval_count": prompt.count / 4, "eval_count": text.count / 4,
                ]))
            default:
                connection.respond(status: 404, body: json(["error": "not found"]))
            }
        }
    }

    /// Chat requests received so far, as their last user message.
    public var prompts: [String] {
        server.requests.filter { $0.path == "/api/chat" }.map { request in
            ((request.json?["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
        }
    }

    /// The question a generation prompt ends with ("Pergunta: …"), for replies chosen by question.
    public static func question(in prompt: String) -> String? {
        prompt.components(separatedBy: "\n").last(where: { $0.hasPrefix("Pergunta: ") }).map { String($0.dropFirst("Pergunta: ".count)) }
    }
}
