import Foundation
import MiniLM

/// What `indaga bench encoder --json` prints: the Swift encoder's numbers, and the Python
/// reference's when asked for.
public struct EncoderReport: Sendable, Codable {
    public var threads: Int
    public var questionTokens: Int
    public var batchTexts: Int
    public var swift: EncoderMeasurement
    public var reference: EncoderBenchmark.Reference?
    /// The vector extensions the Swift encoder was compiled for (`CPUFeatures.compiledKernel`).
    public var kernel: String? = CPUFeatures.compiledKernel

    enum CodingKeys: String, CodingKey {
        case threads, questionTokens = "question_tokens", batchTexts = "batch_texts", swift, reference, kernel
    }

    public init(threads: Int, questionTokens: Int, batchTexts: Int, swift: EncoderMeasurement, reference: EncoderBenchmark.Reference?) {
        (self.threads, self.questionTokens, self.batchTexts, self.swift, self.reference) = (threads, questionTokens, batchTexts, swift, reference)
    }
}

/// One benchmark of `indaga bench all`, run in a process of its own.
public struct SuiteEntry<Result: Sendable & Codable>: Sendable, Codable {
    public var result: Result
    /// That process's peak resident memory (wait4's ru_maxrss), in bytes.
    public var peakResidentBytes: Int64
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case result, peakResidentBytes = "peak_rss_bytes", seconds
    }
}

/// Everything `indaga bench all` measured; a benchmark that failed is nil and named in `failures`.
public struct SuiteReport: Sendable, Codable {
    public var encoder: SuiteEntry<EncoderReport>?
    public var pytorch: SuiteEntry<EncoderMeasurement>?
    public var onnxruntime: SuiteEntry<EncoderMeasurement>?
    public var referenceThreads: Int?
    /// Why the Python reference was not measured though asked for (its environment is missing).
    public var referenceMissing: String?
    public var retrieval: SuiteEntry<RetrievalMeasurement>?
    /// The synthetic catalog's retrieval, in a process of its own (its vectors dominate the memory).
    public var synthetic: SuiteEntry<RetrievalMeasurement>?
    public var pipeline: SuiteEntry<PipelineMeasurement>?
    public var repl: SuiteEntry<ReplColdStart>?
    /// Benchmark name → what went wrong, in pt-BR.
    public var failures: [String: String] = [:]
    /// `release` or `debug`: numbers from a debug build are not worth comparing.
    public var build: String
    /// The vector extensions this binary's encoder was compiled for, "AVX-512 (16 floats)"… (`CPUFeatures.compiledKernel`).
    public var encoderKernel: String = CPUFeatures.compiledKernel

    enum CodingKeys: String, CodingKey {
        case encoder, pytorch, onnxruntime, referenceThreads = "reference_threads", referenceMissing = "reference_missing"
        case retrieval, synthetic, pipeline, repl, failures, build, encoderKernel = "encoder_kernel"
    }
}

/// `indaga bench all`: each benchmark in a child process (this program's own subcommands with
/// `--json`, the Python reference, the REPL on a pseudo-terminal), so that each one's peak memory
/// is its own and one benchmark's allocations do not slow the next.
public struct BenchSuite: Sendable {
    public struct Options: Sendable {
        /// The `--db` and `--catalog` given to `bench all`, passed on as they are (so that, given
        /// neither, the bundled database is still created on first use); `--home` is passed resolved.
        public var databaseArguments: [String] = []
        /// The resolved folders and database; the REPL gets them all, its environment being a clean one.
        public var home: URL
        public var database: String
        public var catalog: String
        public var seconds = 3.0
        public var rounds = 5
        public var syntheticColumns = 100_000
        public var launches = 7
        public var reference = false

        public init(home: URL, database: String, catalog: String) {
            (self.home, self.database, self.catalog) = (home, database, catalog)
        }
    }

    public let executable: String
    public let options: Options

    public init(executable: String = ChildProcess.currentExecutable, options: Options) {
        (self.executable, self.options) = (executable, options)
    }

