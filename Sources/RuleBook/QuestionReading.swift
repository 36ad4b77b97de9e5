import Foundation
import Retrieval
import SQLCheck

/// What a question asks for, read once before any rule looks at a query: how many, per group,
/// a date, the thresholds and years it says. Rules read this value, never the raw text again.
/// The words it reads by are in `QuestionWords`.
public struct QuestionReading: Sendable {
    /// The question, abbreviations spelled out ("qtos" → "quantos").
    public let text: String
    public let asksHowMany: Bool
    public let asksPerGroup: Bool
    public let asksForDate: Bool
    /// The years (and months) said, first to last.
    public let periods: [Period]
    /// "No ano anterior": the years named relative to one said.
    public let relativeYears: [Int]
    /// "Nos três anos, 2022, 2023 e 2024": the years a row must hold in, all of them.
    public let allYears: [Int]?
    /// "Menos de 5", "acima de 90%": the words, the number as said, and how a query may write it.
    public let thresholds: [Threshold]
    /// The noun "quantos" counts ("alunos" in "quantos alunos…").
    public let countedNoun: String?
    /// "O melhor aluno de cada unidade": the word after "cada".
    public let bestPerGroup: String?

    public struct Threshold: Sendable, Equatable {
        public let said: String
        public let number: String
        public let accepted: [Double]
    }

    public init(_ question: String) {
        text = question
        asksHowMany = Self.asksHowMany(question)
        asksPerGroup = Self.asksPerGroup(question)
        asksForDate = Self.asksForDate(question)
        periods = PeriodFilters.periods(in: question)
        relativeYears = PeriodFilters.relativeYears(in: question)
        allYears = AllPeriods.years(in: question)
        thresholds = Self.thresholds(in: question)
        countedNoun = Self.countedNoun(question)
        bestPerGroup = Self.bestPerGroup(question)
    }

    /// The one year said, when the question says exactly one.
    public var singleYear: Int? {
        periods.count == 1 ? periods[0].year : nil
    }

    static func asksHowMany(_ question: String) -> Bool {
        let words = Set(question.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        return !words.isDisjoint(with: QuestionWords.howMany)
    }

    static func asksPerGroup(_ question: String) -> Bool {
        !Set(PortugueseTerms.words(question)).isDisjoint(with: QuestionWords.perGroup)
    }

    /// "Qual foi a data da primeira evasão", "em que dia", "quando saiu".
    static func asksForDate(_ question: String) -> Bool {
        PortugueseTerms.fold(question).firstMatch(
            of: QuestionReading.asksDate) != nil
    }

    static func countedNoun(_ question: String) -> String? {
        PortugueseTerms.fold(question).firstMatch(of: QuestionReading.countedNounPattern).map { String($0.1) }
    }

    /// "A turma com mais evasões em cada escola": the word after "cada". "Mais de 200 acessos em
    /// cada escola" and "maior que 8" compare; they pick nothing.
    static func bestPerGroup(_ question: String) -> String? {
        let folded = PortugueseTerms.fold(question)
        let pattern = QuestionReading.bestPerGroupPattern
        return folded.firstMatch(of: pattern).map { String($0.1) }
    }

    /// The thresholds said ("menos de 5", "abaixo de 90%", "4 ou mais"): the numbers a query may
    /// write each as are 90 and 0.9 for "90%", and for any number above 1, which may be a
    /// percentage said without the sign. Years are left out.
    static func thresholds(in question: String) -> [Threshold] {
        let folded = PortugueseTerms.fold(question)
        let before = QuestionReading.thresholdBefore
        let after = QuestionReading.thresholdAfter
        var found = folded.matches(of: before).map { (String($0.0), String($0.1), $0.2 != nil) }
        found += folded.matches(of: after).map { (String($0.0), String($0.1), false) }
        return found.compactMap { said, text, percent in
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), !(1900...2099).contains(value) || text.count != 4 else { return nil }
            return Threshold(said: said.trimmingCharacters(in: .whitespaces), number: text, accepted: percent || value > 1 ? [value, value / 100] : [value])
        }
    }

    /// Whether the question says one of `phrases`, by stems or word for word (`PortugueseTerms.says`).
    public func says(anyOf phrases: [String]) -> Bool {
        Self.says(anyOf: phrases, in: text)
    }

    /// Whether `text` (a question, or a noun of it) says one of `phrases`.
    static func says(anyOf phrases: [String], in text: String) -> Bool {
        let questionTerms = " " + PortugueseTerms.terms(text).joined(separator: " ") + " "
        let questionWords = " " + PortugueseTerms.words(text).joined(separator: " ") + " "
        return phrases.contains { PortugueseTerms.says($0, questionTerms: questionTerms, questionWords: questionWords) }
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension QuestionReading {
    nonisolated(unsafe) private static let asksDate = #/\b(?:qual|quais|em\s+que)\s+(?:foi\s+|foram\s+|e\s+|era\s+|sao\s+)?(?:a\s+|as\s+|o\s+)?(?:data|datas|dia)\b|\bquando\b/#
    nonisolated(unsafe) private static let countedNounPattern = #/\bquant(?:os|as|idade\s+de)\s+(\w+)/#
    nonisolated(unsafe) private static let bestPerGroupPattern = #/\b(?:melhor|maior|menor|pior|primeir[oa]|ultim[oa]|mais|menos)\b(?!\s+(?:de|do|da|dos|das|que|do\s+que)\b)(?:\s+\S+){0,6}?\s+(?:de|em|por|para)\s+cada\s+(\w+)/#
    nonisolated(unsafe) private static let thresholdBefore = #/\b(?:menos\s+de|mais\s+de|acima\s+de|abaixo\s+de|maior(?:\s+do)?\s+que|menor(?:\s+do)?\s+que|inferior\s+a|superior\s+a|pelo\s+menos|no\s+minimo|no\s+maximo)\s+(\d+(?:[.,]\d+)?)\s*(%|por\s*cento|pontos\s+percentuais)?/#
    nonisolated(unsafe) private static let thresholdAfter = #/\b(\d+(?:[.,]\d+)?)\s+ou\s+(?:mais|menos)\b/#
}
