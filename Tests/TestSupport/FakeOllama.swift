import Foundation

/// A fake Ollama on loopback that speaks the real wire format: `/api/version`, `/api/tags`, and
/// non-streamed `/api/chat` replies chosen by the test from the prompt it received.
public final class FakeOllama: @unchecked Sendable {
    public let server: FakeHTTPServer
    public var baseURL: String { server.baseURL }

    /// - Parameter reply: the model's text for a chat request, given its first message (the
    ///   generation prompt, which holds the question even on correction tries); it may sleep
    ///   to play a slow model.
    ///   With `caching`, it counts prompt tokens as a server with a prompt cache does: a token is
    ///   four characters of the conversation, and those it shares from the start with the request
    ///   before come from the cache (`prompt_eval_cached_count`).
    ///   `listed` are the models `/api/tags` names; by default, `model` alone.
    public init(model: String = "fake", listed: [String]? = nil, caching: Bool = false, reply: @escaping @Sendable (_ prompt: String) -> String) throws {
        let listed = listed ?? [model]
        let cache = PromptCache()
        server = try FakeHTTPServer { request, connection in
            func json(_ object: Any) -> String {
                String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            }
            switch request.path {
            case "/api/version":
                connection.respond(status: 200, body: json(["version": "0.12.0"]))
            case "/api/tags":
                connection.respond(status: 200, body: json(["models": listed.map { ["name": $0, "model": $0] }]))
            case "/api/chat":
                let messages = request.json?["messages"] as? [[String: Any]] ?? []
                let prompt = messages.first?["content"] as? String ?? ""
                let text = reply(prompt)
                var answer: [String: Any] = [
                    "model": model, "message": ["role": "assistant", "content": text], "done": true, "done_reason": "stop",
                    "prompt_eval_count": prompt.count / 4, "eval_count": text.count / 4,
                ]
                if caching {
                    let conversation = messages.map { "\($0["role"] ?? "")\n\($0["content"] ?? "")\n" }.joined()
                    answer["prompt_eval_count"] = conversation.count / 4
                    answer["prompt_eval_cached_count"] = cache.reuse(conversation) / 4
                }
                connection.respond(status: 200, body: json(answer))
            default:
                connection.respond(status: 404, body: json(["error": "not found"]))
            }
        }
    }

    /// Chat requests received so far, as their generation prompt (the first message).
    public var prompts: [String] {
        server.requests.filter { $0.path == "/api/chat" }.map { request in
            ((request.json?["messages"] as? [[String: Any]])?.first?["content"] as? String) ?? ""
        }
    }

    /// The question a generation prompt ends with: after its last "Pergunta: " (the examples
    /// before it have their own), up to "\nSQL:"; it may span lines.
    public static func question(in prompt: String) -> String? {
        guard let start = prompt.range(of: "Pergunta: ", options: .backwards) else { return nil }
        let end = prompt.range(of: "\nSQL:", range: start.upperBound..<prompt.endIndex)?.lowerBound ?? prompt.endIndex
        // The note under it (what a query sent before got wrong) is not part of it.
        let asked = prompt[start.upperBound..<end]
        return String(asked.range(of: "\n(Uma consulta anterior").map { asked[..<$0.lowerBound] } ?? asked)
    }
}

/// The conversation a fake server last processed, and how much of the next one it can reuse.
final class PromptCache: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ""

    /// Characters `conversation` shares from its start with the one before; it becomes the one before.
    func reuse(_ conversation: String) -> Int {
        lock.withLock {
            let shared = zip(last, conversation).prefix { $0 == $1 }.count
            last = conversation
            return shared
        }
    }
}
