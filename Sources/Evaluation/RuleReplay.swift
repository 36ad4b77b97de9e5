import Assistant
import Database
import Foundation
import Retrieval
import RuleBook
import SQLCheck

/// What one rule did to the queries of a report, replayed offline.
public struct ReplayTally: Sendable, Codable, Equatable {
    /// Distinct model queries it acted on.
    public var acted = 0
    /// A rewrite: right with it, wrong without it. A check: it saw something in a wrong answer.
    public var helped = 0
    /// A rewrite: wrong with it, right without it. A check: it saw something in a right answer,
    /// and sent the model back from it.
    public var hurt = 0

    public init(acted: Int = 0, helped: Int = 0, hurt: Int = 0) {
        self.acted = acted
        self.helped = helped
        self.hurt = hurt
    }

    static func + (lhs: ReplayTally, rhs: ReplayTally) -> ReplayTally {
        ReplayTally(acted: lhs.acted + rhs.acted, helped: lhs.helped + rhs.helped, hurt: lhs.hurt + rhs.hurt)
    }
}

/// Every rule measured on the queries the model wrote in an earlier run (`indaga eval --replay`):
/// each query goes through the book with every rule on, then once with each rule that acted
/// switched off, and both are scored against the gold. No model is asked, so the measure is
/// exact for the rules that rewrite a query, and a count of right and wrong answers seen for the
/// checks, whose worth depends on what the model does when told.
public struct ReplayReport: Sendable, Codable {
    public struct Database: Sendable, Codable, Equatable {
        public var catalog: String
        /// Distinct model queries replayed.
        public var queries: Int
        /// How many came out as the run had them (the book or the catalog changed otherwise).
        public var reproduced: Int
        /// How many are right with every rule on.
        public var right: Int

        public init(catalog: String, queries: Int = 0, reproduced: Int = 0, right: Int = 0) {
            self.catalog = catalog
            self.queries = queries
            self.reproduced = reproduced
            self.right = right
        }
    }

    /// The reports replayed.
    public var source: String
    public var databases: [Database]
    /// Per rule id, per catalog.
    public var rules: [String: [String: ReplayTally]]
    /// Every query on which a rule hurt: what to read before generalising or removing it.
    public var hurts: [Hurt] = []

    /// A rule that turned a right answer wrong, or looked twice at a right one.
    public struct Hurt: Sendable, Codable, Equatable {
        public var rule: String
        public var catalog: String
        public var question: String
        /// The model's query, and the one that ran with every rule on.
        public var written: String
        public var ran: String
    }

    /// The queries already replayed (catalog, question, retrieval, query): two reports of one
    /// commit often share the first try, which would count twice.
    var replayed: Set<[String]> = []

    enum CodingKeys: String, CodingKey {
        case source, databases, rules, hurts
    }

    public init(source: String, databases: [Database] = [], rules: [String: [String: ReplayTally]] = [:]) {
        self.source = source
        self.databases = databases
        self.rules = rules
    }

    /// One rule over every catalog.
    public func total(_ rule: String) -> ReplayTally {
        (rules[rule] ?? [:]).values.reduce(ReplayTally(), +)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

/// Replays the question sets of one question file on its database; kept across reports, so each
/// gold runs once and each question is retrieved once per configuration.
public final class RuleReplay {
    let runner: EvalRunner
    let assistant: Assistant
    let questions: [String: EvalQuestion]
    private var golds: [String: [QueryResult]] = [:]
    /// By retrieval on or off, then question id.
    private var contexts: [Bool: [String: RetrievedContext]] = [:]

    /// `assistant` is switched rule by rule while replaying, and left with its options as they were.
    public init(runner: EvalRunner, assistant: Assistant, questions: [EvalQuestion]) {
        self.runner = runner
        self.assistant = assistant
        self.questions = Dictionary(questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds the set's queries, under every configuration of the report, to `report`.
    public func replay(_ set: EvalReport.QuestionSet, into report: inout ReplayReport, progress: (String) -> Void = { _ in }) {
        if !report.databases.contains(where: { $0.catalog == set.catalog }) {
            report.databases.append(ReplayReport.Database(catalog: set.catalog))
        }
        let position = report.databases.firstIndex { $0.catalog == set.catalog }!
        let options = assistant.options
        defer { assistant.options = options }
        func tally(_ rule: String, hurt: Bool, helped: Bool, question: String, written: String, ran: String) {
            var counts = report.rules[rule]?[set.catalog] ?? ReplayTally()
            counts.acted += 1
            if helped { counts.helped += 1 }
            if hurt { counts.hurt += 1 }
            report.rules[rule, default: [:]][set.catalog] = counts
            if hurt { report.hurts.append(ReplayReport.Hurt(rule: rule, catalog: set.catalog, question: question, written: written, ran: ran)) }
        }
        for run in set.runs {
            assistant.options.retrieval = run.configuration.retrieval
            for item in run.cases where item.source == "llm" && item.outcome != .goldError {
                guard let question = questions[item.id] else { continue }
                let context = contexts[run.configuration.retrieval, default: [:]][item.id] ?? assistant.context(for: question.question)
                contexts[run.configuration.retrieval, default: [:]][item.id] = context
                for attempt in item.attempts {
                    guard let written = attempt.written ?? attempt.sql,
                        report.replayed.insert([set.catalog, item.id, run.configuration.retrieval ? "r" : "w", written]).inserted
                    else { continue }
                    if golds[item.id] == nil, case .success(let results) = runner.goldResults(question) { golds[item.id] = results }
                    guard let gold = golds[item.id] else { continue }
                    func right(_ result: QueryResult?) -> Bool {
                        guard let result else { return false }
                        return gold.contains { ResultComparison.compare(result, $0, orderMatters: question.orderMatters) == .same }
                    }
                    assistant.options.rules = .allOn
                    let base = assistant.replayed(written, question: question.question, context: context)
                    let baseRight = right(base.result)
                    report.databases[position].queries += 1
                    if base.sql == attempt.sql { report.databases[position].reproduced += 1 }
                    if baseRight { report.databases[position].right += 1 }
                    // A rule that did not act changes nothing when off: only those that acted are replayed without.
                    for rule in Set(base.rules).sorted() {
                        assistant.options.rules = RuleSwitches(disabled: [rule])
                        let offRight = right(assistant.replayed(written, question: question.question, context: context).result)
                        tally(rule, hurt: !baseRight && offRight, helped: baseRight && !offRight, question: question.question, written: written, ran: base.sql)
                    }
                    for observation in Set(base.observations.map(\.rule)).sorted() {
                        tally(observation, hurt: baseRight, helped: !baseRight, question: question.question, written: written, ran: base.sql)
                    }
                    if let late = base.late {
                        let lateRight = right(late.result)
                        for rule in Set(late.rules).sorted() {
                            tally(rule, hurt: !lateRight && baseRight, helped: lateRight && !baseRight, question: question.question, written: written, ran: late.sql)
                        }
                    }
                }
            }
            progress("\(set.catalog) · \(run.configuration.label): \(report.databases[position].queries) consultas até aqui")
        }
    }
}
