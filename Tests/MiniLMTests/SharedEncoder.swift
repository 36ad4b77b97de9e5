import Foundation
import MiniLM
import Testing

/// Paths in the repository, found from this file (tests run from anywhere).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelFolder = root.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let fixture = root.appendingPathComponent("Tests/MiniLMTests/Fixtures/reference-embeddings.json")
}

/// The real weights, loaded once per test process (scripts/test.sh fetches them first).
enum SharedEncoder {
    static let result: Result<MiniLMEncoder, Error> = Result { try MiniLMEncoder(folder: Repository.modelFolder) }

    static func get() throws -> MiniLMEncoder {
        try result.get()
    }
}

/// One text of the sentence-transformers fixture (bench/encoder_reference.py fixture).
struct ReferenceText: Decodable, Sendable, CustomTestStringConvertible {
    let text: String
    let tokens: [Int32]
    let embedding: [Float]

    var testDescription: String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return shown.debugDescription
    }

    static let all: [ReferenceText] = {
        struct File: Decodable { let texts: [ReferenceText] }
        guard let data = try? Data(contentsOf: Repository.fixture),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.texts
    }()
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, normA = 0.0, normB = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        normA += Double(x) * Double(x)
        normB += Double(y) * Double(y)
    }
    return dot / (normA.squareRoot() * normB.squareRoot())
}

func norm(_ a: [Float]) -> Double {
    a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}