    /// Runs every benchmark in turn; `progress` gets one pt-BR line as each starts.
    public func run(progress: (String) -> Void) -> SuiteReport {
        #if DEBUG
            var report = SuiteReport(build: "debug")
        #else
            var report = SuiteReport(build: "release")
        #endif
        let seconds = String(options.seconds)
        let referenceReady = options.reference && EncoderBenchmark.referencePython(home: options.home) != nil
        if options.reference, !referenceReady {
            report.referenceMissing = BenchmarkError.referenceMissing(options.home.path).errorDescription
        }
        let steps = 4 + (referenceReady ? 2 : 0) + (options.syntheticColumns > 0 ? 1 : 0)
        var step = 0
        let clock = ContinuousClock()
        func announce(_ what: String) {
            step += 1
            progress("[\(step)/\(steps)] \(what)…")
        }
        func attempt(_ name: String, _ body: () throws -> Void) {
            do { try body() } catch { report.failures[name] = (error as? LocalizedError)?.errorDescription ?? "\(error)" }
        }

        let workspaceArguments = ["--home", options.home.path] + options.databaseArguments
        announce("codificador em Swift")
        attempt("encoder") { report.encoder = try child(["bench", "encoder", "--json", "--seconds", seconds, "--home", options.home.path]) }

        for side in referenceReady ? EncoderBenchmark.ReferenceSide.allCases : [] {
            announce("referência em Python: \(side.rawValue)")
            attempt(side.rawValue) {
                let started = clock.now
                let reference = try EncoderBenchmark.measureReference(home: options.home, seconds: options.seconds, side: side)
                report.referenceThreads = reference.threads
                guard let measured = side == .pytorch ? reference.pytorch : reference.onnxruntime else {
                    throw BenchmarkError.referenceFailed(0)
                }
                let entry = SuiteEntry(result: measured, peakResidentBytes: reference.peakResidentBytes, seconds: (clock.now - started).milliseconds / 1000)
                if side == .pytorch { report.pytorch = entry } else { report.onnxruntime = entry }
            }
        }

        announce("recuperação (deixando cada exemplo de fora)")
        attempt("retrieval") { report.retrieval = try child(["bench", "retrieval", "--json", "--synthetic", "0"] + workspaceArguments) }
        if options.syntheticColumns > 0 {
            announce("recuperação num catálogo sintético de \(options.syntheticColumns) colunas")
            attempt("synthetic") {
                report.synthetic = try child(["bench", "retrieval", "--json", "--synthetic", String(options.syntheticColumns)] + workspaceArguments)
            }
        }

        announce("caminho da pergunta, com um modelo instantâneo")
        attempt("pipeline") { report.pipeline = try child(["bench", "pipeline", "--json", "--rounds", String(options.rounds)] + workspaceArguments) }

        announce("partida da conversa até o prompt (\(options.launches == 1 ? "1 vez" : "\(options.launches) vezes"))")
        attempt("repl") { report.repl = try replColdStart() }
        return report
    }

    /// Runs `executable arguments…` and reads the JSON it prints.
    private func child<Result: Decodable>(_ arguments: [String]) throws -> SuiteEntry<Result> {
        let run = try ChildProcess.run(executable, arguments)
        guard run.status == 0 else { throw BenchmarkError.childFailed(arguments.prefix(2).joined(separator: " "), Int(run.status)) }
        do {
            let result = try JSONDecoder().decode(Result.self, from: run.output)
            return SuiteEntry(result: result, peakResidentBytes: run.peakResidentBytes, seconds: run.wall.milliseconds / 1000)
        } catch {
            throw BenchmarkError.childFailed(arguments.prefix(2).joined(separator: " "), Int(run.status))
        }
    }

    /// The REPL launched as a person launches it, on a terminal, with no model server behind it.
    private func replColdStart() throws -> SuiteEntry<ReplColdStart> {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-bench-\(getpid())")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        let arguments = [
            "ask", "--home", options.home.path, "--db", options.database, "--catalog", options.catalog,
            "--llm-url", ReplStartBenchmark.unusedLoopbackURL(), "--model", "indaga-bench", "--log", state.appendingPathComponent("auditoria.jsonl").path,
        ]
        // A clean environment: history in the temporary folder, no colour, no OLLAMA_HOST or INDAGA_*.
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": state.path, "XDG_STATE_HOME": state.path,
            "TERM": "xterm", "NO_COLOR": "1",
        ]
        let started = ContinuousClock.now
        let (result, peak) = try ReplStartBenchmark.measure(executable: executable, arguments: arguments, environment: environment, launches: options.launches)
        return SuiteEntry(result: result, peakResidentBytes: peak, seconds: (ContinuousClock.now - started).milliseconds / 1000)
    }
}
