import ArgumentParser
import Foundation
import MiniLM
import Retrieval
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
        let (_, retriever, encoder) = try workspaceOptions.openRetriever(workspaceOptions.resolve())
        let context = retriever.retrieve(question: question, vector: encoder.encode(question))
        switch format {
        case .json:
            let json = JSONEncoder()
            json.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try json.encode(context), as: UTF8.self))
        case .text:
            print("Pergunta: \(question)")
            print("Contexto: \(context.tables.count) tabelas, ~\(context.tokenEstimate) tokens (o esquema inteiro tem ~\(retriever.wholeSchemaTokens()))")
            print("\nTabelas:")
            for table in context.tables {
                print("  \(table.name) (pontuação \(String(format: "%.3f", table.score)))")
                for reason in table.reasons { print("    - \(reason)") }
                print("    colunas: \(table.columns.joined(separator: ", "))")
            }
            if !context.joins.isEmpty {
                print("\nJunções:")
                for join in context.joins { print("  \(join.steps.joined(separator: "  →  "))") }
            }
            if !context.terms.isEmpty {
                print("\nGlossário:")
                for term in context.terms { print("  \(term.term): \(term.sql)  (\(term.reason))") }
            }
            print("\nExemplos parecidos:")
            for example in context.examples { print("  \(example.question) (cosseno \(String(format: "%.2f", example.similarity)))\n    \(example.sql)") }
        }
    }
}
