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
    /// What `--describe` did, when asked.
    public var described: DescribeSummary?
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

    /// Opens the database read-only; a SQLite file at `database` unless another engine was given.
    let open: DatabaseOpener

    public init(database: String, catalogName: String, metadataFolder: URL, embeddingsFolder: URL, open: DatabaseOpener? = nil) {
        self.database = database
        self.open = open ?? Connection.readOnlyOpener(database)
        self.catalogName = catalogName
        self.metadataFolder = metadataFolder
        self.embeddingsFolder = embeddingsFolder
    }

    /// Reads the database and the metadata into a catalog (no embedding).
    public func catalog() throws -> (Catalog, [String]) {
        try catalog(of: try Self.schema(of: open(), database))
    }

    /// The database's schema, which must have a table.
    static func schema(of connection: any SQLDatabase, _ database: String) throws -> Schema {
        let schema = try connection.introspect()
        guard !schema.tables.isEmpty else { throw RefreshError.emptyDatabase(database) }
        return schema
    }

    /// `schema` with the metadata as it is on disk now, and the metadata's warnings about it.
    func catalog(of schema: Schema) throws -> (Catalog, [String]) {
        let metadata = try CatalogMetadata.load(from: metadataFolder)
        return (Catalog(name: catalogName, schema: schema, metadata: metadata), metadata.warnings(against: schema))
    }

    /// The verified examples that no longer compile against the database (one that reads a
    /// dropped column would answer with an error), as warnings. Only refresh reports them; the
    /// pipeline skips such an example on its own.
    func staleExamples(_ examples: [VerifiedExample], connection: any SQLDatabase) -> [String] {
        examples.compactMap { example in
            do {
                try connection.checkGenerated(example.sql)
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
    /// - Parameter describer: with `--describe`, the model that writes the descriptions the
    ///   schema alone cannot give, after the profile and before the embeddings.
    public func run(check: Bool, describer: CatalogDescriber? = nil, progress: (String) -> Void = { _ in },
                    embedder: () throws -> TextEmbedder) throws -> RefreshSummary {
        let started = ContinuousClock.now
        let lock = check ? nil : try RefreshLock(folder: embeddingsFolder)
        defer { lock?.release() }
        // The database is read once; the metadata after each step that writes it. What the data
        // says is written first, so the catalog embedded below is the one on disk.
        let connection = try open()
        let schema = try Self.schema(of: connection, database)
        let written = check ? [] : try writeProfiles(schema, connection: connection)
        let described = check ? nil : try describer.map { try describe(schema, with: $0, progress: progress) }
        let (catalog, warnings) = try catalog(of: schema)
        var summary = RefreshSummary()
        summary.tables = catalog.schema.tables.count
        summary.columns = catalog.schema.tables.reduce(0) { $0 + $1.columns.count }
        summary.warnings = warnings + staleExamples(catalog.metadata.examples, connection: connection)
        summary.starterFiles = written
        summary.described = described

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

    /// Profiles the database and writes what it learned into `metadata/<db>/<table>.yaml`: a new
    /// file for a table without one, and, in an existing file, the entries a machine wrote
    /// (`auto: true`, `auto: describe`); an entry a person wrote is never touched. Returns the
    /// files written (a file whose content would not change is left alone).
    func writeProfiles(_ schema: Schema, connection: any SQLDatabase) throws -> [String] {
        let existing = try CatalogMetadata.load(from: metadataFolder)
        var written: [String] = []
        for profiled in try SchemaProfiler(connection: connection, schema: schema).profile() {
            let current = existing.table(named: profiled.name)
            let entry = current.map { $0.refreshed(with: profiled) } ?? profiled
            guard entry != current else { continue }
            try FileManager.default.createDirectory(at: metadataFolder, withIntermediateDirectories: true)
            let file = metadataFolder.appendingPathComponent(MetadataFile.name(for: entry.name))
            try MetadataFile.write(entry, to: file)
            written.append(file.path)
        }
        return written
    }
}

/// How refresh writes a table's metadata file: readable UTF-8 (no `\xE7` escapes), keys in a
/// fixed order, and a header that says how to keep an edit.
enum MetadataFile {
    static let header = """
        # Escrito por indaga refresh a partir do esquema e dos dados (auto: true) ou pelo modelo (auto: describe).
        # Complete as descrições e os sinônimos; numa entrada que você editar, apague a linha auto (ou escreva
        # auto: false): o refresh nunca reescreve o que uma pessoa escreveu.

        """

    /// `<table>.yaml`, with a path separator in the name replaced so the file stays in the folder.
    static func name(for table: String) -> String {
        table.replacingOccurrences(of: "/", with: "_") + ".yaml"
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.width = -1
        return try encoder.encode(value)
    }

    static func write(_ entry: TableMetadata, to file: URL) throws {
        try (header + encode(entry)).write(to: file, atomically: true, encoding: .utf8)
    }
}

extension TableMetadata {
    /// This entry after a refresh that profiled the table as `profiled`: what a machine wrote
    /// takes the new profile, keeping the model's words (descriptions, synonyms, what a value
    /// means); what a person wrote stays as it is. A file whose table entry a person wrote is
    /// theirs, comments and order included: it is returned unchanged (its undescribed columns
    /// get starter entries in memory, as before any refresh).
    func refreshed(with profiled: TableMetadata) -> TableMetadata {
        guard origin != .person else { return self }
        var entry = self
        if origin == .schema {
            entry.description = profiled.description
            entry.synonyms = profiled.synonyms
        }
        entry.relations = profiled.relations
        // In the file's order (a person may have ordered them), new columns at the end, gone ones
        // dropped unless a person wrote them (refresh warns about those).
        let kept = columns.compactMap { old -> ColumnMetadata? in
            guard let fresh = profiled.column(named: old.name) else { return old.origin == .person ? old : nil }
            switch old.origin {
            case .person:
                return old
            case .schema:
                return fresh
            case .model:
                var merged = fresh
                merged.description = old.description
                merged.synonyms = old.synonyms
                merged.unit = old.unit
                for (value, meaning) in old.values where !meaning.isEmpty { merged.values[value] = meaning }
                merged.origin = .model
                return merged
            }
        }
        entry.columns = kept + profiled.columns.filter { column(named: $0.name) == nil }
        return entry
    }
}

/// A lock file beside the store, so two refreshes of one catalog never run at once.
final class RefreshLock {
    let path: String
    let folder: String

    init(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder.path
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

    /// Removes the lock, and the folder too when a refresh that failed (bad metadata, say)
    /// wrote nothing into it: rmdir removes only an empty folder.
    func release() {
        unlink(path)
        rmdir(folder)
    }
}
