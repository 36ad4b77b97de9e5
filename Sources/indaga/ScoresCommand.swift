import ArgumentParser
import Database
import Foundation
import Render
import Scores
import Workspace

struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Treina, recalcula e mostra as notas de engajamento e de risco de evasão dos alunos.",
        discussion: """
            train: treina os dois modelos, aplica a regra de promoção (F1 ≥ 95% do modelo em uso) e recalcula as notas.
            compute: recalcula as notas com os modelos promovidos. report: métricas, silhueta, perfis e risco por escola.
            Configuração em config/scores.yaml (k, reinícios, semente, l2, gate_f1).
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable { case train, compute, report }

    @Argument(help: ArgumentHelp("train (padrão), compute ou report.", valueName: "ação"))
    var action: Action = .train

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: ArgumentHelp("Arquivo de configuração (padrão: config/scores.yaml na pasta do projeto).", valueName: "arquivo"))
    var config: String?

    func run() throws {
        let workspace = workspaceOptions.resolve()
        if workspace.serverAddress != nil {
            // Training writes the score tables; on a server that is a job for whoever owns the database.
            throw CommandFailure(message: "indaga scores calcula e grava as notas num banco SQLite; num PostgreSQL, calcule-as na cópia SQLite "
                + "(indaga scores --db arquivo.sqlite) e copie-a para o servidor com indaga copy arquivo.sqlite --db \(workspace.databaseLabel) --force")
        }
        _ = try workspaceOptions.openDatabase(workspace)  // checks the file, creates the demo database on first use
        let connection = try Connection(path: workspace.database.path, mode: .readWrite)
        let settings = try ScoresConfig.load(from: config.map { URL(fileURLWithPath: $0) }
            ?? workspace.home.appendingPathComponent("config/scores.yaml"))
        let job = ScoresJob(connection: connection, config: settings)
        switch action {
        case .train:
            let report = try job.train { standardError.write("\($0)…\n") }
            print(ScoresText.training(report))
            print()
            print(ScoresText.summary(try job.summary()))
        case .compute:
            let started = ContinuousClock.now
            let counts = try job.compute()
            print("\(BrazilianFormat.integer(counts.risk)) notas de risco e \(BrazilianFormat.integer(counts.engagement)) de engajamento recalculadas em \(BrazilianFormat.duration(ContinuousClock.now - started))")
        case .report:
            print(ScoresText.summary(try job.summary()))
        }
    }
}

/// The scores' reports as text tables with small bar charts.
enum ScoresText {
    static func number(_ value: Double?, _ digits: Int = 3) -> String {
        value.map { BrazilianFormat.decimal($0, fractionDigits: digits) } ?? "—"
    }

    static func bar(_ value: Double, of maximum: Double, width: Int = 30) -> String {
        guard maximum > 0 else { return "" }
        return String(repeating: "█", count: max(0, Int((value / maximum * Double(width)).rounded())))
    }

    static func training(_ report: TrainingReport) -> String {
        var lines: [String] = []
        if let test = report.metrics {
            let f1 = number(test.f1)
            let verdict: String
            if let previous = report.previousF1 {
                verdict = report.promoted
                    ? "promovido: F1 \(f1) ≥ 95% do F1 do modelo anterior (\(number(previous)))"
                    : "NÃO promovido: F1 \(f1) < 95% do F1 do modelo em uso (\(number(previous))); ele foi guardado em modelos, e as notas seguem com o modelo anterior"
            } else {
                verdict = "promovido: é o primeiro modelo de risco"
            }
            lines.append("Modelo de risco \(report.riskVersion): \(verdict)")
        }
        lines.append("Modelo de engajamento \(report.engagementVersion): promovido (k = \(report.clusterProfiles.count))")
        lines.append("\(BrazilianFormat.integer(report.scored.risk)) notas de risco e \(BrazilianFormat.integer(report.scored.engagement)) de engajamento gravadas em \(BrazilianFormat.duration(report.duration))")
        return lines.joined(separator: "\n")
    }

    static func summary(_ summary: ScoresJob.Summary) -> String {
        var sections: [String] = []
        if let version = summary.riskVersion {
            var grid = TextTable(columns: [.init("métrica"), .init("valor", alignment: .right)])
            let metrics = summary.riskMetrics
            grid.append(["AUC", number(metrics["auc"])])
            grid.append(["F1 no limiar", number(metrics["f1"])])
            grid.append(["precisão", number(metrics["precision"])])
            grid.append(["revocação", number(metrics["recall"])])
            grid.append(["precisão nos 10% de maior risco", number(metrics["precisionTop10"])])
            grid.append(["Brier (calibração; menor é melhor)", number(metrics["brier"])])
            grid.append(["limiar de risco alto", number(metrics["threshold"])])
            grid.append(["alunos no ano de teste", BrazilianFormat.integer(Int(metrics["count"] ?? 0))])
            grid.append(["evadiram ou ficaram para trás", BrazilianFormat.integer(Int(metrics["positives"] ?? 0))])
            let years = summary.trainYears.map(String.init).joined(separator: ", ")
            sections.append("Risco (\(version)): treinado com os desfechos de \(years), testado com os de \(summary.testYear.map(String.init) ?? "—") "
                + "(dados do ano anterior a cada desfecho)\n" + grid.render())
        } else {
            sections.append("Ainda não há modelo de risco promovido: rode indaga scores train.")
        }
        if let version = summary.engagementVersion {
            let best = summary.silhouettes.map(\.value).max() ?? 0
            let lines = summary.silhouettes.map { entry in
                "  k = \(entry.k)\(entry.k == summary.k ? "*" : " ")  \(number(entry.value))  \(bar(max(0, entry.value), of: best, width: 24))"
            }
            sections.append("Engajamento (\(version)): silhueta por k (* = o k em uso, de config/scores.yaml)\n" + lines.joined(separator: "\n"))
            var grid = TextTable(columns: [
                .init("nível"), .init("aluno-meses", alignment: .right), .init("interações", alignment: .right),
                .init("no prazo", alignment: .right), .init("não entregues", alignment: .right), .init("nota média", alignment: .right),
                .init("presença", alignment: .right),
            ])
            for profile in summary.profiles {
                grid.append([profile.level == "medio" ? "médio" : profile.level, BrazilianFormat.integer(profile.months), number(profile.interactions, 1),
                             number(profile.onTime, 1), number(profile.missing, 1), number(profile.grade, 1),
                             BrazilianFormat.integer(Int((profile.attendance * 100).rounded())) + "%"])
            }
            sections.append("Perfil de cada nível (médias por aluno e mês)\n" + grid.render())
        }
        if !summary.riskBySchool.isEmpty {
            let maximum = Double(summary.riskBySchool.map { $0.high + $0.medium + $0.low }.max() ?? 1)
            var grid = TextTable(columns: [
                .init("escola"), .init("alto", alignment: .right), .init("médio", alignment: .right), .init("baixo", alignment: .right),
                .init("distribuição (█ alto, ▒ médio, ░ baixo)"),
            ])
            for school in summary.riskBySchool {
                let scale = 30 / maximum
                let chart = String(repeating: "█", count: Int((Double(school.high) * scale).rounded()))
                    + String(repeating: "▒", count: Int((Double(school.medium) * scale).rounded()))
                    + String(repeating: "░", count: Int((Double(school.low) * scale).rounded()))
                grid.append([school.school, BrazilianFormat.integer(school.high), BrazilianFormat.integer(school.medium),
                             BrazilianFormat.integer(school.low), chart])
            }
            sections.append("Risco por escola (notas de \(summary.riskYear.map(String.init) ?? "—"), para o ano seguinte)\n" + grid.render())
        }
        sections.append("As notas apoiam a decisão de uma pessoa: leia cada uma com seus fatores (:aluno RA na conversa).")
        return sections.joined(separator: "\n\n")
    }
}
