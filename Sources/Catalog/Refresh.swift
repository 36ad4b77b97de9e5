import Database
import Foundation
import MiniLM
import Yams

/// What `indaga refresh` did (or, with --check, would do).
public struct RefreshSummary: Sendable {
    public var tables = 0
    public var columns = 0
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    public var embedded = 0
    public var starterFiles: [String] = []
    public var warnings: [String] = []
    public var duration: Duration = .zero
    /// True when the store on disk does not match the metadata (what --check reports).
    public var stale: Bool { !added.isEmpty || !changed.isEmpty || !removed.isEmpty || reordered }
    var reordered = false
}

public enum RefreshError: Error, Sendable, Equatable, LocalizedError {
    case emptyDatabase(String)
    case locked(String, pid: Int32)

    public var errorDescription: String? {
        switch self {
        case .emptyDatabase(let path):
            return "o banco \(path) não tem tabelas; não há nada para indexar"
        case .locked(let lock, let pid):
            return "outro indaga refresh está rodando (processo \(pid)); espere ele terminar ou, se ele não existe mais, apague \(lock)"
        }
    }
}

/// The refresh job: schema ⊕ metadata → documents → embeddings, only where something changed.
public struct RefreshJob {
    public let database: String
    public let catalogName: String
    public let metadataFolder: URL
    public let embeddingsFolder: URL

    public init(database: String, catalogName: String, metadataFolder: URL, embeddingsFolder: URL) {
        self.database = database
        self.catalogName = catalogName
        self.metadataFolder = metadataFolder
        self.embeddingsFolder = embeddingsFolder
    }

    /// Reads the database and the metadata into a catalog (no embedding).
    public func catalog() throws -> (Catalog, [String]) {
        let schema = try Connection(path: database, mode: .readOnly).introspect()
        guard !schema.tables.isEmpty else { throw RefreshError.emptyDatabase(database) }
        let metadata = try CatalogMetadata.load(from: metadataFolder)
        return (Catalog(name: catalogName, schema: schema, metadata: metadata), metadata.warnings(against: schema))
    }

    /// The verified examples that no longer compile against the database (one that reads a
    /// dropped column would answer with an error), as warnings. Only refresh reports them; the
    /// pipeline skips such an example on its own.
    func staleExamples(_ examples: [VerifiedExample]) throws -> [String] {
        let connection = try Connection(path: database, mode: .readOnly)
        return examples.compactMap { example in
            do {
                _ = try connection.prepareGenerated(example.sql)
                return nil
            } catch {
                return "o exemplo verificado \"\(example.question)\" não roda mais neste banco (\(error.localizedDescription)); "
                    + "corrija ou apague-o em examples.yaml (até lá, ele é ignorado)"
            }
        }
    }

    /// Runs the job. With `check`, writes nothing and only reports whether the store is stale.
    ///
    /// - Parameter embedder: made only when something must be embedded (loading it takes time).
    public func run(check: Bool, embedder: () throws -> TextEmbedder) throws -> RefreshSummary {
        let started = ContinuousClock.now
        let (catalog, warnings) = try catalog()
        var summary = RefreshSummary()
        summary.tables = catalog.schema.tables.count
        summary.columns = catalog.schema.tables.reduce(0) { $0 + $1.columns.count }
        summary.warnings = warnings + (try staleExamples(catalog.metadata.examples))

        let lock = check ? nil : try RefreshLock(folder: embeddingsFolder)
        defer { lock?.release() }

        // The identity of the encoder is only needed to read the store; MiniLM's is fixed.
        let existing = (try? EmbeddingStore.load(from: embeddingsFolder, encoder: Self.encoderID, dimension: Self.dimension)) ?? nil
        var known: [String: (hash: String, index: Int)] = [:]
        for (index, entry) in (existing?.manifest.documents ?? []).enumerated() {
            known[entry.id] = (entry.hash, index)
        }
        let current = Set(catalog.documents.map(\.id))
        for document in catalog.documents {
            switch known[document.id] {
            case nil: summary.added.append(document.id)
            case let (hash, _)? where hash != document.hash: summary.changed.append(document.id)
            default: break
            }
        }
        summary.removed = (existing?.manifest.documents ?? []).map(\.id).filter { !current.contains($0) }
        summary.reordered = existing.map { $0.manifest.documents.map(\.id) != catalog.documents.map(\.id) } ?? true

        if !check {
            for table in catalog.tablesWithoutMetadata {
                summary.starterFiles.append(try writeStarter(for: table, in: catalog))
            }
            if summary.stale {
                let (store, embedded) = try Self.store(for: catalog, reusing: existing, embedder: embedder)
                summary.embedded = embedded
                try store.write(to: embeddingsFolder)
            }
        }
        summary.duration = ContinuousClock.now - started
        return summary
    }

