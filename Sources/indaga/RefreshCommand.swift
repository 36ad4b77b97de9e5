import ArgumentParser
import Catalog
import Foundation
import MiniLM
import Render
import Workspace

struct RefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Atualiza o catálogo do banco: esquema + metadata → embeddings, recalculando só o que mudou.",
        discussion: "Para rodar no cron. Escreve um metadata inicial (auto: true) para tabelas sem descrição. Com --check, não muda nada e sai com código 1 se os embeddings estiverem desatualizados."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: ArgumentHelp("Pasta do metadata (padrão: metadata/<catálogo> na pasta do projeto).", valueName: "pasta"))
    var metadata: String?

    @Flag(help: "Só confere: sai com código 1 se os embeddings não correspondem ao metadata.")
    var check = false

    func run() throws {
        let workspace = workspaceOptions.resolve()
        // Opening checks the file (and creates the bundled database on first use).
        _ = try workspaceOptions.openDatabase(workspace)
        let job = RefreshJob(
            database: workspace.database.path, catalogName: workspace.catalogName,
            metadataFolder: metadata.map { URL(fileURLWithPath: $0) } ?? workspace.metadataFolder,
            embeddingsFolder: workspace.embeddingsFolder
        )
        let summary = try job.run(check: check) { try MiniLMEncoder(folder: workspace.modelFolder) }
        for warning in summary.warnings {
            standardError.write("aviso: \(warning)\n")
        }
        for file in summary.starterFiles {
            standardError.write("metadata inicial escrito em \(file) (complete as descrições)\n")
        }
        let counts = "\(count(summary.tables, "tabela", "tabelas")), \(count(summary.columns, "coluna", "colunas"))"
        let changes = "\(count(summary.added.count, "novo", "novos")), \(count(summary.changed.count, "alterado", "alterados")), \(count(summary.removed.count, "removido", "removidos"))"
        if check {
            if summary.stale {
                let sample = (summary.added + summary.changed + summary.removed).prefix(5).joined(separator: ", ")
                print("\(counts): embeddings desatualizados (\(changes)\(sample.isEmpty ? "" : "; ex.: \(sample)")); rode indaga refresh")
                throw ExitCode(1)
            }
            print("\(counts): embeddings em dia")
        } else {
            print("\(counts): \(changes); \(count(summary.embedded, "embedding recalculado", "embeddings recalculados")) em \(BrazilianFormat.duration(summary.duration))")
        }
    }

    private func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(BrazilianFormat.integer(value)) \(value == 1 ? singular : plural)"
    }
}
