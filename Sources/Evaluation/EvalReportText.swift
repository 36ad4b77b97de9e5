import Foundation
import Render
import RuleBook
import SQLCheck

/// The report as people read it: a summary per run, a comparison of the runs, then the failures.
public enum EvalReportText {
    public static func render(_ report: EvalReport, failures: Bool = true) -> String {
        let questions = report.totals.first?.cases.count ?? 0
        var out = "Avaliação: \(questions) \(questions == 1 ? "pergunta" : "perguntas") em \(report.sets.count) "
            + (report.sets.count == 1 ? "banco" : "bancos") + " (" + report.sets.map(\.catalog).joined(separator: ", ") + ")\n"
        out += "Máquina: \(report.machine.system) · \(report.machine.cpu) · \(report.machine.cores) núcleos · "
            + "\(BrazilianFormat.bytes(report.machine.memoryBytes)) de memória · início \(report.startedAt)\n"
        if !report.rulesOff.isEmpty {
            let all = report.rulesOff.count == RuleRegistry.all.count
            out += "Regras desligadas: " + (all ? "todas (\(report.rulesOff.count))" : report.rulesOff.joined(separator: ", ")) + "\n"
        }
        if let stopped = report.stopped { out += "INTERROMPIDA: \(stopped); o relatório traz as perguntas já feitas\n" }
        out += "\n" + accuracyByDatabase(report)
        for (position, configuration) in report.configurations.enumerated() where configuration.model != nil {
            out += "\n" + answersByDatabase(report, position: position)
        }
        if report.totals.contains(where: { $0.configuration.model != nil }) { out += "\n" + costByConfiguration(report) }
        for set in report.sets {
            out += "\n==== banco \(set.catalog) · \(set.file) (\(set.database)) ====\n"
            for run in set.runs { out += "\n" + summary(run) }
            if set.runs.count > 1 { out += "\n" + comparison(set.runs) }
        }
        for (position, run) in report.totals.enumerated() where run.configuration.model != nil {
            out += "\n" + ledger(report, position: position)
        }
        if failures {
            for set in report.sets {
                for run in set.runs {
                    if run.configuration.model == nil {
                        out += retrievalMisses(run).map { "\n[\(set.catalog)] " + $0 } ?? ""
                    } else if !run.failures.isEmpty {
                        out += "\n[\(set.catalog)] " + failureList(run)
                    }
                }
            }
        }
        return out
    }

    /// Every rule, in the order a query meets them: id, stage and the mistake it addresses (`indaga eval --list-rules`).
    public static func ruleList() -> String {
        var table = TextTable(columns: [.init("regra"), .init("etapa"), .init("o erro que ela trata", maxWidth: 100)])
        for rule in RuleRegistry.all { table.append([rule.id, rule.stage.rawValue, rule.summary]) }
        return table.render() + "\n\(RuleRegistry.all.count) regras; --without ID[,ID…] desliga algumas, --without check.* uma etapa, "
            + "--without \(RuleRegistry.allRules) todas.\n"
    }

    /// The sets' rows, then the total when there is more than one set.
    static func rows(_ report: EvalReport) -> [(name: String, runs: [EvalRun])] {
        report.sets.map { ($0.catalog, $0.runs) } + (report.sets.count > 1 ? [("total", report.totals)] : [])
    }

    /// Accuracy of each configuration on each database, side by side, and the first minus the last.
    static func accuracyByDatabase(_ report: EvalReport) -> String {
        let configurations = report.configurations
        var columns: [TextTable.Column] = [.init("banco"), .init("perguntas", alignment: .right)]
        columns += configurations.map { TextTable.Column($0.label, alignment: .right, maxWidth: 26) }
        if configurations.count > 1 { columns.append(.init("1ª − última", alignment: .right)) }
        var table = TextTable(columns: columns)
        for (name, runs) in rows(report) {
            var row = [name, BrazilianFormat.integer(runs.first?.summary.questions ?? 0)]
            row += runs.map { "\(percent($0.summary.accuracy)) (\($0.summary.right))" }
            if runs.count > 1, let first = runs.first, let last = runs.last {
                let points = (first.summary.accuracy - last.summary.accuracy) * 100
                row.append("\(points >= 0 ? "+" : "")\(BrazilianFormat.decimal(points, fractionDigits: 1))")
            }
            table.append(row)
        }
        return "Acurácia por banco (mesmas perguntas, mesmo modelo, nesta execução):\n" + table.render() + "\n"
    }

