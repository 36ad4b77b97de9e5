import Foundation

/// How the pipeline was set up for one run of the questions.
public struct EvalConfiguration: Sendable, Codable, Equatable {
    /// What the run is, in pt-BR ("pipeline completo", "sem recuperação: esquema inteiro, uma tentativa").
    public var label: String
    public var model: String?
    public var maxTries: Int
    public var retrieval: Bool
    public var samples: Int
    /// The largest schema, in estimated tokens, sent whole as the prompt's shared start
    /// (`Assistant.Options.sharedSchemaBudget`); nil in reports from before it existed.
    public var sharedSchemaBudget: Int?

    public init(label: String, model: String?, maxTries: Int, retrieval: Bool, samples: Int = 1, sharedSchemaBudget: Int? = nil) {
        self.label = label
        self.model = model
        self.maxTries = maxTries
        self.retrieval = retrieval
        self.samples = samples
        self.sharedSchemaBudget = sharedSchemaBudget
    }

    enum CodingKeys: String, CodingKey {
        case label, model, retrieval, samples
        case maxTries = "max_tries"
        case sharedSchemaBudget = "shared_schema_budget"
    }
}

/// p50 and p95 of some times, in milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var p50: Double
    public var p95: Double

    /// Nearest-rank percentiles of `samples`.
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        func at(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((fraction * Double(sorted.count - 1)).rounded()))]
        }
        p50 = at(0.5)
        p95 = at(0.95)
    }
}

/// One run's numbers: accuracy, how answers came, retrieval, time and tokens, and every question.
public struct EvalRun: Sendable, Codable {
    public struct Summary: Sendable, Codable, Equatable {
        /// Questions scored (those whose gold query ran).
        public var questions = 0
        public var right = 0
        public var accuracy = 0.0
        public var rightFirstTry = 0
        public var rightAfterCorrection = 0
        public var wrong = 0
        public var notAnswered = 0
        public var goldErrors = 0
        /// Answered by a verified example, without the model.
        public var verifiedExamples = 0
        /// Model calls per question that went to the model.
        public var meanTries = 0.0
        /// Share of questions whose gold tables were all in the prompt.
        public var retrievalRecall = 0.0
        /// Tables the prompt showed, per question that went to the model.
        public var meanTablesShown = 0.0

        enum CodingKeys: String, CodingKey {
            case questions, right, accuracy, wrong
            case rightFirstTry = "right_first_try", rightAfterCorrection = "right_after_correction", notAnswered = "not_answered"
            case goldErrors = "gold_errors", verifiedExamples = "verified_examples", meanTries = "mean_tries", retrievalRecall = "retrieval_recall"
            case meanTablesShown = "mean_tables_shown"
        }
    }

    public struct Difficulty: Sendable, Codable, Equatable {
        public var difficulty: String
        public var questions: Int
        public var right: Int
        public var accuracy: Double
    }

    public struct Tokens: Sendable, Codable, Equatable {
        public var prompt = 0
        public var completion = 0
        /// Per question that went to the model.
        public var meanPrompt = 0.0
        public var meanCompletion = 0.0
        /// Prompt tokens the server processed rather than took from its cache, in all and per
        /// question; nil when the server did not say which it reused.
        public var processed: Int?
        public var meanProcessed: Double?

        enum CodingKeys: String, CodingKey {
            case prompt, completion, processed
            case meanPrompt = "mean_prompt", meanCompletion = "mean_completion", meanProcessed = "mean_processed"
        }
    }

    /// How often one rule acted, and how the questions it acted on ended.
    public struct RuleCount: Sendable, Codable, Equatable {
        public var rule: String
        /// Questions it acted on at least once.
        public var questions: Int
        /// Of those, how many ended right, and how many wrong or unanswered.
        public var right: Int
        public var wrong: Int
        /// Times it acted, over every try of every question.
        public var actions: Int

        public init(rule: String, questions: Int, right: Int, wrong: Int, actions: Int) {
            self.rule = rule
            self.questions = questions
            self.right = right
            self.wrong = wrong
            self.actions = actions
        }
    }

