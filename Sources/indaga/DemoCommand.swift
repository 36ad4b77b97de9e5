import ArgumentParser
import Database
import DemoDatabase
import Foundation
import Render
import Workspace

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Cria o banco de demonstração: uma rede escolar sintética de 2022 a 2024, com as notas de risco e de engajamento.",
        discussion: "A mesma semente gera sempre o mesmo conteúdo, byte a byte. O arquivo só aparece quando está completo, notas incluídas."
    )

    @Option(help: ArgumentHelp("Arquivo a criar (padrão: data/escola.sqlite na pasta do projeto).", valueName: "arquivo"))
    var out: String?

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Carrega o banco de demonstração num PostgreSQL (postgresql://usuário@servidor:5432/banco) em vez de criar um arquivo.", valueName: "endereço"))
    var server: String?

    @Option(help: ArgumentHelp("Semente do gerador.", valueName: "n"))
    var seed: UInt64 = DemoDatabase.defaultSeed

    @Flag(help: "Substitui o arquivo se ele já existir.")
    var force = false

    @OptionGroup var homeOption: HomeOption

    func validate() throws {
        if let server, !Workspace.isServerAddress(server) {
            throw ValidationError("--db precisa ser um endereço postgresql://…; para um arquivo, use --out")
        }
        if server != nil, out != nil { throw ValidationError("--db e --out não combinam: o banco vai para um servidor ou para um arquivo") }
    }

    func run() throws {
        let workspace = homeOption.resolve()
        if let server {
            // The same file as always, notes included, then copied: both engines hold the same rows.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("escola.sqlite").path
            let (_, scores) = try ScoredDemo.write(
                to: file, seed: seed, home: workspace.home,
                willStart: { standardError.write("Gerando a rede escolar (semente \(seed))…\n") },
                progress: { standardError.write("\($0)…\n") })
            try CopyCommand.copy(from: try Connection(path: file, mode: .readOnly), to: server, replace: force)
            print(ScoresText.training(scores))
            return
        }
        let target: String
        if let out {
            target = out
        } else {
            // The default place may not exist yet on a fresh checkout; an explicit --out must.
            target = workspace.home.appendingPathComponent(Workspace.bundledDatabasePath).path
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let (summary, scores) = try ScoredDemo.write(
            to: target, seed: seed, overwrite: force, home: workspace.home,
            willStart: { standardError.write("Gerando a rede escolar (semente \(seed))…\n") },
            progress: { standardError.write("\($0)…\n") })

        var table = TextTable(columns: [.init("tabela"), .init("linhas", alignment: .right)])
        for (name, rows) in summary.rowCounts {
            table.append([name, BrazilianFormat.integer(rows)])
        }
        print(table.render())
        print(
            "Banco de demonstração criado em \(summary.path): "
                + "\(BrazilianFormat.integer(summary.rows(in: "escolas"))) escolas, "
                + "\(BrazilianFormat.integer(summary.rows(in: "alunos"))) alunos, "
                + "\(BrazilianFormat.integer(summary.totalRows)) linhas, \(BrazilianFormat.bytes(summary.fileSize)), "
                + "semente \(summary.seed), gerado em \(BrazilianFormat.duration(summary.duration))."
        )
        print(ScoresText.training(scores))
    }
}
