import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `.safetensors` file, memory-mapped, with its header parsed and checked.
///
/// Not `Sendable`: it owns a mapping; copy tensors out with `floats(_:shape:)`.
public final class SafeTensorsFile {
    /// Element types the format declares.
    public enum DType: String, Sendable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    public struct TensorInfo: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range inside the data area (after the header).
        let range: Range<Int>

        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let base: UnsafeMutableRawPointer
    private let mappedLength: Int
    private let dataStart: Int

    /// The reference implementation refuses larger headers; so do we.
    static let maximumHeaderLength = 100_000_000

    /// Maps the file and validates its header: sizes, dtypes, and offsets in bounds and not overlapping.
    ///
    /// - Throws: `ModelFileError` naming the file and what is wrong with it.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ModelFileError(path: path, problem: errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ModelFileError(path: path, problem: .unreadable(String(cString: strerror(errno))))
        }
        let length = Int(status.st_size)
        guard length >= 8 else {
            throw ModelFileError(path: path, problem: .truncated("o arquivo tem \(length) bytes, menos que o cabeçalho"))
        }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw ModelFileError(path: path, problem: .unreadable(String(cString: strerror(errno))))
        }
        do {
            // Compared as UInt64: garbage here can exceed Int.max, and converting it would trap.
            let declaredLength = UInt64(littleEndian: mapped.loadUnaligned(as: UInt64.self))
            guard declaredLength <= UInt64(Self.maximumHeaderLength) else {
                throw ModelFileError(path: path, problem: .malformed("cabeçalho de \(declaredLength) bytes, acima do limite"))
            }
            let headerLength = Int(declaredLength)
            guard 8 + headerLength <= length else {
                throw ModelFileError(path: path, problem: .truncated("o cabeçalho declara \(headerLength) bytes, mas o arquivo tem \(length)"))
            }
            let header = Data(bytes: mapped + 8, count: headerLength)
            tensors = try Self.parseHeader(header, dataLength: length - 8 - headerLength, path: path)
            dataStart = 8 + headerLength
        } catch {
            munmap(mapped, length)
            throw error
        }
        base = mapped
        mappedLength = length
    }

    deinit {
        munmap(base, mappedLength)
    }

    /// Copies a floating-point tensor out as Float32, converting F16, BF16 and F64.
    ///
    /// - Parameter shape: the shape the caller expects; a different one is an error.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensors[name] else {
            throw ModelFileError(path: path, problem: .missingTensor(name))
        }
        guard info.shape == expected else {
            throw ModelFileError(path: path, problem: .wrongShape(name, expected: expected, found: info.shape))
        }
        let source = UnsafeRawPointer(base + dataStart + info.range.lowerBound)
        let count = info.elementCount
        switch info.dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                memcpy(buffer.baseAddress!, source, count * 4)
                initialized = count
            }
        case .f16:
            return (0..<count).map { Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
        case .bf16:
            return (0..<count).map { Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) << 16) }
        case .f64:
            return (0..<count).map { Float(source.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }
        default:
            throw ModelFileError(path: path, problem: .unsupportedType(name, info.dtype.rawValue))
        }
    }

    private static func parseHeader(_ header: Data, dataLength: Int, path: String) throws -> [String: TensorInfo] {
        func malformed(_ detail: String) -> ModelFileError {
            ModelFileError(path: path, problem: .malformed(detail))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw malformed("o cabeçalho não é um objeto JSON")
        }
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                let typeName = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int],
                let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw malformed("a entrada '\(name)' não tem dtype, shape e data_offsets válidos")
            }
            guard let dtype = DType(rawValue: typeName) else {
                throw malformed("tipo '\(typeName)' desconhecido em '\(name)'")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw malformed("forma ou posições negativas em '\(name)'")
            }
            let (bytes, overflow) = shape.reduce(dtype.size) { $0 * $1 }.multipliedReportingOverflow(by: 1)
            guard !overflow, offsets[1] - offsets[0] == bytes else {
                throw malformed("'\(name)' ocupa \(offsets[1] - offsets[0]) bytes, mas a forma \(shape) pede \(bytes)")
            }
            guard offsets[1] <= dataLength else {
                throw ModelFileError(path: path, problem: .truncated("'\(name)' termina no byte \(offsets[1]) de dados, mas só há \(dataLength)"))
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        let ordered = tensors.values.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.range.lowerBound < previous.range.upperBound {
            throw malformed("'\(previous.name)' e '\(next.name)' se sobrepõem")
        }
        return tensors
    }
}

/// A model file that cannot be used, and why, in words for a person.
public struct ModelFileError: Error, Sendable, Equatable, LocalizedError {
    public enum Problem: Sendable, Equatable {
        case missing
        case unreadable(String)
        case truncated(String)
        case malformed(String)
        case missingTensor(String)
        case wrongShape(String, expected: [Int], found: [Int])
        case unsupportedType(String, String)
        case badVocabulary(String)
        case badConfiguration(String)
    }

    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var errorDescription: String? {
        let file = "'\(path)'"
        switch problem {
        case .missing: return "o arquivo do modelo \(file) não existe"
        case .unreadable(let reason): return "não foi possível ler \(file): \(reason)"
        case .truncated(let detail): return "o arquivo \(file) está truncado (\(detail)); baixe os pesos de novo"
        case .malformed(let detail): return "o arquivo \(file) está corrompido (\(detail)); baixe os pesos de novo"
        case .missingTensor(let name): return "o arquivo \(file) não tem o tensor '\(name)'; não é o modelo all-MiniLM-L6-v2"
        case .wrongShape(let name, let expected, let found):
            return "o tensor '\(name)' de \(file) tem forma \(found), esperada \(expected); não é o modelo all-MiniLM-L6-v2"
        case .unsupportedType(let name, let type): return "o tensor '\(name)' de \(file) é do tipo \(type), que não é de ponto flutuante"
        case .badVocabulary(let detail): return "o vocabulário \(file) é inválido (\(detail)); baixe os pesos de novo"
        case .badConfiguration(let detail): return "a configuração \(file) não é a de um modelo BERT utilizável (\(detail))"
        }
    }
}
