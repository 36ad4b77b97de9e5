import ArgumentParser
import Benchmarks
import Foundation
import Render

struct AllBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Todas as medidas numa tabela: codificador, recuperação, caminho da pergunta e partida da conversa, com a memória máxima de cada uma.",
        discussion: """
            Cada medida roda num processo próprio (este mesmo programa, com --json), então a memória máxima \
            de cada linha é só a dela. Com --reference, mede na mesma execução o PyTorch e o onnxruntime \
            (bench/setup-reference.sh). scripts/bench.sh compila em release e roda tudo.
            """
    )

    @Flag(help: "Mede também a referência em Python (precisa de bench/setup-reference.sh).")
    var reference = false

    @Option(help: ArgumentHelp("Segundos de medição por item do codificador.", valueName: "s"))
    var seconds: Double = 3

    @Option(help: ArgumentHelp("Quantas vezes passar pelos exemplos no caminho da pergunta.", valueName: "n"))
    var rounds = 5

    @Option(help: ArgumentHelp("Colunas do catálogo sintético da recuperação (0 para pular).", valueName: "n"))
    var synthetic = 100_000

    @Option(help: ArgumentHelp("Quantas vezes abrir a conversa para medir a partida.", valueName: "n"))
    var launches = 7

    @Flag(help: "Imprime tudo em JSON (tempos em ms, memória em bytes) em vez da tabela.")
    var json = false

    @OptionGroup var workspaceOptions: WorkspaceOptions

    func validate() throws {
        try OptionRange.check(seconds, 0.1...600, option: "--seconds")
        try OptionRange.check(rounds, 1...1_000, option: "--rounds")
        try OptionRange.check(synthetic, 0...10_000_000, option: "--synthetic")
        try OptionRange.check(launches, 1...100, option: "--launches")
    }

    func run() throws {
        BenchCommand.warnIfDebug()
        let workspace = workspaceOptions.resolve()
        var options = BenchSuite.Options(home: workspace.home, database: workspace.serverAddress ?? workspace.database.path, catalog: workspace.catalogName)
        options.databaseArguments = [workspaceOptions.database.map { ["--db", $0] }, workspaceOptions.catalog.map { ["--catalog", $0] }]
            .compactMap { $0 }.flatMap { $0 }
        options.seconds = max(0.01, seconds)
        options.rounds = max(1, rounds)
        options.syntheticColumns = max(0, synthetic)
        options.launches = max(1, launches)
        options.reference = reference
        let report = BenchSuite(options: options).run { standardError.write($0 + "\n") }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(BenchSummary.render(report))
        }
        if !report.failures.isEmpty {
            throw CommandFailure(message: "\(report.failures.count == 1 ? "uma medida falhou" : "\(report.failures.count) medidas falharam"): "
                + report.failures.keys.sorted().map(BenchSummary.label).joined(separator: ", "))
        }
    }
}

/// The one table `indaga bench all` prints, in pt-BR.
enum BenchSummary {
    /// A benchmark's name in `SuiteReport.failures`, as a person reads it.
    static func label(_ name: String) -> String {
        let labels = [
            "encoder": "codificador", "pytorch": "PyTorch", "onnxruntime": "onnxruntime", "retrieval": "recuperação",
            "synthetic": "recuperação no catálogo sintético", "pipeline": "caminho da pergunta", "repl": "partida da conversa",
        ]
        return labels[name] ?? name
    }

