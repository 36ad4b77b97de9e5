import Crypto
import Foundation

/// The vectors of a catalog's documents: `vectors.f32` (little-endian Float32, one row per
/// document) beside `manifest.json` (encoder, dimension, document ids and hashes, checksum).
///
/// The manifest has no timestamps, so the committed store changes only when the
/// metadata does.
public struct EmbeddingStore: Sendable {
    public struct Manifest: Sendable, Codable, Equatable {
        public struct Entry: Sendable, Codable, Equatable {
            public let id: String
            public let hash: String
        }

        public let encoder: String
        public let dimension: Int
        public let documents: [Entry]
        /// SHA-256 of vectors.f32, so a vectors file from another write is noticed.
        public let vectorsSHA256: String

        enum CodingKeys: String, CodingKey {
            case encoder, dimension, documents, vectorsSHA256 = "vectors_sha256"
        }
    }

    public let manifest: Manifest
    /// Row-major [documents × dimension].
    public let vectors: [Float]

    public static let manifestName = "manifest.json"
    public static let vectorsName = "vectors.f32"

    public init(encoder: String, dimension: Int, documents: [(id: String, hash: String)], vectors: [Float]) {
        precondition(vectors.count == documents.count * dimension)
        let bytes = vectors.withUnsafeBytes { Data($0) }
        manifest = Manifest(
            encoder: encoder, dimension: dimension, documents: documents.map { Manifest.Entry(id: $0.id, hash: $0.hash) },
            vectorsSHA256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        self.vectors = vectors
    }

    private init(manifest: Manifest, vectors: [Float]) {
        self.manifest = manifest
        self.vectors = vectors
    }

    public func vector(at index: Int) -> ArraySlice<Float> {
        vectors[(index * manifest.dimension)..<((index + 1) * manifest.dimension)]
    }

    /// Writes both files through temporary names and renames, vectors first: a reader sees
    /// the old store or the new one (a manifest never points at vectors it does not describe,
    /// since the checksum would not match).
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let manifestData = try encoder.encode(manifest)
        let vectorData = vectors.withUnsafeBytes { Data($0) }
        for (name, data) in [(Self.vectorsName, vectorData), (Self.manifestName, manifestData + Data("\n".utf8))] {
            let temporary = folder.appendingPathComponent(".\(name).\(getpid()).tmp")
            try data.write(to: temporary)
            guard rename(temporary.path, folder.appendingPathComponent(name).path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw StoreError.unwritable(folder.path, String(cString: strerror(errno)))
            }
        }
    }

    /// Loads and checks a store; nil when there is none yet.
    ///
    /// - Throws: `StoreError` when it is damaged or was made by another encoder (run refresh).
    public static func load(from folder: URL, encoder: String, dimension: Int) throws -> EmbeddingStore? {
        let manifestURL = folder.appendingPathComponent(manifestName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return nil }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw StoreError.damaged(folder.path, "manifest.json ilegível")
        }
        guard manifest.encoder == encoder, manifest.dimension == dimension else {
            throw StoreError.otherEncoder(folder.path, found: "\(manifest.encoder) (\(manifest.dimension) dimensões)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: folder.appendingPathComponent(vectorsName), options: .alwaysMapped)
        } catch {
            throw StoreError.damaged(folder.path, "falta vectors.f32")
        }
        guard data.count == manifest.documents.count * dimension * 4 else {
            throw StoreError.damaged(folder.path, "vectors.f32 tem \(data.count) bytes, o manifesto pede \(manifest.documents.count * dimension * 4)")
        }
        guard SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() == manifest.vectorsSHA256 else {
            throw StoreError.damaged(folder.path, "vectors.f32 não é o que o manifesto descreve")
        }
        let vectors = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return EmbeddingStore(manifest: manifest, vectors: vectors)
    }
}

public enum StoreError: Error, Sendable, Equatable, LocalizedError {
    case damaged(String, String)
    case otherEncoder(String, found: String)
    case unwritable(String, String)

    public var errorDescription: String? {
        switch self {
        case .damaged(let folder, let detail):
            return "os embeddings em \(folder) estão danificados (\(detail)); rode indaga refresh para recriá-los"
        case .otherEncoder(let folder, let found):
            return "os embeddings em \(folder) foram feitos por outro codificador, \(found); rode indaga refresh para recalculá-los"
        case .unwritable(let folder, let reason):
            return "não foi possível gravar os embeddings em \(folder) (\(reason))"
        }
    }
}
