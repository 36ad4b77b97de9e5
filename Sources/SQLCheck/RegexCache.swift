import Foundation

/// Regexes whose pattern is written at run time (a table's name, a year), each compiled once.
/// Compiling one (parsing, then lowering on its first match) cost more than the match itself,
/// and the rules ask for the same few patterns on every query.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    /// Past this many patterns (the names and years of a large catalog) the cache starts over.
    private static let capacity = 1_024
    private let lock = NSLock()
    private var compiled: [Key: Regex<AnyRegexOutput>?] = [:]

    private struct Key: Hashable {
        let pattern: String
        let simpleWordBoundaries: Bool
    }

    /// The compiled `pattern`, nil when it is no valid regex; `simpleWordBoundaries` as
    /// `wordBoundaryKind(.simple)` (Unicode's see no boundary inside `v.pedra`).
    func regex(_ pattern: String, simpleWordBoundaries: Bool = false) -> Regex<AnyRegexOutput>? {
        let key = Key(pattern: pattern, simpleWordBoundaries: simpleWordBoundaries)
        lock.lock()
        defer { lock.unlock() }
        if let found = compiled[key] { return found }
        if compiled.count >= Self.capacity { compiled.removeAll(keepingCapacity: true) }
        let made = (try? Regex(pattern)).map { simpleWordBoundaries ? $0.wordBoundaryKind(.simple) : $0 }
        compiled[key] = made
        return made
    }

    /// The compiled `pattern`, for patterns built from escaped names, which always compile.
    func valid(_ pattern: String, simpleWordBoundaries: Bool = false) -> Regex<AnyRegexOutput> {
        guard let made = regex(pattern, simpleWordBoundaries: simpleWordBoundaries) else { preconditionFailure("invalid regex: \(pattern)") }
        return made
    }
}
