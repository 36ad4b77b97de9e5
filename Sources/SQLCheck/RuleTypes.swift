import Foundation

/// What a rule of the accuracy layer did to one query, or saw in its answer: the rule's stable
/// id, for the ledger and for `--without`, and what it did, in pt-BR, for the user.
public struct RuleNote: Sendable, Hashable, Codable {
    public var rule: String
    public var note: String

    public init(_ rule: String, _ note: String) {
        self.rule = rule
        self.note = note
    }
}

/// One rule of the accuracy layer: its id, when it acts, and the general mistake it addresses.
public struct RuleDescription: Sendable, Equatable {
    /// When a rule acts in the pipeline.
    public enum Stage: String, Sendable, CaseIterable {
        /// Refuses a query SQLite would run, as an error the model corrects.
        case validation = "validação"
        /// Rewrites a query that failed validation, without asking the model.
        case repair = "conserto"
        /// Rewrites a valid query before it runs.
        case fix = "ajuste"
        /// Looks at an answer that ran, and asks the model again when it seems to answer something else.
        case check = "olhada"
        /// Rewrites the model's last query after it was told and kept it.
        case late = "ajuste final"
        /// Changes how the model is asked again.
        case retry = "nova tentativa"
    }

    public let id: String
    public let stage: Stage
    /// The general mistake, in pt-BR, one line.
    public let summary: String

    public init(_ id: String, _ stage: Stage, _ summary: String) {
        self.id = id
        self.stage = stage
        self.summary = summary
    }
}

/// Which rules are on: all of them unless switched off by id (`indaga eval --without ID`).
public struct RuleSwitches: Sendable, Equatable {
    public var disabled: Set<String>

    public init(disabled: Set<String> = []) {
        self.disabled = disabled
    }

    public static let allOn = RuleSwitches()

    public func isOn(_ id: String) -> Bool {
        !disabled.contains(id)
    }
}
