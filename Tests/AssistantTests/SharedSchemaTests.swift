@testable import Assistant
import Catalog
import Database
import Foundation
import LLM
import Retrieval
import TestSupport
import Testing

/// A schema that fits the budget opens every prompt of its catalog, the same text each time, so
/// that a server's prompt cache processes it once; the question's own part comes after it.
@Suite("The whole schema as the prompt's shared start")
struct SharedSchemaTests {
    /// A budget both schemas below fit (the flights' ~50 tokens, escola's ~1,700); off by default.
    static let sharing: Assistant.Options = {
        var options = Assistant.Options()
        options.sharedSchemaBudget = 2_500
        return options
    }()

    /// Escola (a person's catalog) and the flights a machine described, each with two questions
    /// about different tables.
    static func catalogs() throws -> [(name: String, assistant: Assistant, questions: [String])] {
        let (escola, _) = try Setup.assistant(replies: ["SELECT 1"], options: sharing)
        let (database, retriever) = try MachineCatalogChecksTests.flights.get()
        let (flights, _) = try Setup.assistant(replies: ["SELECT 1"], database: database, retriever: retriever, options: sharing)
        return [
            ("escola", escola, ["Quantos alunos há?", "Quais turmas da escola 1 têm mais evasões em 2023?"]),
            ("voos", flights, ["quantos voos partiram de JFK em 2013?", "quantas pilotas há?"]),
        ]
    }

    @Test("every question's prompt opens with the same text, to the end of the whole schema; the tables chosen follow, most likely first")
    func sharedStart() throws {
        for (name, assistant, questions) in try Self.catalogs() {
            let prefix = try #require(assistant.sharedPrefix, "\(name)")
            for table in assistant.retriever.catalog.schema.tables {
                #expect(prefix.contains("CREATE TABLE \(table.name) ("), "\(name): \(table.name)")
            }
            #expect(!prefix.contains("Pergunta:") && !prefix.contains("Tabelas desta pergunta"), "\(name)")
            for question in questions {
                let context = assistant.context(for: question)
                let prompt = assistant.generationPrompt(question, context: context)
                #expect(prompt.hasPrefix(prefix), "\(name): \(question)")
                let rest = prompt.dropFirst(prefix.count)
                let chosen = context.tables.map(\.name).joined(separator: ", ")
                #expect(rest.contains("Tabelas desta pergunta, a mais provável primeiro: \(chosen).\n"), "\(name): \(rest)")
                #expect(!rest.contains("CREATE TABLE"), "\(name): the schema is said once")
                #expect(rest.hasSuffix("Pergunta: \(assistant.retriever.normalizer.spellOut(question))\nSQL:\n"), "\(name): \(rest)")
            }
        }
    }

    @Test("a schema over the budget, or a budget of 0 (the default): only the tables chosen, with their joins, and no shared start")
    func overBudget() throws {
        #expect(Assistant.Options().sharedSchemaBudget == 0)
        for (name, assistant, questions) in try Self.catalogs() {
            for budget in [assistant.wholeSchemaTokens - 1, 0] {
                assistant.options.sharedSchemaBudget = budget
                #expect(assistant.sharedPrefix == nil && assistant.warmUpRequest == nil, "\(name)")
                let context = assistant.context(for: questions[1])
                let prompt = assistant.generationPrompt(questions[1], context: context)
                #expect(prompt.components(separatedBy: "CREATE TABLE ").count - 1 == context.tables.count, "\(name)")
                #expect(!prompt.contains("Tabelas desta pergunta"), "\(name)")
                if let joins = ContextRenderer.joins(context) { #expect(prompt.contains(");\n" + joins + "\n"), "\(name)") }
            }
        }
    }

    @Test("a template written before {{focus}} still names the tables chosen, before the values")
    func oldTemplate() throws {
        let (_, retriever, encoder, prompts) = try Setup.parts.get()
        let (database, _, _, _) = try Setup.parts.get()
        let old = PromptTemplates(generation: prompts.generation.replacingOccurrences(of: "{{focus}}", with: ""), correction: prompts.correction)
        let assistant = Assistant(connection: try Connection(path: database, mode: .readOnly), retriever: retriever, encoder: encoder, client: nil,
                                  prompts: old, options: Self.sharing)
        let question = "Quantos alunos há?"
        let prompt = assistant.generationPrompt(question, context: assistant.context(for: question))
        #expect(prompt.hasPrefix(try #require(assistant.sharedPrefix)))
        #expect(prompt.contains("\nTabelas desta pergunta, a mais provável primeiro: "))
    }

    @Test("with a prompt cache, a catalog's second question, or its first after the warm-up, processes only its own part")
    func cachedAcrossQuestions() throws {
        let (_, _, encoder, prompts) = try Setup.parts.get()
        func cached(like template: Assistant) throws -> (Assistant, FakeOllama) {
            let model = try FakeOllama(caching: true) { _ in "SELECT 1 AS um" }
            let client = OllamaClient(endpoint: LLMEndpoint(baseURL: model.baseURL, api: .ollama, model: "fake"), retry: .none)
            return (Assistant(connection: template.connection, retriever: template.retriever, encoder: encoder, client: client,
                              prompts: prompts, options: Self.sharing), model)
        }
        for (name, template, questions) in try Self.catalogs() {
            let (assistant, server) = try cached(like: template)
            let first = assistant.ask(questions[0]).attempts.first, second = assistant.ask(questions[1]).attempts.first
            #expect(first?.cachedPromptTokens == 0, "\(name)")
            let processed = try #require(second?.processedPromptTokens), sent = try #require(second?.promptTokens)
            #expect(processed * 3 < sent, "\(name): \(processed) de \(sent)")
            withExtendedLifetime(server) {}

            // The warm-up asks for one token, with the context the prompts need, and leaves its cache to the first question.
            let (warmed, model) = try cached(like: template)
            let warm = try #require(warmed.warmUpRequest)
            _ = try warm.client.chat(warm.request, cancellation: nil, onDelta: nil)
            let options = model.server.requests.last?.json?["options"] as? [String: Any]
            #expect(options?["num_predict"] as? Int == 1 && options?["num_ctx"] as? Int == 8_192, "\(name)")
            let afterWarmUp = try #require(warmed.ask(questions[0]).attempts.first)
            let own = try #require(afterWarmUp.processedPromptTokens), whole = try #require(afterWarmUp.promptTokens)
            #expect(own * 3 < whole, "\(name): \(own) de \(whole)")
        }
    }
}
