import Catalog
import Database
import Foundation
import LLM
import MiniLM
import Retrieval
import RuleBook
import SQLCheck

/// The messages the model gets: the first prompt, filled with the context, and each correction.
extension Assistant {
    /// The first message the model gets: the template filled with the context, and the question
    /// spelled out ("qtos" as "quantos"; the whole-schema baseline reads it as typed), with `note`
    /// (what a query sent before got wrong) right under it.
    public func generationPrompt(_ question: String, context: RetrievedContext, history: [Turn] = [], note: String? = nil) -> String {
        let asked = options.retrieval ? retriever.normalizer.spellOut(question) : question
        return PromptTemplates.fill(prompts.generation, [
            "domain": ContextRenderer.domain(retriever.catalog),
            "rules": ContextRenderer.houseRules(retriever.catalog),
            "schema": ContextRenderer.schema(context, catalog: retriever.catalog),
            "values": ContextRenderer.values(context),
            "periods": ContextRenderer.periods(context),
            "glossary": ContextRenderer.glossary(context),
            "examples": ContextRenderer.examples(context),
            "conversation": ContextRenderer.conversation(history),
            "question": asked + (note.map { "\n(Uma consulta anterior para esta pergunta não serviu: \($0).)" } ?? ""),
        ])
    }

    func correction(sql: String, problem: String, hints: [String]) -> ChatMessage {
        ChatMessage(.user, PromptTemplates.fill(prompts.correction, [
            "sql": sql, "problem": problem, "hints": hints.isEmpty ? "" : "Dica: " + hints.joined(separator: "; ") + "\n",
        ]))
    }

    /// What retrieval searches with: the question, plus the previous one when this is a
    /// follow-up ("e em 2023?", "só da turma 5B") that names no tables of its own.
    static func retrievalText(for question: String, history: [Turn]) -> String {
        guard let previous = history.last else { return question }
        let words = question.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let opensFollowUp = ["e", "só", "so", "agora", "apenas", "mas", "então", "entao", "e quanto", "mesmo"].contains { opener in
            question.lowercased().hasPrefix(opener + " ")
        }
        return opensFollowUp || words.count <= 3 ? previous.question + " " + question : question
    }
}
