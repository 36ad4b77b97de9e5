import Foundation
import MiniLM

/// The texts both sides are timed on (bench/encoder-texts.json), so one run compares like with like.
public struct EncoderBenchmarkTexts: Decodable, Sendable {
    /// A typical 12-word question.
    public let question: String
    /// 32 texts of mixed length: questions, column names, table descriptions.
    public let batch: [String]

    public static func load(from url: URL) throws -> EncoderBenchmarkTexts {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
        } catch {
            throw BenchmarkError.missingTexts(url.path)
        }
    }
}

/// One side's numbers: ours, PyTorch's or onnxruntime's.
public struct EncoderMeasurement: Sendable, Codable {
    public var loadMilliseconds: Double
    public var singleP50Milliseconds: Double
    public var singleP95Milliseconds: Double
    public var singleRuns: Int
    public var batchTextsPerSecond: Double
    public var batchRuns: Int

    enum CodingKeys: String, CodingKey {
        case loadMilliseconds = "load_ms", singleP50Milliseconds = "single_p50_ms", singleP95Milliseconds = "single_p95_ms"
        case singleRuns = "single_runs", batchTextsPerSecond = "batch_texts_per_s", batchRuns = "batch_runs"
    }
}

public enum EncoderBenchmark {
    /// Times the Swift encoder: one question at a time, then the 32-text batch.
    public static func measure(_ encoder: MiniLMEncoder, texts: EncoderBenchmarkTexts, duration: Duration) -> EncoderMeasurement {
        let single = timeRuns(warmup: 10, minimumRuns: 50, duration: duration) {
            _ = encoder.encode(texts.question)
        }
        let batch = timeRuns(warmup: 2, minimumRuns: 5, duration: duration) {
            _ = encoder.encode(texts.batch)
        }
        return EncoderMeasurement(
            loadMilliseconds: encoder.loadDuration.milliseconds,
            singleP50Milliseconds: percentile(single, 0.5).milliseconds,
            singleP95Milliseconds: percentile(single, 0.95).milliseconds,
            singleRuns: single.count,
            batchTextsPerSecond: Double(texts.batch.count) / percentile(batch, 0.5).milliseconds * 1000,
            batchRuns: batch.count
        )
    }

    /// The Python side's numbers: PyTorch's and onnxruntime's (when it loads), or the one side asked for.
    public struct Reference: Sendable, Codable {
        public let threads: Int
        public let pytorch: EncoderMeasurement?
        public let onnxruntime: EncoderMeasurement?
        /// The Python process's peak memory (both sides, when both ran in it).
        public var peakResidentBytes: Int64 = 0

        enum CodingKeys: String, CodingKey {
            case threads, pytorch, onnxruntime, peakResidentBytes = "peak_rss_bytes"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            threads = try c.decode(Int.self, forKey: .threads)
            pytorch = try c.decodeIfPresent(EncoderMeasurement.self, forKey: .pytorch)
            onnxruntime = try c.decodeIfPresent(EncoderMeasurement.self, forKey: .onnxruntime)
            peakResidentBytes = try c.decodeIfPresent(Int64.self, forKey: .peakResidentBytes) ?? 0
        }
    }

    /// One Python library, timed in a process of its own.
    public enum ReferenceSide: String, Sendable, CaseIterable {
        case pytorch, onnxruntime
    }

    /// The reference environment's Python, if `bench/setup-reference.sh` has built it.
    public static func referencePython(home: URL) -> URL? {
        let python = home.appendingPathComponent(".venv-reference/bin/python")
        return FileManager.default.isExecutableFile(atPath: python.path) ? python : nil
    }

    /// Runs `bench/encoder_reference.py bench` in the reference environment and reads its JSON.
    ///
    /// - Parameter home: the project folder holding `bench/` and `.venv-reference/`.
    /// - Parameter side: one library only; nil for both, in one process.
    public static func measureReference(home: URL, seconds: Double, side: ReferenceSide? = nil) throws -> Reference {
        let script = home.appendingPathComponent("bench/encoder_reference.py")
        guard let python = referencePython(home: home), FileManager.default.fileExists(atPath: script.path) else {
            throw BenchmarkError.referenceMissing(home.path)
        }
        let run = try ChildProcess.run(python.path, [script.path, "bench", String(seconds)] + (side.map { [$0.rawValue] } ?? []))
        guard run.status == 0, let line = String(decoding: run.output, as: UTF8.self).split(separator: "\n").last,
            var reference = try? JSONDecoder().decode(Reference.self, from: Data(line.utf8))
        else {
            throw BenchmarkError.referenceFailed(Int(run.status))
        }
        reference.peakResidentBytes = run.peakResidentBytes
        return reference
    }
}

public enum BenchmarkError: Error, LocalizedError, Equatable {
    case missingTexts(String)
    case referenceMissing(String)
    case referenceFailed(Int)
    /// A benchmark run as a child process (`bench retrieval`…) ended badly or printed no JSON.
    case childFailed(String, Int)
    /// The REPL showed no prompt, or did not end on Ctrl-D; its last line on the screen.
    case replNoPrompt(String)

    public var errorDescription: String? {
        switch self {
        case .missingTexts(let path):
            return "não encontrei os textos do benchmark em '\(path)'; rode o indaga na pasta do projeto ou use --home"
        case .referenceMissing(let home):
            return "o ambiente de referência (Python) não está em \(home); rode bench/setup-reference.sh antes de usar --reference"
        case .referenceFailed(let status):
            return "o script de referência em Python falhou (código \(status)); veja a mensagem acima"
        case .childFailed(let command, 0):
            return "indaga \(command) terminou sem imprimir o JSON esperado"
        case .childFailed(let command, let status):
            return "indaga \(command) falhou (código \(status)); veja a mensagem acima"
        case .replNoPrompt(let lastLine):
            return "a conversa não mostrou o prompt ou não terminou com Ctrl-D; última linha na tela: \(lastLine)"
        }
    }
}
