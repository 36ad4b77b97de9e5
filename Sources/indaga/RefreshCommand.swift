import ArgumentParser
import Assistant
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

    @Flag(help: "Pede ao modelo, uma vez, descrições e sinônimos em português das tabelas e colunas ainda sem descrição (auto: describe); um segundo refresh do mesmo esquema não chama o modelo.")
    var describe = false

    @OptionGroup var llm: LLMOptions

    func validate() throws {
        if check && describe { throw ValidationError("--check e --describe não combinam: --check não escreve nada") }
    }

    func run() throws {
        let workspace = workspaceOptions.resolve()
        // Opening checks the file (and creates the bundled database on first use).
        _ = try workspaceOptions.openDatabase(workspace)
        let job = RefreshJob(
            database: workspace.databaseLabel, catalogName: workspace.catalogName,
            metadataFolder: metadata.map { URL(fileURLWithPath: $0) } ?? workspace.metadataFolder,
            embeddingsFolder: workspace.embeddingsFolder, open: WorkspaceOptions.opener(workspace)
        )
        var describer: CatalogDescriber?
        if describe {
            let (endpoint, note) = try llm.resolve(choosingIn: workspace.home)
            if let note { standardError.write("aviso: \(note)\n") }
            describer = try ModelDescriber(client: llm.client(for: endpoint), promptsFolder: workspace.promptsFolder)
            standardError.write("Pedindo ao modelo \(endpoint.model) as descrições do catálogo \(workspace.catalogName)…\n")
        }
        let summary = try job.run(check: check, describer: describer, progress: { standardError.write("  \($0)…\n") }) {
            try MiniLMEncoder(folder: workspace.modelFolder)
        }
        if let described = summary.described {
            report(described)
        }
        for warning in summary.warnings {
            standardError.write("aviso: \(warning)\n")
        }
        WorkspaceOptions.announceStarterFiles(summary.starterFiles, offerDescribe: !describe)
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

    /// What the model described, and what it could not (each problem once: a server that is not
    /// there fails every table the same way).
    private func report(_ described: DescribeSummary) {
        if described.cached {
            standardError.write("descrições do modelo em dia (o esquema não mudou desde o último --describe); nada pedido ao modelo\n")
            return
        }
        if !described.described.isEmpty {
            standardError.write("o modelo descreveu \(count(described.described.count, "tabela", "tabelas")) (auto: describe; revise à vontade)\n")
        }
        var seen: Set<String> = []
        for problem in described.problems where seen.insert(problem.reason).inserted {
            standardError.write("aviso: --describe: \(problem.subject): \(problem.reason)\n")
        }
        if !described.problems.isEmpty {
            standardError.write("aviso: \(count(described.problems.count, "parte ficou", "partes ficaram")) sem descrição do modelo; o resto do refresh foi feito, e o próximo --describe tenta de novo\n")
        }
    }

    private func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(BrazilianFormat.integer(value)) \(value == 1 ? singular : plural)"
    }
}
