import ArgumentParser
import Foundation
import MiniLM
import Workspace

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Mostra os tokens e o vetor (embedding) do MiniLM de cada texto, uma linha JSON por texto.",
        discussion: "Sem textos nem --file, lê um texto por linha da entrada padrão."
    )

    @Argument(help: ArgumentHelp("Textos a codificar.", valueName: "texto"))
    var texts: [String] = []

    @Option(help: ArgumentHelp("Arquivo com um texto por linha.", valueName: "arquivo"))
    var file: String?

    @Option(help: ArgumentHelp("Pasta do projeto (padrão: INDAGA_HOME, ou a pasta atual).", valueName: "pasta"))
    var home: String?

    func run() throws {
        var inputs = texts
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandFailure(message: "não foi possível ler '\(file)'; confira o caminho em --file")
            }
            inputs += Self.lines(of: data)
        }
        if texts.isEmpty && file == nil {
            inputs = Self.lines(of: FileHandle.standardInput.readDataToEndOfFile())
        }
        let workspace = Workspace.resolve(homeFlag: home)
        let encoder = try MiniLMEncoder(folder: workspace.modelFolder)
        let tokens = inputs.map { encoder.tokenizer.encode($0, maxLength: MiniLMEncoder.maxSequenceLength) }
        let vectors = encoder.encode(tokenBatches: tokens)
        let encoderJSON = JSONEncoder()
        encoderJSON.outputFormatting = [.withoutEscapingSlashes]
        for (index, text) in inputs.enumerated() {
            let line = EmbeddingLine(text: text, tokens: tokens[index], embedding: vectors[index])
            print(String(decoding: try encoderJSON.encode(line), as: UTF8.self))
        }
    }

    /// Lines of a file, invalid UTF-8 repaired, without the empty last line.
    static func lines(of data: Data) -> [String] {
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    private struct EmbeddingLine: Encodable {
        let text: String
        let tokens: [Int32]
        let embedding: [Float]
    }
}
