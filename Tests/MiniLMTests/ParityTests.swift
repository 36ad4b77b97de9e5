import Foundation
import MiniLM
import Testing

@Suite("Parity with sentence-transformers")
struct ParityTests {
    @Test("the fixture covers what the issue asks for")
    func fixtureCoverage() {
        let texts = ReferenceText.all
        #expect(texts.count >= 60)
        #expect(texts.contains { $0.text.isEmpty })
        #expect(texts.contains { $0.tokens.count == 256 })
        #expect(texts.contains { $0.text.contains("ç") && $0.text.contains("ã") })
        #expect(texts.contains { $0.text.contains("😀") })
        #expect(texts.contains { $0.text == "nota_matematica" })
    }

    @Test("token ids are identical, cosine ≥ 0.9999, unit norm", arguments: ReferenceText.all)
    func matchesReference(reference: ReferenceText) throws {
        let encoder = try SharedEncoder.get()
        #expect(encoder.tokenizer.encode(reference.text) == reference.tokens)
        let vector = encoder.encode(reference.text)
        #expect(vector.count == 384)
        #expect(cosine(vector, reference.embedding) >= 0.9999)
        #expect(abs(norm(vector) - 1) < 1e-5)
    }

    @Test("a batch gives exactly the vectors of one text at a time")
    func batchEqualsSingle() throws {
        let encoder = try SharedEncoder.get()
        let texts = ReferenceText.all.map(\.text)
        let batch = encoder.encode(texts)
        #expect(batch.count == texts.count)
        for (text, vector) in zip(texts, batch) {
            #expect(vector == encoder.encode(text), "\(text.prefix(30))")
        }
    }

    @Test("the published similarity matrix is reproduced")
    func publishedSimilarities() throws {
        let encoder = try SharedEncoder.get()
        let v = encoder.encode(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
        #expect(abs(cosine(v[0], v[1]) - 0.6660) < 1e-3)
        #expect(abs(cosine(v[0], v[2]) - 0.1046) < 1e-3)
        #expect(abs(cosine(v[1], v[2]) - 0.1411) < 1e-3)
        let expected: [Float] = [0.019196, 0.120085, 0.159598, 0.067066, 0.050075, -0.025919]
        for (value, reference) in zip(v[0], expected) {
            #expect(abs(value - reference) < 1e-5)
        }
    }

    @Test("one encoder serves several threads at once with the same results")
    func concurrentUse() async throws {
        let encoder = try SharedEncoder.get()
        let texts = Array(ReferenceText.all.prefix(8).map(\.text))
        let expected = texts.map { encoder.encode($0) }
        let results = await withTaskGroup(of: (Int, [Float]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, encoder.encode(text)) }
            }
            var results = [[Float]](repeating: [], count: texts.count)
            for await (index, vector) in group { results[index] = vector }
            return results
        }
        #expect(results == expected)
    }
}
