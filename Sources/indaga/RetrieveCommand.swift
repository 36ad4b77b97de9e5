import ArgumentParser
import Assistant
import Foundation
import MiniLM
import Retrieval
import Session
import Workspace

struct RetrieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Mostra o que o indaga mandaria ao modelo para uma pergunta: tabelas, colunas, junções, termos e exemplos, com os motivos."
    )

    @Argument(help: ArgumentHelp("A pergunta, em português.", valueName: "pergunta"))
    var question: String

    @OptionGroup var workspaceOptions: WorkspaceOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: ArgumentHelp("Formato da saída: text ou json.", valueName: "formato"))
    var format: Format = .text

    @Flag(help: "Mostra o prompt exato que o modelo receberia, em vez dos motivos.")
    var prompt = false

    func run() throws {
        let workspace = workspaceOptions.resolve()
        let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
        let assistant = Assistant(connection: connection, retriever: retriever, encoder: encoder, client: nil,
                                  prompts: try PromptTemplates.load(from: workspace.promptsFolder))
        let context = assistant.context(for: question)
        if prompt {
            print(assistant.generationPrompt(question, context: context))
            return
        }
        switch format {
        case .json:
            let json = JSONEncoder()
            json.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try json.encode(context), as: UTF8.self))
        case .text:
            print(ContextText.render(context, question: question, wholeSchemaTokens: retriever.wholeSchemaTokens()))
        }
    }
}