    /// How the answers of one configuration came, per database: first try, corrected, wrong, none; calls, tokens, time.
    static func answersByDatabase(_ report: EvalReport, position: Int) -> String {
        var table = TextTable(columns: [
            .init("banco"), .init("de primeira", alignment: .right), .init("após correção", alignment: .right), .init("erradas", alignment: .right),
            .init("sem resposta", alignment: .right), .init("chamadas/perg.", alignment: .right), .init("tokens prompt/perg.", alignment: .right),
            .init("processados/perg.", alignment: .right), .init("p50", alignment: .right), .init("p95", alignment: .right), .init("recuperação", alignment: .right),
            .init("tabelas/perg.", alignment: .right),
        ])
        for (name, runs) in rows(report) where runs.indices.contains(position) {
            let run = runs[position]
            let s = run.summary
            table.append([name, "\(s.rightFirstTry)", "\(s.rightAfterCorrection)", "\(s.wrong)", "\(s.notAnswered)",
                          BrazilianFormat.decimal(s.meanTries, fractionDigits: 2), BrazilianFormat.decimal(run.tokens.meanPrompt, fractionDigits: 0),
                          run.tokens.meanProcessed.map { BrazilianFormat.decimal($0, fractionDigits: 0) } ?? "—", milliseconds(run.total.p50), milliseconds(run.total.p95), percent(s.retrievalRecall),
                          BrazilianFormat.decimal(s.meanTablesShown, fractionDigits: 1)])
        }
        return "Respostas por banco · \(report.configurations[position].label):\n" + table.render() + "\n"
    }

    /// What each configuration cost over all databases, side by side: calls, tokens sent, processed
    /// (the rest came from the server's cache) and generated, and each stage's p50 / p95.
    static func costByConfiguration(_ report: EvalReport) -> String {
        let runs = report.totals.filter { $0.configuration.model != nil }
        var table = TextTable(columns: [.init("todos os bancos")] + runs.map { .init($0.configuration.label, alignment: .right) })
        func row(_ name: String, _ value: (EvalRun) -> String) { table.append([name] + runs.map(value)) }
        func tokens(_ value: Double?) -> String { value.map { BrazilianFormat.decimal($0, fractionDigits: 0) } ?? "—" }
        row("acurácia") { "\(percent($0.summary.accuracy)) (\($0.summary.right) de \($0.summary.questions))" }
        row("chamadas ao modelo por pergunta") { BrazilianFormat.decimal($0.summary.meanTries, fractionDigits: 2) }
        row("tokens do prompt enviados por pergunta") { tokens($0.tokens.meanPrompt) }
        row("  processados pelo servidor (o resto, do cache)") { tokens($0.tokens.meanProcessed) }
        row("tokens gerados por pergunta") { tokens($0.tokens.meanCompletion) }
        let stages = EvalRun.pipelineOrder.filter { stage in runs.contains { $0.stages[stage] != nil } }
        for stage in stages {
            row("\(stage) p50 / p95") { run in run.stages[stage].map { "\(milliseconds($0.p50)) / \(milliseconds($0.p95))" } ?? "—" }
        }
        row("pergunta inteira p50 / p95") { "\(milliseconds($0.total.p50)) / \(milliseconds($0.total.p95))" }
        return "Custo por configuração (mesmas perguntas, nesta execução):\n" + table.render() + "\n"
    }

