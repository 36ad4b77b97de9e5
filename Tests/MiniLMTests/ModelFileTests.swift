import Foundation
import MiniLM
import TestSupport
import Testing

@Suite("Model files: safetensors, folder, vocabulary")
struct ModelFileTests {
    /// Writes a safetensors file from a header object and raw data bytes.
    func write(_ header: [String: Any], data: [UInt8], to path: String, declaredLength: Int? = nil) throws {
        var json = try JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes = withUnsafeBytes(of: UInt64(declaredLength ?? json.count).littleEndian, Array.init)
        bytes += json
        bytes += data
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("F32, F16 and BF16 tensors are read as Float")
    func dtypes() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("t.safetensors")
        let f32 = [Float(1.5), -2].withUnsafeBytes { Array($0) }
        let f16 = [Float16(0.5), Float16(-3)].withUnsafeBytes { Array($0) }
        let bf16 = [Float(2.0), 0.25].map { UInt16($0.bitPattern >> 16) }.withUnsafeBytes { Array($0) }
        try write([
            "__metadata__": ["format": "pt"],
            "a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
            "b": ["dtype": "F16", "shape": [2], "data_offsets": [8, 12]],
            "c": ["dtype": "BF16", "shape": [1, 2], "data_offsets": [12, 16]],
        ], data: f32 + f16 + bf16, to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(try file.floats("a", shape: [2]) == [1.5, -2])
        #expect(try file.floats("b", shape: [2]) == [0.5, -3])
        #expect(try file.floats("c", shape: [1, 2]) == [2, 0.25])
        #expect(throws: ModelFileError(path: path, problem: .wrongShape("a", expected: [3], found: [2]))) { try file.floats("a", shape: [3]) }
        #expect(throws: ModelFileError(path: path, problem: .missingTensor("z"))) { try file.floats("z", shape: [1]) }
    }

    @Test("a broken file is refused with its name and the problem", arguments: [
        "truncated data", "header longer than file", "not JSON", "overlap", "size mismatch", "tiny", "garbage length",
    ])
    func brokenFiles(kind: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("model.safetensors")
        let eight = [UInt8](repeating: 0, count: 8)
        switch kind {
        case "truncated data":
            try write(["a": ["dtype": "F32", "shape": [4], "data_offsets": [0, 16]]], data: eight, to: path)
        case "header longer than file":
            try write(["a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]]], data: eight, to: path, declaredLength: 4096)
        case "not JSON":
            try Data([16, 0, 0, 0, 0, 0, 0, 0] + Array("isto não é JSON!".utf8)).write(to: URL(fileURLWithPath: path))
        case "overlap":
            try write([
                "a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
                "b": ["dtype": "F32", "shape": [1], "data_offsets": [4, 8]],
            ], data: eight, to: path)
        case "size mismatch":
            try write(["a": ["dtype": "F32", "shape": [3], "data_offsets": [0, 8]]], data: eight, to: path)
        case "garbage length":
            // A length past Int.max must be refused, not converted.
            try Data(repeating: 0xAB, count: 4096).write(to: URL(fileURLWithPath: path))
        default:
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        }
        let error = #expect(throws: ModelFileError.self) { try SafeTensorsFile(path: path) }
        #expect(error?.path == path)
        #expect(error?.errorDescription?.contains(path) == true)
        switch error?.problem {
        case .truncated, .malformed: break
        default: Issue.record("unexpected problem \(String(describing: error?.problem))")
        }
    }

    @Test("the real weights, cut short, are refused as truncated")
    func truncatedRealWeights() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("model.safetensors")
        let handle = try FileHandle(forReadingFrom: Repository.modelFolder.appendingPathComponent("model.safetensors"))
        try handle.readData(ofLength: 5_000_000).write(to: URL(fileURLWithPath: path))
        try handle.close()
        let error = #expect(throws: ModelFileError.self) { try SafeTensorsFile(path: path) }
        guard case .truncated = error?.problem else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
    }

    @Test("a missing weights folder names the setup command")
    func missingFolder() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: EncoderError.self) { try MiniLMEncoder(folder: folder.url.appendingPathComponent("nada")) }
        #expect(error?.errorDescription?.contains("scripts/setup.sh") == true)
    }

    @Test("a folder with a corrupt vocabulary or weights fails cleanly", arguments: ["vocab.txt", "model.safetensors", "config.json"])
    func corruptFolder(broken: String) throws {
        let folder = try TemporaryFolder()
        for file in ["config.json", "vocab.txt", "model.safetensors"] {
            let target = folder.url.appendingPathComponent(file)
            if file == broken {
                try Data("lixo\n\u{0}\u{1}garbage".utf8).write(to: target)
            } else {
                try FileManager.default.createSymbolicLink(at: target, withDestinationURL: Repository.modelFolder.appendingPathComponent(file))
            }
        }
        let error = #expect(throws: ModelFileError.self) { try MiniLMEncoder(folder: folder.url) }
        #expect(error?.path.hasSuffix(broken) == true)
    }
}
