import Database
import Foundation
import TestSupport
import Testing

@Suite("indaga scores")
struct ScoresCommandTests {
    @Test("train prints the metrics and the gate's verdict; a blocked model is said so; report and compute work")
    func trainReportCompute() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let database = folder.path("escola.sqlite")
        try FileManager.default.copyItem(atPath: SharedDemo.path, toPath: database)
        let config = folder.path("scores.yaml")
        try "engajamento:\n  reinicios: 2\n  silhueta_k: [3, 4]\n  amostra_silhueta: 300\n".write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = ["--db", database, "--catalog", "escola", "--config", config]
        // The demo comes with its first models (DemoScoresTests); this starts over without them.
        try Connection(path: database).execute("DELETE FROM scores_risco; DELETE FROM scores_engajamento; DELETE FROM modelos")

        let first = try Indaga.run(["scores", "train"] + arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("promovido: é o primeiro modelo de risco"))
        #expect(first.stdout.contains("│ AUC "))
        #expect(first.stdout.contains("k = 4*"))
        #expect(first.stdout.contains("Risco por escola"))

        try Connection(path: database).execute("UPDATE modelos SET metricas = json_set(metricas, '$.f1', 0.99) WHERE tipo = 'risco'")
        let blocked = try Indaga.run(["scores", "train"] + arguments)
        #expect(blocked.status == 0)
        #expect(blocked.stdout.contains("NÃO promovido: F1 "), "\(blocked.stdout)")
        #expect(blocked.stdout.contains("as notas seguem com o modelo anterior"))

        let report = try Indaga.run(["scores", "report"] + arguments)
        #expect(report.status == 0 && report.stdout.contains("precisão nos 10% de maior risco"))
        let compute = try Indaga.run(["scores", "compute"] + arguments)
        #expect(compute.status == 0 && compute.stdout.contains("notas de risco e 31.357 de engajamento recalculadas"))
    }

    @Test("a database that is not the school network: one pt-BR line, exit 1")
    func otherDatabase() throws {
        let folder = try TemporaryFolder()
        let database = folder.path("outra.sqlite")
        try Connection(path: database, mode: .create).execute("CREATE TABLE vendas (id INTEGER PRIMARY KEY, total REAL)")
        let run = try Indaga.run(["scores", "train", "--db", database])
        #expect(run.status == 1)
        #expect(run.stderr == "indaga: as notas de risco e engajamento só existem no banco da rede escolar (tabelas avaliacoes_anuais, matriculas, cubo_engajamento, scores_*)\n")
    }
}