    /// Every rule that acted under one configuration: on how many questions, how they ended, per database.
    static func ledger(_ report: EvalReport, position: Int) -> String {
        let total = report.totals[position]
        let label = total.configuration.label
        guard !total.ledger.isEmpty else { return "Regras · \(label): nenhuma regra agiu\n" }
        var columns: [TextTable.Column] = [
            .init("regra"), .init("perguntas", alignment: .right), .init("certas", alignment: .right), .init("erradas", alignment: .right),
            .init("vezes", alignment: .right),
        ]
        let sets = report.sets.count > 1 ? report.sets : []
        columns += sets.map { TextTable.Column($0.catalog, alignment: .right) }
        var table = TextTable(columns: columns)
        for count in total.ledger {
            var row = [count.rule, "\(count.questions)", "\(count.right)", "\(count.wrong)", "\(count.actions)"]
            row += sets.map { set in
                guard set.runs.indices.contains(position), let here = set.runs[position].ledger.first(where: { $0.rule == count.rule }) else { return "–" }
                return "\(here.questions) (\(here.right) ✓)"
            }
            table.append(row)
        }
        return "Regras que agiram · \(label) (perguntas em que agiu e como terminaram; por banco: perguntas (certas)):\n" + table.render() + "\n"
    }

    static func percent(_ share: Double) -> String {
        BrazilianFormat.decimal(share * 100, fractionDigits: 1) + "%"
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 1000 ? BrazilianFormat.decimal(value / 1000, fractionDigits: 2) + " s" : BrazilianFormat.decimal(value, fractionDigits: 1) + " ms"
    }

    /// `easy` → `fácil`; other names as the file wrote them.
    static func difficultyName(_ level: String) -> String {
        ["easy": "fácil", "medium": "médio", "hard": "difícil"][level] ?? level
    }

    static func title(_ run: EvalRun) -> String {
        var text = run.configuration.label
        if let model = run.configuration.model { text += " · modelo \(model)" }
        if let budget = run.configuration.sharedSchemaBudget, run.configuration.model != nil {
            text += budget > 0 ? " · esquema inteiro no começo do prompt até \(BrazilianFormat.integer(budget)) tokens" : " · só as tabelas escolhidas"
        }
        if run.interrupted { text += " · INTERROMPIDA" }
        return text
    }

    static func summary(_ run: EvalRun) -> String {
        let s = run.summary
        var out = "== \(title(run)) ==\n"
        var table = TextTable(columns: [.init("medida"), .init("valor", alignment: .right)])
        table.append(["acurácia (execução)", "\(percent(s.accuracy)) (\(s.right) de \(s.questions))"])
        table.append(["certas de primeira", BrazilianFormat.integer(s.rightFirstTry)])
        table.append(["certas após correção", BrazilianFormat.integer(s.rightAfterCorrection)])
        table.append(["erradas", BrazilianFormat.integer(s.wrong)])
        table.append(["sem resposta", BrazilianFormat.integer(s.notAnswered)])
        if s.verifiedExamples > 0 { table.append(["respondidas por exemplo verificado", BrazilianFormat.integer(s.verifiedExamples)]) }
        if s.goldErrors > 0 { table.append(["gabaritos com erro (fora da conta)", BrazilianFormat.integer(s.goldErrors)]) }
        table.append(["chamadas ao modelo por pergunta (média)", BrazilianFormat.decimal(s.meanTries, fractionDigits: 2)])
        table.append(["cobertura da recuperação (tabelas do gabarito no prompt)", percent(s.retrievalRecall)])
        table.append(["tabelas no prompt (média por pergunta)", BrazilianFormat.decimal(s.meanTablesShown, fractionDigits: 1)])
        table.append(["tokens do prompt (média por pergunta)", BrazilianFormat.decimal(run.tokens.meanPrompt, fractionDigits: 0)])
        table.append(["tokens do prompt processados pelo servidor (média; o resto veio do cache)",
                      run.tokens.meanProcessed.map { BrazilianFormat.decimal($0, fractionDigits: 0) } ?? "o servidor não disse"])
        table.append(["tokens gerados (média por pergunta)", BrazilianFormat.decimal(run.tokens.meanCompletion, fractionDigits: 0)])
        table.append(["tokens no total (prompt / gerados)", "\(BrazilianFormat.integer(run.tokens.prompt)) / \(BrazilianFormat.integer(run.tokens.completion))"])
        table.append(["duração da rodada", BrazilianFormat.duration(.milliseconds(Int(run.elapsedSeconds * 1000)))])
        out += table.render() + "\n"

        var levels = TextTable(columns: [.init("nível"), .init("perguntas", alignment: .right), .init("certas", alignment: .right),
                                         .init("acurácia", alignment: .right)])
        for level in run.byDifficulty {
            levels.append([difficultyName(level.difficulty), BrazilianFormat.integer(level.questions), BrazilianFormat.integer(level.right),
                           percent(level.accuracy)])
        }
        out += "Por nível:\n" + levels.render() + "\n"

        var times = TextTable(columns: [.init("etapa"), .init("p50", alignment: .right), .init("p95", alignment: .right)])
        for stage in run.stageOrder {
            guard let latency = run.stages[stage] else { continue }
            times.append([stage, milliseconds(latency.p50), milliseconds(latency.p95)])
        }
        times.append(["pergunta inteira", milliseconds(run.total.p50), milliseconds(run.total.p95)])
        out += "Tempo por pergunta:\n" + times.render() + "\n"
        return out
    }

