import Catalog
import Database
import Foundation
import MiniLM
import TestSupport
import Testing

/// Deterministic 384-d vectors from the text, counting how many texts it was asked for.
final class CountingEmbedder: TextEmbedder, @unchecked Sendable {
    let modelIdentifier = "sentence-transformers/all-MiniLM-L6-v2"
    let dimension = 384
    private(set) var embedded = 0

    func embed(_ texts: [String]) -> [[Float]] {
        embedded += texts.count
        return texts.map { text in
            var state = UInt64(truncatingIfNeeded: text.hashValue) | 1
            return (0..<384).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return Float(state >> 40) / Float(1 << 24) - 0.5
            }
        }
    }
}

@Suite("indaga refresh: the embeddings store follows the metadata")
struct RefreshTests {
    /// A scratch copy of the bundled metadata, with the bundled database.
    func job(_ folder: TemporaryFolder) throws -> RefreshJob {
        let metadata = folder.url.appendingPathComponent("metadata/escola")
        try FileManager.default.createDirectory(at: metadata.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Bundled.metadataFolder, to: metadata)
        return RefreshJob(database: try Bundled.database.get(), catalogName: "escola", metadataFolder: metadata,
                          embeddingsFolder: folder.url.appendingPathComponent("embeddings/escola"))
    }

    @Test("the committed store matches the committed metadata (refresh --check)")
    func committedStoreIsCurrent() throws {
        let repository = Bundled.metadataFolder.deletingLastPathComponent().deletingLastPathComponent()
        let job = RefreshJob(database: try Bundled.database.get(), catalogName: "escola", metadataFolder: Bundled.metadataFolder,
                             embeddingsFolder: repository.appendingPathComponent("embeddings/escola"))
        let summary = try job.run(check: true) { CountingEmbedder() }
        #expect(!summary.stale, "stale: added \(summary.added), changed \(summary.changed), removed \(summary.removed)")
    }

    @Test("only changed documents are embedded again; removed ones are dropped; --check sees it")
    func incremental() throws {
        let folder = try TemporaryFolder()
        let job = try job(folder)
        let embedder = CountingEmbedder()
        let first = try job.run(check: false) { embedder }
        #expect(first.added.count == embedder.embedded && first.embedded > 150)
        #expect(try job.run(check: true) { embedder }.stale == false)

        let second = try job.run(check: false) { embedder }
        #expect(second.embedded == 0 && !second.stale)

        // Edit one column's description and delete one example.
        let file = job.metadataFolder.appendingPathComponent("escolas.yaml")
        try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "Município onde fica a escola.", with: "Cidade onde fica a escola.")
            .write(to: file, atomically: true, encoding: .utf8)
        let examples = job.metadataFolder.appendingPathComponent("examples.yaml")
        let text = try String(contentsOf: examples, encoding: .utf8)
        let cut = text.range(of: "  - pergunta: Em que cidades ficam as escolas?")!
        let next = text.range(of: "  - pergunta:", range: cut.upperBound..<text.endIndex)!
        try (String(text[..<cut.lowerBound]) + String(text[next.lowerBound...])).write(to: examples, atomically: true, encoding: .utf8)

        #expect(try job.run(check: true) { embedder }.stale)
        let before = embedder.embedded
        let third = try job.run(check: false) { embedder }
        #expect(third.changed == ["coluna:escolas.cidade"])
        #expect(third.removed.count == 1 && third.added.isEmpty)
        #expect(embedder.embedded - before == 1)
        let store = try #require(try EmbeddingStore.load(from: job.embeddingsFolder, encoder: embedder.modelIdentifier, dimension: 384))
        #expect(store.manifest.documents.count == first.added.count - 1)
    }

    @Test("a table without metadata gets a starter file marked auto, and loads as such")
    func starterMetadata() throws {
        let folder = try TemporaryFolder()
        let job = try job(folder)
        try FileManager.default.removeItem(at: job.metadataFolder.appendingPathComponent("turmas.yaml"))
        let summary = try job.run(check: false) { CountingEmbedder() }
        #expect(summary.starterFiles == [job.metadataFolder.appendingPathComponent("turmas.yaml").path])
        let starter = try #require(try CatalogMetadata.load(from: job.metadataFolder).table(named: "turmas"))
        #expect(starter.auto)
        #expect(starter.columns.map(\.name) == ["id", "escola_id", "codigo", "fase", "ano_letivo", "turno"])
        #expect(starter.column(named: "turno")?.role == .category && starter.column(named: "turno")?.values["manhã"] == "")
        #expect(starter.column(named: "escola_id")?.role == .reference && starter.column(named: "ano_letivo")?.role == .year)
        #expect(try job.run(check: true) { CountingEmbedder() }.stale == false)
    }

    @Test("a second refresh while one runs is refused; a lock left by a dead process is taken over")
    func lock() throws {
        let folder = try TemporaryFolder()
        let job = try job(folder)
        try FileManager.default.createDirectory(at: job.embeddingsFolder, withIntermediateDirectories: true)
        let lock = job.embeddingsFolder.appendingPathComponent(".refresh.lock")
        try "\(getpid())\n".write(to: lock, atomically: true, encoding: .utf8)
        let error = #expect(throws: RefreshError.self) { try job.run(check: false) { CountingEmbedder() } }
        #expect(error?.errorDescription?.contains("outro indaga refresh está rodando") == true)
        try "999999999\n".write(to: lock, atomically: true, encoding: .utf8)
        #expect(try job.run(check: false) { CountingEmbedder() }.embedded > 0)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    @Test("an empty database has nothing to index")
    func emptyDatabase() throws {
        let folder = try TemporaryFolder()
        _ = try Connection(path: folder.path("vazio.sqlite"), mode: .create)
        let job = RefreshJob(database: folder.path("vazio.sqlite"), catalogName: "vazio",
                             metadataFolder: folder.url.appendingPathComponent("m"), embeddingsFolder: folder.url.appendingPathComponent("e"))
        #expect(throws: RefreshError.emptyDatabase(folder.path("vazio.sqlite"))) { try job.run(check: false) { CountingEmbedder() } }
    }

    @Test("a store from another encoder or with damaged vectors asks for a refresh")
    func badStores() throws {
        let folder = try TemporaryFolder()
        let job = try job(folder)
        _ = try job.run(check: false) { CountingEmbedder() }
        let otherEncoder = #expect(throws: StoreError.self) { try EmbeddingStore.load(from: job.embeddingsFolder, encoder: "outro-modelo", dimension: 384) }
        #expect(otherEncoder?.errorDescription?.contains("rode indaga refresh") == true)
        let vectors = job.embeddingsFolder.appendingPathComponent(EmbeddingStore.vectorsName)
        var bytes = try Data(contentsOf: vectors)
        bytes[0] ^= 0xFF
        try bytes.write(to: vectors)
        let damaged = #expect(throws: StoreError.self) {
            try EmbeddingStore.load(from: job.embeddingsFolder, encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384)
        }
        #expect(damaged?.errorDescription?.contains("danificados") == true)
        // A refresh repairs it.
        #expect(try job.run(check: false) { CountingEmbedder() }.stale)
        #expect(throws: Never.self) { try EmbeddingStore.load(from: job.embeddingsFolder, encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384) }
    }
}