    /// The store of `catalog` held in memory, for a reader that finds the catalog on disk stale
    /// while another process refreshes it: nothing is written and no lock is taken.
    public func storeInMemory(embedder: () throws -> TextEmbedder) throws -> (Catalog, EmbeddingStore) {
        let (catalog, _) = try catalog()
        let existing = (try? EmbeddingStore.load(from: embeddingsFolder, encoder: Self.encoderID, dimension: Self.dimension)) ?? nil
        return (catalog, try Self.store(for: catalog, reusing: existing, embedder: embedder).store)
    }

    static let encoderID = "sentence-transformers/all-MiniLM-L6-v2"
    static let dimension = 384

    /// The catalog's vectors: those of `existing` whose document is unchanged, the others embedded.
    static func store(for catalog: Catalog, reusing existing: EmbeddingStore?, embedder: () throws -> TextEmbedder) throws -> (store: EmbeddingStore, embedded: Int) {
        var known: [String: (hash: String, index: Int)] = [:]
        for (index, entry) in (existing?.manifest.documents ?? []).enumerated() {
            known[entry.id] = (entry.hash, index)
        }
        let toEmbed = catalog.documents.filter { document in known[document.id].map { $0.hash != document.hash } ?? true }
        let fresh = toEmbed.isEmpty ? [] : try embedder().embed(toEmbed.map(\.text))
        var freshByID: [String: [Float]] = [:]
        for (document, vector) in zip(toEmbed, fresh) { freshByID[document.id] = vector }
        var vectors: [Float] = []
        vectors.reserveCapacity(catalog.documents.count * dimension)
        for document in catalog.documents {
            if let vector = freshByID[document.id] {
                vectors += vector
            } else if let existing, let index = known[document.id]?.index {
                vectors += existing.vector(at: index)
            }
        }
        let store = EmbeddingStore(encoder: encoderID, dimension: dimension, documents: catalog.documents.map { ($0.id, $0.hash) }, vectors: vectors)
        return (store, toEmbed.count)
    }

    /// Writes `metadata/<db>/<table>.yaml` with the starter entry, for a person to complete.
    private func writeStarter(for table: String, in catalog: Catalog) throws -> String {
        guard let entry = catalog.metadata.table(named: table) else { return table }
        try FileManager.default.createDirectory(at: metadataFolder, withIntermediateDirectories: true)
        let file = metadataFolder.appendingPathComponent("\(table).yaml")
        guard !FileManager.default.fileExists(atPath: file.path) else { return file.path }
        let yaml = try YAMLEncoder().encode(entry)
        let header = "# Escrito por indaga refresh a partir do esquema (auto: true). Complete as descrições e os sinônimos.\n"
        try (header + yaml).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// A lock file beside the store, so two refreshes of one catalog never run at once.
final class RefreshLock {
    let path: String

    init(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent(".refresh.lock").path
        for _ in 0..<2 {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if descriptor >= 0 {
                let pid = "\(getpid())\n"
                _ = pid.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
                return
            }
            // A lock left by a process that no longer exists is taken over.
            let owner = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, kill(owner, 0) == 0 || errno == EPERM {
                throw RefreshError.locked(path, pid: owner)
            }
            unlink(path)
        }
        throw RefreshError.locked(path, pid: 0)
    }

    func release() {
        unlink(path)
    }
}
