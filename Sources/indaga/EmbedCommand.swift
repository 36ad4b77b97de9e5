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

    @OptionGroup var homeOption: HomeOption

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
        let workspace = homeOption.resolve()
        let encoder = try MiniLMEncoder(folder: workspace.modelFolder)
        let tokens = inputs.map { encoder.tokenizer.encode($0, maxLength: MiniLMEncoder.maxSequenceLength) }
        let vectors = encoder.encode(tokenBatches: tokens)
        let stringEncoder = JSONEncoder()
        stringEncoder.outputFormatting = [.withoutEscapingSlashes]
        for (index, text) in inputs.enumerated() {
            // Written by hand so the keys come in the documented order (text, tokens, embedding);
            // Float's description is its shortest exact decimal, which is valid JSON.
            let quoted = String(decoding: try stringEncoder.encode(text), as: UTF8.self)
            let ids = tokens[index].map(String.init).joined(separator: ",")
            let floats = vectors[index].map { "\($0)" }.joined(separator: ",")
            print("{\"text\":\(quoted),\"tokens\":[\(ids)],\"embedding\":[\(floats)]}")
        }
    }

    /// Lines of a file (LF or CRLF), invalid UTF-8 repaired, without the empty last line.
    ///
    /// Split as bytes: in a Swift String "\r\n" is one Character, which "\n" does not match.
    static func lines(of data: Data) -> [String] {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

}