    static func comparison(_ runs: [EvalRun]) -> String {
        var table = TextTable(columns: [
            .init("configuração", maxWidth: 48), .init("acurácia", alignment: .right), .init("de primeira", alignment: .right),
            .init("após correção", alignment: .right), .init("erradas", alignment: .right), .init("sem resposta", alignment: .right),
            .init("p50", alignment: .right),
        ])
        for run in runs {
            let s = run.summary
            table.append([run.configuration.label, percent(s.accuracy), "\(s.rightFirstTry)", "\(s.rightAfterCorrection)", "\(s.wrong)",
                          "\(s.notAnswered)", milliseconds(run.total.p50)])
        }
        var out = "Comparação (mesmas perguntas, mesmo modelo, nesta execução):\n" + table.render() + "\n"
        let first = runs[0].summary.accuracy
        for run in runs.dropFirst() {
            let points = (first - run.summary.accuracy) * 100
            out += "\(runs[0].configuration.label) contra \(run.configuration.label): "
                + "\(points >= 0 ? "+" : "")\(BrazilianFormat.decimal(points, fractionDigits: 1)) pontos\n"
        }
        return out
    }

    /// Without a model every question is unanswered: what is worth reading is where retrieval
    /// left a gold table out, and any verified example that answered wrong.
    static func retrievalMisses(_ run: EvalRun) -> String? {
        let misses = run.cases.filter { !$0.missingTables.isEmpty || $0.outcome == .wrong }
        guard !misses.isEmpty else { return nil }
        var out = "Recuperação · perguntas sem todas as tabelas do gabarito no contexto (\(misses.count)):\n"
        for item in misses {
            out += "  [\(item.id)] faltou \(item.missingTables.joined(separator: ", ")): \(item.question)\n"
            if item.outcome == .wrong { out += "    exemplo verificado errado: \(item.predictedSQL.map(oneLine) ?? "—")\n" }
        }
        return out
    }

    static func failureList(_ run: EvalRun) -> String {
        var out = "Falhas · \(run.configuration.label) (\(run.failures.count)):\n"
        for item in run.failures {
            out += "\n[\(item.id)] \(difficultyName(item.difficulty)) · \(item.outcome.label)"
            if let detail = item.detail { out += ": \(oneLine(detail))" }
            out += "\n  pergunta: \(item.question)\n"
            if !item.missingTables.isEmpty { out += "  faltaram no contexto: \(item.missingTables.joined(separator: ", "))\n" }
            out += "  previsto: \(item.predictedSQL.map(oneLine) ?? "—")\n"
            out += "  gabarito: \(oneLine(item.goldSQL))\n"
            if !item.rules.isEmpty { out += "  regras que agiram: \(item.rules.joined(separator: ", "))\n" }
        }
        return out
    }

    /// Whitespace and line breaks folded into single spaces.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
