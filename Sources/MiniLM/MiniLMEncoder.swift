import Dispatch
import Foundation

/// Turns texts into vectors; the seam the catalog and tests swap.
public protocol TextEmbedder: Sendable {
    /// Names the model, so vectors from different models are never mixed.
    var modelIdentifier: String { get }
    var dimension: Int { get }
    /// One unit-length vector per text, in order.
    func embed(_ texts: [String]) -> [[Float]]
}

/// all-MiniLM-L6-v2 as sentence-transformers runs it: BERT encoder, mean pooling, L2 norm.
///
/// Weights are read once and never change, so one encoder serves any number
/// of threads without locks; each call allocates only its own scratch rows.
public final class MiniLMEncoder: TextEmbedder, Sendable {
    public let modelIdentifier = "sentence-transformers/all-MiniLM-L6-v2"
    public let tokenizer: WordPieceTokenizer
    public let configuration: Configuration
    /// How long loading took, for `indaga bench encoder`.
    public let loadDuration: Duration
    public var dimension: Int { configuration.hidden }

    /// sentence-transformers' `max_seq_length` for this model (not tokenizer.json's 128).
    public static let maxSequenceLength = 256
    /// Tokens per forward pass in a batch; bounds the scratch memory (about 40 KB per token).
    static let tokensPerPass = 2048

    private let wordEmbeddings: [Float]
    private let positionEmbeddings: [Float]
    private let typeEmbedding: [Float]
    private let embeddingNorm: (gamma: [Float], beta: [Float])
    private let layers: [Layer]
    private let team: WorkerTeam

    /// The BERT hyper-parameters this code reads from `config.json`.
    public struct Configuration: Sendable, Decodable {
        public let hidden: Int
        public let layers: Int
        public let heads: Int
        public let intermediate: Int
        public let vocabularySize: Int
        public let maxPositions: Int
        public let activation: String

        enum CodingKeys: String, CodingKey {
            case hidden = "hidden_size", layers = "num_hidden_layers", heads = "num_attention_heads"
            case intermediate = "intermediate_size", vocabularySize = "vocab_size"
            case maxPositions = "max_position_embeddings", activation = "hidden_act"
        }
    }

    private struct Layer: Sendable {
        /// Q, K and V fused into one [3·hidden] output, so one pass over the input computes all three.
        let queryKeyValue: PackedLinear
        let attentionOutput: PackedLinear
        let attentionNorm: (gamma: [Float], beta: [Float])
        let intermediate: PackedLinear
        let output: PackedLinear
        let outputNorm: (gamma: [Float], beta: [Float])
    }

    /// Loads `config.json`, `vocab.txt` and `model.safetensors` from `folder`.
    ///
    /// - Parameter threads: threads per forward pass (default: every core).
    /// - Throws: `EncoderError.modelMissing` when the folder or a file is absent,
    ///   `ModelFileError` for a corrupt or mismatched file, `EncoderError.unsupportedCPU`.
    public init(folder: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let clock = ContinuousClock()
        let started = clock.now
        try CPUFeatures.checkCompiledFeatures()
        for file in ["config.json", "vocab.txt", "model.safetensors"] {
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) else {
                throw EncoderError.modelMissing(folder: folder.path, file: file)
            }
        }
        let configPath = folder.appendingPathComponent("config.json")
        let config: Configuration
        do {
            config = try JSONDecoder().decode(Configuration.self, from: Data(contentsOf: configPath))
        } catch {
            throw ModelFileError(path: configPath.path, problem: .badConfiguration("JSON ilegível ou sem os campos do BERT"))
        }
        guard config.activation == "gelu", config.hidden % config.heads == 0, (config.hidden / config.heads) % 8 == 0,
            config.hidden % PackedLinear.panelWidth == 0, config.intermediate % PackedLinear.panelWidth == 0
        else {
            throw ModelFileError(path: configPath.path, problem: .badConfiguration("dimensões ou ativação não suportadas"))
        }
        configuration = config
        tokenizer = try WordPieceTokenizer(vocabularyAt: folder.appendingPathComponent("vocab.txt"))

