import ArgumentParser
import Assistant
import Benchmarks
import Session
import Retrieval
import Foundation
import MiniLM
import Render
import Workspace

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Mede a velocidade do indaga (compile em release antes: swift build -c release).",
        subcommands: [AllBench.self, EncoderBench.self, RetrievalBench.self, PipelineBench.self],
        defaultSubcommand: AllBench.self
    )

    /// Numbers from a debug build are an order of magnitude off; said once, before any.
    static func warnIfDebug() {
        #if DEBUG
            standardError.write("aviso: compilação de depuração; meça com .build/release/indaga\n")
        #endif
    }

    /// One line of JSON on stdout, for `bench all` (which runs each benchmark as a child) and scripts.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

struct EncoderBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoder",
        abstract: "Latência de uma pergunta, vazão em lote de 32 textos e tempo de carga do codificador MiniLM.",
        discussion: "Com --reference, mede na mesma execução o sentence-transformers (PyTorch) e o onnxruntime e mostra as razões."
    )

    @Flag(help: "Mede também a referência em Python (precisa de bench/setup-reference.sh).")
    var reference = false

    @Option(help: ArgumentHelp("Segundos de medição por item.", valueName: "s"))
    var seconds: Double = 3

    @Option(help: ArgumentHelp("Threads do codificador (padrão: todos os núcleos).", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Imprime os números numa linha JSON (tempos em ms).")
    var json = false

    @OptionGroup var homeOption: HomeOption

    func validate() throws {
        try OptionRange.check(seconds, 0.1...600, option: "--seconds")
        try OptionRange.check(threads, 1...256, option: "--threads")
    }

    func run() throws {
        if !json { BenchCommand.warnIfDebug() }
        let workspace = homeOption.resolve()
        let texts = try EncoderBenchmarkTexts.load(from: workspace.home.appendingPathComponent("bench/encoder-texts.json"))
        let encoder = try MiniLMEncoder(folder: workspace.modelFolder, threads: max(1, threads))
        if !json { standardError.write("Medindo o codificador em Swift…\n") }
        let swift = EncoderBenchmark.measure(encoder, texts: texts, duration: .milliseconds(Int(seconds * 1000)))
        let memory = peakResidentMemory()
        var reference: EncoderBenchmark.Reference?
        if self.reference {
            if !json { standardError.write("Medindo a referência em Python…\n") }
            reference = try EncoderBenchmark.measureReference(home: workspace.home, seconds: seconds)
        }
        let questionTokens = encoder.tokenizer.encode(texts.question).count
        if json {
            try BenchCommand.printJSON(EncoderReport(
                threads: max(1, threads), questionTokens: questionTokens, batchTexts: texts.batch.count, swift: swift, reference: reference))
            return
        }

        var table = TextTable(columns: [
            .init("codificador"), .init("carga", alignment: .right), .init("1 pergunta p50", alignment: .right),
            .init("p95", alignment: .right), .init("lote 32 (textos/s)", alignment: .right),
        ])
        func row(_ name: String, _ m: EncoderMeasurement) {
            table.append([
                name, "\(BrazilianFormat.decimal(m.loadMilliseconds, fractionDigits: 0)) ms",
                "\(BrazilianFormat.decimal(m.singleP50Milliseconds, fractionDigits: 2)) ms",
                "\(BrazilianFormat.decimal(m.singleP95Milliseconds, fractionDigits: 2)) ms",
                BrazilianFormat.decimal(m.batchTextsPerSecond, fractionDigits: 0),
            ])
        }
        row("indaga (Swift, \(max(1, threads)) threads)", swift)
        if let reference {
            if let pytorch = reference.pytorch { row("sentence-transformers (PyTorch, \(reference.threads) threads)", pytorch) }
            if let onnx = reference.onnxruntime { row("onnxruntime (\(reference.threads) threads)", onnx) }
        }
        print("Pergunta: \"\(texts.question)\" (\(questionTokens) tokens); lote de \(texts.batch.count) textos de tamanhos variados")
        print(table.render())
        print("Codificador compilado para: \(CPUFeatures.compiledKernel)")
        print("Memória máxima do processo (Swift): \(BrazilianFormat.bytes(memory))")
        if let reference {
            print("Memória máxima do processo (Python, os dois juntos): \(BrazilianFormat.bytes(reference.peakResidentBytes))")
            for (name, other) in [("PyTorch", reference.pytorch), ("onnxruntime", reference.onnxruntime)] {
                guard let other else { continue }
                print(
                    "Razão contra \(name): latência \(BrazilianFormat.decimal(swift.singleP50Milliseconds / other.singleP50Milliseconds, fractionDigits: 2))× "
                        + "(menor é melhor), vazão \(BrazilianFormat.decimal(swift.batchTextsPerSecond / other.batchTextsPerSecond, fractionDigits: 2))× (maior é melhor)"
                )
            }
        }
    }
}

struct RetrievalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Cobertura da recuperação (deixando cada exemplo de fora), tamanho do contexto e latência, no banco e num catálogo sintético."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: ArgumentHelp("Colunas do catálogo sintético (0 para pular).", valueName: "n"))
    var synthetic: Int = 100_000

    @Flag(help: "Imprime os números numa linha JSON (tempos em ms).")
    var json = false

    func validate() throws {
        try OptionRange.check(synthetic, 0...10_000_000, option: "--synthetic")
    }

    func run() throws {
        if !json { BenchCommand.warnIfDebug() }
        let (_, retriever, encoder) = try workspaceOptions.openRetriever(workspaceOptions.resolve())
        if !json { standardError.write("Medindo a recuperação…\n") }
        let m = RetrievalBenchmark.measure(retriever, encoder: encoder, syntheticColumns: synthetic)
        if json { return try BenchCommand.printJSON(m) }
        func ms(_ d: Duration) -> String { "\(BrazilianFormat.decimal(d.milliseconds, fractionDigits: 2)) ms" }
        var table = TextTable(columns: [.init("medida"), .init("valor", alignment: .right)])
        table.append(["exemplos (cada um deixado de fora)", BrazilianFormat.integer(m.examples)])
        table.append(["cobertura das tabelas (recall@contexto)", BrazilianFormat.decimal(m.recall * 100, fractionDigits: 1) + "%"])
        let whole = Double(max(1, m.wholeSchemaTokens))
        table.append(["esquema inteiro", "\(BrazilianFormat.integer(m.wholeSchemaTokens)) tokens"])
        table.append(["contexto médio: parte do esquema", "\(BrazilianFormat.decimal(m.meanSchemaTokens, fractionDigits: 0)) tokens (\(BrazilianFormat.decimal(m.meanSchemaTokens / whole * 100, fractionDigits: 1))%)"])
        table.append(["contexto médio: com termos e exemplos", "\(BrazilianFormat.decimal(m.meanContextTokens, fractionDigits: 0)) tokens (\(BrazilianFormat.decimal(m.meanContextTokens / whole * 100, fractionDigits: 1))%)"])
        table.append(["recuperação p50 / p95 (sem codificar)", "\(ms(m.retrieveP50)) / \(ms(m.retrieveP95))"])
        table.append(["recuperação p50 / p95 (com codificação)", "\(ms(m.withEncodingP50)) / \(ms(m.withEncodingP95))"])
        if m.syntheticDocuments > 0 {
            table.append(["sintético: \(BrazilianFormat.integer(m.syntheticDocuments)) documentos, p50 / p95", "\(ms(m.syntheticP50)) / \(ms(m.syntheticP95))"])
        }
        print(table.render())
        for miss in m.misses {
            print("faltou \(miss.missing.joined(separator: ", ")) em: \(miss.question)")
        }
    }
}

struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Tempo do caminho da pergunta à resposta sem o tempo do modelo (um modelo instantâneo responde), por etapa."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: ArgumentHelp("Quantas vezes passar pelos exemplos.", valueName: "n"))
    var rounds = 5

    @Flag(help: "Imprime os números numa linha JSON (tempos em ms).")
    var json = false

    func validate() throws {
        try OptionRange.check(rounds, 1...1_000, option: "--rounds")
    }

    func run() throws {
        if !json { BenchCommand.warnIfDebug() }
        let workspace = workspaceOptions.resolve()
        let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
        let prompts = try PromptTemplates.load(from: workspace.promptsFolder)
        if !json { standardError.write("Medindo o caminho da pergunta…\n") }
        let m = PipelineBenchmark.measure(examples: retriever.catalog.metadata.examples, rounds: rounds, make: { model in
            Assistant(connection: connection, retriever: retriever, encoder: encoder, client: model, prompts: prompts)
        }, render: { answer in _ = AnswerText.render(answer) })
        if json { return try BenchCommand.printJSON(m) }
        func ms(_ d: Duration) -> String { "\(BrazilianFormat.decimal(d.milliseconds, fractionDigits: 2)) ms" }
        var table = TextTable(columns: [.init("etapa"), .init("p50", alignment: .right), .init("p95", alignment: .right)])
        for stage in m.stages { table.append([stage.stage, ms(stage.p50), ms(stage.p95)]) }
        table.append(["total (sem o modelo)", ms(m.totalP50), ms(m.totalP95)])
        table.append(["total sem o modelo e sem executar", ms(m.overheadP50), ms(m.overheadP95)])
        print("\(BrazilianFormat.integer(m.questions)) perguntas (os exemplos verificados, com um modelo instantâneo)")
        print(table.render())
    }
}
