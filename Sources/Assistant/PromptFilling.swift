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
        let shared = sharesWholeSchema
        return filledGeneration(schema: shared ? wholeSchemaText : ContextRenderer.schema(context, catalog: retriever.catalog), [
            "focus": shared ? ContextRenderer.focus(context) : "",
            "values": ContextRenderer.values(context),
            "periods": ContextRenderer.periods(context),
            "glossary": ContextRenderer.glossary(context),
            "examples": ContextRenderer.examples(context),
            "conversation": ContextRenderer.conversation(history),
            "question": asked + (note.map { "\n(Uma consulta anterior para esta pergunta não serviu: \($0).)" } ?? ""),
        ])
    }

    /// Whether this catalog's prompts open with its whole schema (`Options.sharedSchemaBudget`).
    public var sharesWholeSchema: Bool {
        options.retrieval && options.sharedSchemaBudget > 0 && wholeSchemaTokens <= options.sharedSchemaBudget
    }

    /// What every question's first prompt starts with, to the end of the whole schema; nil when
    /// prompts share no schema. Sent once ahead (`warmUpRequest`), the server has it cached.
    public var sharedPrefix: String? {
        guard sharesWholeSchema else { return nil }
        // A control character cannot come from data (`ContextRenderer.data` blanks them).
        let marker = "\u{1}"
        let filled = filledGeneration(schema: wholeSchemaText, ["focus": marker, "values": marker])
        return filled.range(of: marker).map { String(filled[..<$0.lowerBound]) }
    }

    /// The request that puts `sharedPrefix` in the server's prompt cache: one token asked for, so
    /// that a REPL can send it while the person types the first question.
    public var warmUpRequest: (client: ChatClient, request: ChatRequest)? {
        guard let client, let prefix = sharedPrefix else { return nil }
        var generation = options.generation
        generation.maxTokens = 1
        return (client, ChatRequest(model: client.endpoint.model, messages: [ChatMessage(.user, prefix)], options: generation))
    }

    /// The generation template with what every prompt of the catalog holds (domain, house rules,
    /// `schema`) and `values`. A template written before `{{focus}}` existed gets it with the values.
    private func filledGeneration(schema: String, _ values: [String: String]) -> String {
        var values = values
        values["domain"] = ContextRenderer.domain(retriever.catalog)
        values["rules"] = ContextRenderer.houseRules(retriever.catalog)
        values["schema"] = schema
        values["dialect"] = connection.dialect.displayName
        values["dates"] = ContextRenderer.dates(connection.dialect)
        if !prompts.generation.contains("{{focus}}") {
            values["values"] = (values["focus"] ?? "") + (values["values"] ?? "")
        }
        return PromptTemplates.fill(prompts.generation, values)
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