    public var configuration: EvalConfiguration
    public var summary: Summary
    /// Every rule that acted in the run, most questions first.
    public var ledger: [RuleCount]
    public var byDifficulty: [Difficulty]
    /// Per stage, in pipeline order, then the whole question.
    public var stages: [String: LatencySummary]
    public var stageOrder: [String]
    public var total: LatencySummary
    public var tokens: Tokens
    /// Wall-clock time of the whole run, in seconds.
    public var elapsedSeconds: Double
    /// Ctrl-C stopped it before every question was asked.
    public var interrupted: Bool
    public var cases: [EvalCase]

    enum CodingKeys: String, CodingKey {
        case configuration, summary, stages, total, tokens, interrupted, ledger
        case byDifficulty = "by_difficulty", stageOrder = "stage_order", elapsedSeconds = "elapsed_s", cases = "questions"
    }

    /// The usual difficulties first, in this order; any other after them, alphabetically.
    static let difficultyOrder = ["easy", "facil", "fácil", "medium", "medio", "médio", "hard", "dificil", "difícil"]

    public init(configuration: EvalConfiguration, cases: [EvalCase], elapsed: Duration, interrupted: Bool = false) {
        self.configuration = configuration
        self.cases = cases
        self.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        self.interrupted = interrupted
        let scored = cases.filter { $0.outcome != .goldError }
        var summary = Summary()
        summary.questions = scored.count
        summary.rightFirstTry = scored.count { $0.outcome == .rightFirstTry }
        summary.rightAfterCorrection = scored.count { $0.outcome == .rightAfterCorrection }
        summary.right = summary.rightFirstTry + summary.rightAfterCorrection
        summary.wrong = scored.count { $0.outcome == .wrong }
        summary.notAnswered = scored.count { $0.outcome == .notAnswered }
        summary.goldErrors = cases.count - scored.count
        summary.accuracy = scored.isEmpty ? 0 : Double(summary.right) / Double(scored.count)
        summary.verifiedExamples = scored.count { $0.source == "verified_example" }
        let modelCases = scored.filter { $0.tries > 0 }
        summary.meanTries = modelCases.isEmpty ? 0 : Double(modelCases.reduce(0) { $0 + $1.tries }) / Double(modelCases.count)
        let withTables = scored.filter { !$0.goldTables.isEmpty }
        summary.retrievalRecall = withTables.isEmpty ? 0 : Double(withTables.count { $0.retrievalHit }) / Double(withTables.count)
        let retrieved = scored.filter { !$0.shownTables.isEmpty }
        summary.meanTablesShown = retrieved.isEmpty ? 0 : Double(retrieved.reduce(0) { $0 + $1.shownTables.count }) / Double(retrieved.count)
        self.summary = summary

        let difficulties = Set(scored.map(\.difficulty)).sorted { a, b in
            let (ia, ib) = (Self.difficultyOrder.firstIndex(of: a) ?? .max, Self.difficultyOrder.firstIndex(of: b) ?? .max)
            return ia != ib ? ia < ib : a < b
        }
        byDifficulty = difficulties.map { level in
            let group = scored.filter { $0.difficulty == level }
            let right = group.count { $0.outcome.isRight }
            return Difficulty(difficulty: level, questions: group.count, right: right, accuracy: Double(right) / Double(max(1, group.count)))
        }

        var order: [String] = []
        for item in cases {
            for stage in Self.pipelineOrder where item.stageMilliseconds[stage] != nil && !order.contains(stage) { order.append(stage) }
        }
        order.sort { (Self.pipelineOrder.firstIndex(of: $0) ?? .max) < (Self.pipelineOrder.firstIndex(of: $1) ?? .max) }
        stageOrder = order
        // A stage a question skipped (no correction, a verified example) is not a zero-time stage.
        stages = Dictionary(uniqueKeysWithValues: order.map { stage in (stage, LatencySummary(cases.compactMap { $0.stageMilliseconds[stage] })) })
        total = LatencySummary(cases.map(\.latencyMilliseconds))

        ledger = Self.ledger(scored)

        var tokens = Tokens()
        tokens.prompt = cases.reduce(0) { $0 + $1.promptTokens }
        tokens.completion = cases.reduce(0) { $0 + $1.completionTokens }
        let asked = max(1, cases.count { $0.tries > 0 })
        tokens.meanPrompt = Double(tokens.prompt) / Double(asked)
        tokens.meanCompletion = Double(tokens.completion) / Double(asked)
        let called = cases.filter { $0.tries > 0 }
        let processed = called.compactMap(\.processedPromptTokens)
        if !called.isEmpty, processed.count == called.count {
            tokens.processed = processed.reduce(0, +)
            tokens.meanProcessed = Double(processed.reduce(0, +)) / Double(asked)
        }
        self.tokens = tokens
    }