    static func render(_ report: SuiteReport) -> String {
        var table = TextTable(columns: [
            .init("medida"), .init("p50", alignment: .right), .init("p95", alignment: .right), .init("mais"),
            .init("memória máx.", alignment: .right),
        ])
        func memory(_ bytes: Int64) -> String { BrazilianFormat.bytes(bytes) }
        func ms(_ value: Double) -> String { "\(BrazilianFormat.decimal(value, fractionDigits: value < 10 ? 2 : 1)) ms" }
        func ms(_ value: Duration) -> String { ms(value.milliseconds) }
        func ratio(_ value: Double) -> String { "\(BrazilianFormat.decimal(value, fractionDigits: 2))×" }
        func encoderRow(_ name: String, _ m: EncoderMeasurement, _ bytes: Int64) {
            table.append([
                name, ms(m.singleP50Milliseconds), ms(m.singleP95Milliseconds),
                "lote: \(BrazilianFormat.decimal(m.batchTextsPerSecond, fractionDigits: 0)) textos/s · carga \(BrazilianFormat.decimal(m.loadMilliseconds, fractionDigits: 0)) ms",
                memory(bytes),
            ])
        }

        var notes: [String] = []
        if let encoder = report.encoder {
            let swift = encoder.result.swift
            encoderRow("codificador Swift (\(encoder.result.threads) threads): 1 pergunta", swift, encoder.peakResidentBytes)
            let threads = report.referenceThreads.map { "\($0) threads" } ?? ""
            for (name, side) in [("PyTorch", report.pytorch), ("onnxruntime", report.onnxruntime)] {
                guard let side else { continue }
                encoderRow("codificador \(name) (\(threads)): 1 pergunta", side.result, side.peakResidentBytes)
                table.append([
                    "  razão Swift / \(name)", ratio(swift.singleP50Milliseconds / side.result.singleP50Milliseconds),
                    ratio(swift.singleP95Milliseconds / side.result.singleP95Milliseconds),
                    "lote: \(ratio(swift.batchTextsPerSecond / side.result.batchTextsPerSecond))",
                    ratio(Double(encoder.peakResidentBytes) / Double(max(1, side.peakResidentBytes))),
                ])
            }
            notes.append("Codificador: uma pergunta de \(encoder.result.questionTokens) tokens; lote de \(encoder.result.batchTexts) textos. "
                + "Razões: tempo e memória, menor é melhor; lote (textos/s), maior é melhor.")
        }
        if let missing = report.referenceMissing { notes.append("Referência em Python não medida: \(missing).") }

        if let retrieval = report.retrieval {
            let r = retrieval.result
            table.append([
                "recuperação (\(r.examples) exemplos, sem codificar)", ms(r.retrieveP50), ms(r.retrieveP95),
                "cobertura das tabelas \(BrazilianFormat.decimal(r.recall * 100, fractionDigits: 1))%", memory(retrieval.peakResidentBytes),
            ])
            table.append(["recuperação com a codificação da pergunta", ms(r.withEncodingP50), ms(r.withEncodingP95), "", ""])
        }
        if let synthetic = report.synthetic {
            let r = synthetic.result
            table.append([
                "recuperação, catálogo sintético", ms(r.syntheticP50), ms(r.syntheticP95),
                "\(BrazilianFormat.integer(r.syntheticDocuments)) documentos", memory(synthetic.peakResidentBytes),
            ])
        }

        if let pipeline = report.pipeline {
            let p = pipeline.result
            for stage in p.stages { table.append(["caminho: \(stage.stage)", ms(stage.p50), ms(stage.p95), "", ""]) }
            table.append([
                "caminho: total sem o modelo", ms(p.totalP50), ms(p.totalP95), "\(BrazilianFormat.integer(p.questions)) perguntas",
                memory(pipeline.peakResidentBytes),
            ])
            table.append(["caminho: total sem o modelo e sem executar", ms(p.overheadP50), ms(p.overheadP95), "", ""])
        }

        if let repl = report.repl {
            table.append([
                "conversa: da partida ao prompt", ms(repl.result.p50), ms(repl.result.p95),
                "\(repl.result.launches) partidas, sem servidor do modelo", memory(repl.peakResidentBytes),
            ])
        }

        notes.append("Codificador compilado para: \(report.encoderKernel).")
        notes.append("Memória máx.: o pico de memória residente do processo que fez a medida (cada uma roda num processo próprio).")
        if report.build == "debug" { notes.append("Compilação de depuração: meça com .build/release/indaga (scripts/bench.sh).") }
        for (name, message) in report.failures.sorted(by: { $0.key < $1.key }) { notes.append("Falhou (\(label(name))): \(message)") }
        return ([table.render()] + notes).joined(separator: "\n")
    }
}
