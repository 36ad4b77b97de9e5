/// Assembles a reply from pieces as they arrive, whatever the protocol: reasoning
/// apart from the answer (separate fields or a leading `<think>` block), the
/// first-token time, and whether anything was handed on (which forbids a retry).
struct ReplyBuilder {
    let started: ContinuousClock.Instant
    let onDelta: ((ChatDelta) -> Void)?
    private(set) var reply = ChatReply()
    private var splitter = ThinkingSplitter()
    private(set) var finished = false
    private(set) var deliveredAnything = false

    init(started: ContinuousClock.Instant = .now, onDelta: ((ChatDelta) -> Void)?) {
        self.started = started
        self.onDelta = onDelta
    }

    /// Forgets a failed attempt's partial reply (only reached when nothing was handed on).
    mutating func reset() {
        reply = ChatReply()
        splitter = ThinkingSplitter()
        finished = false
    }

    mutating func addThinking(_ text: String) {
        guard !text.isEmpty else { return }
        reply.thinking += text
        emit(.thinking(text))
    }

    mutating func addContent(_ text: String) {
        guard !text.isEmpty else { return }
        take(splitter.feed(text))
    }

    mutating func setUsage(prompt: Int?, cached: Int? = nil, completion: Int?) {
        if let prompt { reply.promptTokens = prompt }
        if let cached { reply.cachedPromptTokens = cached }
        if let completion { reply.completionTokens = completion }
    }

    mutating func setFinishReason(_ reason: String?) {
        if let reason { reply.finishReason = reason }
    }

    mutating func setServerTimings(total: Duration?, load: Duration?, prompt: Duration?, generation: Duration?) {
        reply.totalDuration = total
        reply.loadDuration = load
        reply.promptDuration = prompt
        reply.generationDuration = generation
    }

    /// The server said the answer is complete.
    mutating func end() {
        take(splitter.finish())
        finished = true
    }

    func finish(wallTime: Duration) -> ChatReply {
        var reply = reply
        reply.wallTime = wallTime
        return reply
    }

    private mutating func take(_ parts: (thinking: String, content: String)) {
        addThinking(parts.thinking)
        if !parts.content.isEmpty {
            if reply.timeToFirstToken == nil { reply.timeToFirstToken = ContinuousClock.now - started }
            reply.content += parts.content
            emit(.content(parts.content))
        }
    }

    private mutating func emit(_ delta: ChatDelta) {
        deliveredAnything = true
        onDelta?(delta)
    }
}
