import Foundation

/// Retries with doubling delays for failures that another try can fix: refused or
/// reset connections and 5xx answers. Never 4xx, and never once part of an answer
/// has been handed on, since resending would repeat it.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var firstDelay: Duration

    public init(attempts: Int = 3, firstDelay: Duration = .milliseconds(250)) {
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
    }

    public static let none = RetryPolicy(attempts: 1)

    /// Runs `body` until it succeeds, fails for good, or is cancelled while waiting.
    ///
    /// - Parameter delivered: tells whether the failed attempt already handed data on.
    func run<T>(cancellation: CancellationFlag?, delivered: () -> Bool, _ body: () throws -> T) throws -> T {
        var attempt = 1
        var delay = firstDelay
        while true {
            do {
                return try body()
            } catch let error where attempt < attempts && !delivered() && Self.isTransient(error) {
                try Self.sleep(delay, cancellation: cancellation)
                attempt += 1
                delay = delay * 2
            }
        }
    }

    static func isTransient(_ error: Error) -> Bool {
        switch error {
        case HTTPError.cannotConnect, HTTPError.interrupted: return true
        case LLMError.server(let status, _, _): return status >= 500
        default: return false
        }
    }

    /// Sleeps in short steps so Ctrl-C is not kept waiting.
    static func sleep(_ duration: Duration, cancellation: CancellationFlag?) throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if cancellation?.isCancelled == true { throw HTTPError.cancelled }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
