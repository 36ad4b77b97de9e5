/// Separates a leading `<think>…</think>` block from streamed content.
///
/// Older Ollama releases, and models pulled before their template knew about
/// reasoning, put the reasoning inline. Tags may arrive split across chunks, and
/// the block may never close when generation was cut short.
struct ThinkingSplitter {
    private enum State { case start, thinking, answering }

    private var state = State.start
    private var held = ""
    private static let open = "<think>"
    private static let close = "</think>"

    /// Feeds a content piece; returns what is now known to be reasoning and answer.
    mutating func feed(_ piece: String) -> (thinking: String, content: String) {
        held += piece
        var thinking = ""
        var content = ""
        while true {
            switch state {
            case .start:
                let trimmed = held.drop { $0.isWhitespace }
                if trimmed.hasPrefix(Self.open) {
                    held = String(trimmed.dropFirst(Self.open.count))
                    state = .thinking
                } else if Self.open.hasPrefix(trimmed) {
                    return (thinking, content)  // maybe the start of "<think>": wait for more
                } else {
                    state = .answering
                }
            case .thinking:
                if let range = held.range(of: Self.close) {
                    thinking += held[..<range.lowerBound]
                    held = String(held[range.upperBound...].drop { $0 == "\n" })
                    state = .answering
                } else {
                    // Keep a tail that could be the start of "</think>".
                    let keep = Self.partialSuffix(of: held, matching: Self.close)
                    thinking += held.dropLast(keep)
                    held = String(held.suffix(keep))
                    return (thinking, content)
                }
            case .answering:
                content += held
                held = ""
                return (thinking, content)
            }
        }
    }

    /// What is still held when the stream ends: unfinished reasoning, or a short answer.
    mutating func finish() -> (thinking: String, content: String) {
        defer { held = "" }
        switch state {
        case .thinking: return (held, "")
        case .start, .answering: return ("", held)
        }
    }

    /// The length of the longest suffix of `text` that is a proper prefix of `tag`.
    private static func partialSuffix(of text: String, matching tag: String) -> Int {
        for length in stride(from: min(tag.count - 1, text.count), to: 0, by: -1) where tag.hasPrefix(text.suffix(length)) {
            return length
        }
        return 0
    }
}