        let weights = try SafeTensorsFile(path: folder.appendingPathComponent("model.safetensors").path)
        // Checkpoints exported from BertFor… models prefix every name with "bert.".
        let prefix = weights.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            try weights.floats(prefix + name, shape: shape)
        }
        let h = config.hidden
        let i = config.intermediate
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h])
        typeEmbedding = Array(try weights.floats(
            prefix + "embeddings.token_type_embeddings.weight",
            shape: weights.tensors[prefix + "embeddings.token_type_embeddings.weight"]?.shape ?? [2, h]
        ).prefix(h))
        embeddingNorm = (try tensor("embeddings.LayerNorm.weight", [h]), try tensor("embeddings.LayerNorm.bias", [h]))
        guard tokenizer.vocabularySize <= config.vocabularySize else {
            throw ModelFileError(path: folder.appendingPathComponent("vocab.txt").path,
                                 problem: .badVocabulary("\(tokenizer.vocabularySize) símbolos, mais que os \(config.vocabularySize) do modelo"))
        }

        layers = try (0..<config.layers).map { index in
            let p = "encoder.layer.\(index)."
            let query = try tensor(p + "attention.self.query.weight", [h, h])
            let key = try tensor(p + "attention.self.key.weight", [h, h])
            let value = try tensor(p + "attention.self.value.weight", [h, h])
            let qkvBias = try tensor(p + "attention.self.query.bias", [h]) + tensor(p + "attention.self.key.bias", [h])
                + tensor(p + "attention.self.value.bias", [h])
            return Layer(
                queryKeyValue: PackedLinear(weight: query + key + value, bias: qkvBias, inputs: h, outputs: 3 * h),
                attentionOutput: PackedLinear(
                    weight: try tensor(p + "attention.output.dense.weight", [h, h]),
                    bias: try tensor(p + "attention.output.dense.bias", [h]), inputs: h, outputs: h),
                attentionNorm: (try tensor(p + "attention.output.LayerNorm.weight", [h]), try tensor(p + "attention.output.LayerNorm.bias", [h])),
                intermediate: PackedLinear(
                    weight: try tensor(p + "intermediate.dense.weight", [i, h]),
                    bias: try tensor(p + "intermediate.dense.bias", [i]), inputs: h, outputs: i),
                output: PackedLinear(
                    weight: try tensor(p + "output.dense.weight", [h, i]),
                    bias: try tensor(p + "output.dense.bias", [h]), inputs: i, outputs: h),
                outputNorm: (try tensor(p + "output.LayerNorm.weight", [h]), try tensor(p + "output.LayerNorm.bias", [h]))
            )
        }
        team = WorkerTeam(size: threads)
        loadDuration = clock.now - started
    }

    // MARK: - Encoding

    /// The embedding of one text: no padding, no batch bookkeeping.
    public func encode(_ text: String) -> [Float] {
        encode(tokens: tokenizer.encode(text, maxLength: Self.maxSequenceLength))
    }

    /// The embedding of one already-tokenized text (`[CLS] … [SEP]`).
    public func encode(tokens: [Int32]) -> [Float] {
        forward([tokens])[0]
    }

    /// Embeddings of many texts, in order; sequences are packed into shared passes.
    public func encode(_ texts: [String]) -> [[Float]] {
        encode(tokenBatches: texts.map { tokenizer.encode($0, maxLength: Self.maxSequenceLength) })
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        encode(texts)
    }

    /// Embeddings of many token sequences, run in passes of at most `tokensPerPass` tokens.
    public func encode(tokenBatches: [[Int32]]) -> [[Float]] {
        var results: [[Float]] = []
        results.reserveCapacity(tokenBatches.count)
        var pass: [[Int32]] = []
        var passTokens = 0
        for tokens in tokenBatches {
            if passTokens + tokens.count > Self.tokensPerPass, !pass.isEmpty {
                results += forward(pass)
                pass.removeAll(keepingCapacity: true)
                passTokens = 0
            }
            pass.append(tokens)
            passTokens += tokens.count
        }
        if !pass.isEmpty { results += forward(pass) }
        return results
    }

    /// One forward pass over sequences packed row after row (no padding rows at all).
    private func forward(_ sequences: [[Int32]]) -> [[Float]] {
        let h = configuration.hidden
        var spans: [SequenceSpan] = []
        var total = 0
        for tokens in sequences {
            let length = min(tokens.count, configuration.maxPositions)
            spans.append(SequenceSpan(start: total, length: length))
            total += length
        }
        guard total > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }

        var hidden = [Float](repeating: 0, count: total * h)
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var wide = [Float](repeating: 0, count: total * configuration.intermediate)
        var attended = [Float](repeating: 0, count: total * h)

        embedTokens(sequences, spans: spans, into: &hidden)
        hidden.withUnsafeMutableBufferPointer { hidden in
            qkv.withUnsafeMutableBufferPointer { qkv in
                context.withUnsafeMutableBufferPointer { context in
                    wide.withUnsafeMutableBufferPointer { wide in
                        attended.withUnsafeMutableBufferPointer { attended in
                            for layer in layers {
                                layer.queryKeyValue.apply(hidden.baseAddress!, rows: total, into: qkv.baseAddress!, epilogue: .none, team: team)
                                attention(qkv: qkv.baseAddress!, context: context.baseAddress!, spans: spans,
                                          hidden: h, heads: configuration.heads, team: team)
                                layer.attentionOutput.apply(context.baseAddress!, rows: total, into: attended.baseAddress!,
                                                            epilogue: .residual(hidden.baseAddress!), team: team)
                                layerNorm(attended.baseAddress!, rows: total, width: h, gamma: layer.attentionNorm.gamma, beta: layer.attentionNorm.beta)
                                layer.intermediate.apply(attended.baseAddress!, rows: total, into: wide.baseAddress!, epilogue: .gelu, team: team)
                                layer.output.apply(wide.baseAddress!, rows: total, into: hidden.baseAddress!,
                                                   epilogue: .residual(attended.baseAddress!), team: team)
                                layerNorm(hidden.baseAddress!, rows: total, width: h, gamma: layer.outputNorm.gamma, beta: layer.outputNorm.beta)
                            }
                        }
                    }
                }
            }
        }
        return spans.map { meanPooledUnitVector(hidden, span: $0) }
    }

    /// Word + position + token-type embeddings, then LayerNorm, for every packed row.
    private func embedTokens(_ sequences: [[Int32]], spans: [SequenceSpan], into hidden: inout [Float]) {
        let h = configuration.hidden
        let vocabularyLimit = Int32(configuration.vocabularySize)
        hidden.withUnsafeMutableBufferPointer { out in
            wordEmbeddings.withUnsafeBufferPointer { words in
                positionEmbeddings.withUnsafeBufferPointer { positions in
                    typeEmbedding.withUnsafeBufferPointer { type in
                        for (tokens, span) in zip(sequences, spans) {
                            for position in 0..<span.length {
                                let id = Int(tokens[position] < vocabularyLimit && tokens[position] >= 0 ? tokens[position] : tokenizer.unknownID)
                                let row = out.baseAddress! + (span.start + position) * h
                                var column = 0
                                while column < h {
                                    (Vector(loadingFrom: words.baseAddress! + id * h + column)
                                        + Vector(loadingFrom: positions.baseAddress! + position * h + column)
                                        + Vector(loadingFrom: type.baseAddress! + column)).store(to: row + column)
                                    column += Vector.scalarCount
                                }
                            }
                        }
                    }
                }
            }
            layerNorm(out.baseAddress!, rows: spans.reduce(0) { $0 + $1.length }, width: h,
                      gamma: embeddingNorm.gamma, beta: embeddingNorm.beta)
        }
    }

    /// The mean of a sequence's rows ([CLS] and [SEP] included), scaled to unit length.
    private func meanPooledUnitVector(_ hidden: [Float], span: SequenceSpan) -> [Float] {
        let h = configuration.hidden
        var pooled = [Float](repeating: 0, count: h)
        for row in span.start..<(span.start + span.length) {
            for column in 0..<h {
                pooled[column] += hidden[row * h + column]
            }
        }
        let count = Float(max(span.length, 1))
        var norm: Float = 0
        for column in 0..<h {
            pooled[column] /= count
            norm += pooled[column] * pooled[column]
        }
        let scale = 1 / max(norm.squareRoot(), 1e-12)
        return pooled.map { $0 * scale }
    }
}

