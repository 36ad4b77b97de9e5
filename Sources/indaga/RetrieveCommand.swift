import ArgumentParser
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

    func run() throws {
        let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspaceOptions.resolve())
        var options = Retriever.Options()
        options.values = ValueIndex.build(connection: connection, schema: retriever.catalog.schema).links(in: question)
        let context = retriever.retrieve(question: question, vector: encoder.encode(question), options: options)
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
