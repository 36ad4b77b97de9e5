import Database
import Foundation
import SQLCheck

/// What a check looks at: the query and its question (`RuleInput`), the answer it gave, and a
/// way to run a variant of the query under the same limits.
public struct CheckInput {
    public let input: RuleInput
    public let result: QueryResult
    /// Runs another read-only query (a count of distinct keys beside a count of rows); nil when it fails.
    public let run: (String) -> QueryResult?

    public init(input: RuleInput, result: QueryResult, run: @escaping (String) -> QueryResult?) {
        self.input = input
        self.result = result
        self.run = run
    }

    public var sql: String { input.sql }
    public var reading: QuestionReading { input.reading }
    public var question: String { input.reading.text }
}

/// What a check saw in an answer: the problem, which the model and the user read, and what to do
/// about it, which only the model reads. A plain string is a problem with no hint.
public struct Finding: Sendable, Equatable, ExpressibleByStringInterpolation {
    public var problem: String
    public var hints: [String]

    public init(_ problem: String, hints: [String?] = []) {
        self.problem = problem
        self.hints = hints.compactMap { $0 }.filter { !$0.isEmpty }
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// A check's finding with the check's id: what the loop tells the model, records in the attempt,
/// and shows the user (the problem only).
public struct Observation: Sendable, Hashable {
    /// The check's id and the problem, in pt-BR.
    public let note: RuleNote
    /// What the model could do about it, in pt-BR.
    public let hints: [String]

    public init(_ rule: String, _ finding: Finding) {
        note = RuleNote(rule, finding.problem)
        hints = finding.hints
    }

    public var rule: String { note.rule }
    public var problem: String { note.note }
    /// The problem and what to do about it, in one line, as the model hears it.
    public var toldModel: String { ([problem] + hints).joined(separator: "; ") }
}

/// A look at an answer that ran: when it seems to answer another question than the one asked,
/// what was seen, in pt-BR with what to do, for the model's next try and for the user.
public struct AnswerCheck: Sendable {
    public let description: RuleDescription
    public let needs: [CatalogNeed]
    let look: @Sendable (CheckInput) -> Finding?

    public init(_ id: String, _ summary: String, needs: [CatalogNeed] = [], look: @escaping @Sendable (CheckInput) -> Finding?) {
        self.description = RuleDescription(id, .check, summary)
        self.needs = needs
        self.look = look
    }

    public var id: String { description.id }

    /// What the check saw, with its id; nil when the answer looks right to it, or the catalog
    /// lacks what it needs.
    public func observe(_ input: CheckInput) -> Observation? {
        guard needs.allSatisfy(input.input.provides), let finding = look(input) else { return nil }
        return Observation(id, finding)
    }
}

extension RuleBook {
    /// The first check, in this order, that sees something is what the model hears.
    /// `check.copied-example` is not here: the assistant's loop asks again without the example.
    public static func observation(of input: CheckInput, switches: RuleSwitches) -> Observation? {
        for check in checks where switches.isOn(check.id) {
            if let note = check.observe(input) { return note }
        }
        return nil
    }

    /// Every check that sees something, not only the first: to measure each one offline.
    public static func observations(of input: CheckInput, switches: RuleSwitches) -> [Observation] {
        checks.filter { switches.isOn($0.id) }.compactMap { $0.observe(input) }
    }

    public static func check(_ id: String) -> AnswerCheck? {
        checks.first { $0.id == id }
    }
}