/// Why the encoder cannot start.
public enum EncoderError: Error, Sendable, Equatable, LocalizedError {
    /// The weights were never fetched (or were moved).
    case modelMissing(folder: String, file: String)
    /// This binary uses vector instructions the CPU lacks.
    case unsupportedCPU(missing: [String])

    public var errorDescription: String? {
        switch self {
        case .modelMissing(let folder, let file):
            return "os pesos do MiniLM não estão em \(folder) (falta \(file)); rode scripts/setup.sh na pasta do projeto para baixá-los"
        case .unsupportedCPU(let missing):
            return "este processador não tem \(missing.joined(separator: ", ")), para o qual o indaga foi compilado; "
                + "recompile com INDAGA_CPU=baseline swift build -c release"
        }
    }
}

/// The vector extensions the kernels were compiled for (see Package.swift and
/// scripts/cpu-target.sh, which picks `INDAGA_CPU` from the machine), and the check that the CPU
/// has them, so an old machine gets a sentence instead of an illegal-instruction crash.
public enum CPUFeatures {
    /// What the kernels were compiled for, as `indaga bench` shows it: "AVX-512 (16 floats)",
    /// "AVX2+FMA (8 floats)", "SSE2 (4 floats)"; the floats are one register's.
    public static var compiledKernel: String { "\(compiledName) (\(registerFloats) floats)" }