    /// Per rule: the questions it acted on and how they ended (questions whose gold failed are left out).
    static func ledger(_ cases: [EvalCase]) -> [RuleCount] {
        var counts: [String: RuleCount] = [:]
        for item in cases {
            for rule in item.rules {
                var count = counts[rule] ?? RuleCount(rule: rule, questions: 0, right: 0, wrong: 0, actions: 0)
                count.questions += 1
                if item.outcome.isRight { count.right += 1 } else { count.wrong += 1 }
                counts[rule] = count
            }
            for rule in item.attempts.flatMap(\.rules) { counts[rule]?.actions += 1 }
        }
        return counts.values.sorted { ($1.questions, $0.rule) < ($0.questions, $1.rule) }
    }

    /// The assistant's stage names, in the order a question goes through them.
    static let pipelineOrder = ["codificar", "recuperar", "montar prompt", "modelo", "validar", "validar e executar", "executar", "conferir"]

    /// The questions that were not right, in file order.
    public var failures: [EvalCase] { cases.filter { !$0.outcome.isRight } }
}

/// Where and when the runs happened, and the runs.
public struct EvalReport: Sendable, Codable {
    public struct Machine: Sendable, Codable, Equatable {
        public var system: String
        public var cpu: String
        public var cores: Int
        public var memoryBytes: Int64

        enum CodingKeys: String, CodingKey {
            case system, cpu, cores
            case memoryBytes = "memory_bytes"
        }

        /// This machine, read from uname and /proc.
        public static func current() -> Machine {
            var name = utsname()
            uname(&name)
            func field<T>(_ value: T) -> String {
                withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
            let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let cpu = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "desconhecida"
            return Machine(system: "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))", cpu: cpu,
                           cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: Int64(ProcessInfo.processInfo.physicalMemory))
        }
    }

    /// One question file's runs, on its database.
    public struct QuestionSet: Sendable, Codable {
        public var file: String
        /// The SQLite file, and the catalog its questions were retrieved from.
        public var database: String
        public var catalog: String
        /// One run per configuration, in the order of `configurations`.
        public var runs: [EvalRun]

        public init(file: String, database: String, catalog: String, runs: [EvalRun]) {
            self.file = file
            self.database = database
            self.catalog = catalog
            self.runs = runs
        }
    }

    /// ISO 8601, when the first run started.
    public var startedAt: String
    public var machine: Machine
    public var configurations: [EvalConfiguration]
    /// Rules switched off for every configuration (`--without`).
    public var rulesOff: [String]
    /// Why the run ended before its last question, in pt-BR (Ctrl-C, the model server gone); nil when it ran to the end.
    public var stopped: String?
    public var sets: [QuestionSet]
    /// Every set's questions together, one run per configuration.
    public var totals: [EvalRun]

    public init(startedAt: Date, machine: Machine, configurations: [EvalConfiguration], rulesOff: [String] = [], stopped: String? = nil,
                sets: [QuestionSet]) {
        self.startedAt = ISO8601DateFormatter().string(from: startedAt)
        self.machine = machine
        self.configurations = configurations
        self.rulesOff = rulesOff
        self.stopped = stopped
        self.sets = sets
        totals = configurations.indices.map { position in
            let runs = sets.compactMap { $0.runs.indices.contains(position) ? $0.runs[position] : nil }
            let seconds = runs.reduce(0) { $0 + $1.elapsedSeconds }
            return EvalRun(configuration: configurations[position], cases: runs.flatMap(\.cases),
                           elapsed: .milliseconds(Int64(seconds * 1000)), interrupted: stopped != nil)
        }
    }

    enum CodingKeys: String, CodingKey {
        case machine, configurations, stopped, sets, totals
        case startedAt = "started_at", rulesOff = "rules_off"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
