import Foundation
import TestSupport

/// Ollama's wire format as the reference sheet gives it, for the fake server to speak.
enum OllamaWire {
    static let model = "qwen2.5-coder:7b"

    /// Go's JSON encoder writes <, > and & inside strings as \u003c, \u003e, \u0026.
    static func goJSON(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    static func chunk(_ content: String, thinking: String? = nil) -> String {
        var message: [String: Any] = ["role": "assistant", "content": content]
        if let thinking { message["thinking"] = thinking }
        return goJSON(["model": model, "created_at": "2025-10-26T17:21:21.196249Z", "message": message, "done": false]) + "\n"
    }

    /// The final chunk: done, reason and nanosecond metrics (load_duration omitted when warm, as Go does).
    static func final(reason: String = "stop", content: String = "", warm: Bool = true) -> String {
        var object: [String: Any] = [
            "model": model, "created_at": "2025-10-26T17:21:21.231094Z", "message": ["role": "assistant", "content": content],
            "done": true, "done_reason": reason, "total_duration": 4_883_583_458, "prompt_eval_count": 26,
            "prompt_eval_duration": 342_546_000, "eval_count": 282, "eval_duration": 4_535_599_000,
        ]
        if !warm { object["load_duration"] = 1_334_875_000 }
        return goJSON(object) + "\n"
    }

    /// A whole streamed answer: status, NDJSON chunks, final chunk, end of body.
    static func stream(_ pieces: [String], on connection: FakeConnection, pause: Double = 0) {
        connection.startChunked(contentType: "application/x-ndjson")
        for piece in pieces {
            connection.chunk(chunk(piece))
            if pause > 0 { connection.pause(pause) }
        }
        connection.chunk(final())
        connection.endChunks()
    }

    static func tags(_ names: [String]) -> String {
        goJSON(["models": names.map { ["name": $0, "model": $0, "size": 1, "digest": "abc", "modified_at": "2025-05-04T17:37:44.706015396-07:00"] }])
    }
}