    /// The instruction set's name alone.
    static let compiledName: String = {
        #if INDAGA_AVX512
            return "AVX-512"
        #elseif INDAGA_AVX2
            return "AVX2+FMA"
        #elseif arch(x86_64)
            return "SSE2"
        #elseif arch(arm64)
            return "NEON"
        #else
            return "SIMD genérico"
        #endif
    }()

    /// Floats in one hardware vector register; `Vector` (Kernels.swift) is this or, on SSE2 and
    /// NEON, two registers' worth that LLVM splits.
    static let registerFloats: Int = {
        #if INDAGA_AVX512
            return 16
        #elseif INDAGA_AVX2
            return 8
        #else
            return 4
        #endif
    }()

    /// The /proc/cpuinfo flags of everything `-target-cpu` lets the compiler use, not just the
    /// vector width: `haswell` adds BMI1/2, LZCNT (`abm`), MOVBE and F16C to AVX2 and FMA;
    /// `skylake-avx512` adds AVX-512 F, CD, BW, DQ and VL. scripts/cpu-target.sh asks for the same.
    static let requiredFlags: [String] = {
        let haswell = ["avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "f16c", "popcnt"]
        #if INDAGA_AVX512
            return haswell + ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #elseif INDAGA_AVX2
            return haswell
        #else
            return []
        #endif
    }()

    /// The flags of the first processor in /proc/cpuinfo; nil where there is no such file.
    static func processorFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String>? {
        guard let cpuinfo = try? String(contentsOfFile: path, encoding: .utf8),
            let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = flagsLine.firstIndex(of: ":")
        else { return nil }
        return Set(flagsLine[flagsLine.index(after: colon)...].split(separator: " ").map(String.init))
    }

    static func checkCompiledFeatures(cpuinfo path: String = "/proc/cpuinfo") throws {
        guard !requiredFlags.isEmpty, let flags = processorFlags(cpuinfo: path) else { return }
        let missing = requiredFlags.filter { !flags.contains($0) }
        if !missing.isEmpty {
            throw EncoderError.unsupportedCPU(missing: missing)
        }
    }
}
