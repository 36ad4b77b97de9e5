import ArgumentParser
import Assistant
import Database
import Evaluation
import Foundation
import LLM
import Render

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Mede a acurácia do indaga num arquivo de perguntas com gabarito, e o tempo e os tokens de cada etapa.",
        discussion: """
            ARQUIVO: YAML, uma lista de perguntas ou a chave questions com essa lista. Cada item tem id, question e \
            gold_sql, e pode ter difficulty (easy, medium, hard), order_matters (true quando a ordem das linhas faz \
            parte da resposta) e alt_sql (outra resposta aceita, ou uma lista delas); outras chaves são ignoradas.
            Uma resposta está certa quando o resultado dela é o do gabarito: as linhas como multiconjunto (a ordem só \
            conta com order_matters), os números com uma pequena tolerância, os nomes das colunas ignorados e a ordem \
            das colunas também, quando são as mesmas.
            Funciona em qualquer banco (--db); o catálogo é atualizado antes se estiver desatualizado.
            Com --compare, roda na mesma execução o pipeline completo, uma tentativa só (sem correção) e o esquema \
            inteiro no prompt numa tentativa (sem recuperação, como a maioria das ferramentas faz).
            Sai com 0 ao terminar (qualquer que seja a acurácia), 1 se não pôde avaliar, 130 com Ctrl-C \
            (o relatório traz as perguntas já feitas).
            """
    )

    @Argument(help: ArgumentHelp("Arquivo de perguntas com gabarito (.yaml).", valueName: "arquivo"))
    var file: String

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json

        init?(argument: String) {
            switch argument.lowercased() {
            case "texto", "text": self = .text
            case "json": self = .json
            default: return nil
            }
        }
    }

    @Option(help: ArgumentHelp("Formato do relatório na saída padrão: text ou json.", valueName: "formato"))
    var format: Format = .text

    @Option(help: ArgumentHelp("Grava também o relatório neste arquivo (JSON se terminar em .json, texto nos outros casos).", valueName: "arquivo"))
    var out: String?

    @Flag(name: .customLong("no-llm"), help: "Sem modelo: mede só a recuperação e as respostas por exemplo verificado.")
    var noLLM = false

    @Flag(name: .customLong("whole-schema"), help: "Sem recuperação: o esquema inteiro no prompt, sem exemplos nem glossário.")
    var wholeSchema = false

    @Flag(help: "Compara na mesma execução: pipeline completo, uma tentativa só e esquema inteiro numa tentativa.")
    var compare = false

    @Option(help: ArgumentHelp("Só estas perguntas (ids separados por vírgula).", valueName: "ids"))
    var only: String?

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var pipelineOptions: PipelineOptions

    func validate() throws {
        if noLLM && (compare || wholeSchema) {
            throw ValidationError("--no-llm não combina com --compare nem com --whole-schema: sem modelo não há o que comparar")
        }
    }

    func run() throws {
        var questions = try EvalSet.load(path: file)
        if let only {
            let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(questions.map(\.id))
            guard unknown.isEmpty else { throw CommandFailure(message: "ids que não estão em \(file): \(unknown.sorted().joined(separator: ", "))") }
            questions = questions.filter { wanted.contains($0.id) }
        }
        // A run can take an hour: say now, not after it, that the report cannot be written.
        if let out {
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw CommandFailure(message: "não consigo gravar o relatório em '\(out)': a pasta \(folder) não existe ou não aceita escrita")
            }
        }
        let workspace = workspaceOptions.resolve()
        let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
        let prompts = try PromptTemplates.load(from: workspace.promptsFolder)
        var client: ChatClient?
        if !noLLM {
            let endpoint = try llm.resolve()
            if let problem = AskCommand.modelProblem(endpoint) {
                throw CommandFailure(message: "\(problem) sem o modelo, use --no-llm para medir só a recuperação")
            }
            client = endpoint.client()
        }

        let runner = EvalRunner(connection: connection, tableNames: Set(retriever.catalog.schema.tables.map(\.name)))
        let interrupt = InterruptCancellation()
        let started = Date()
        let setups = configurations(model: client?.endpoint.model)
        let assistants = setups.map { setup in
            var options = setup.options
            options.maxRows = EvalRunner.maxRows
            return Assistant(connection: connection, retriever: retriever, encoder: encoder, client: client, prompts: prompts, options: options)
        }
        standardError.write("\(questions.count) \(questions.count == 1 ? "pergunta" : "perguntas"); " + setups.map(\.configuration.label).joined(separator: " · ") + "\n")
        let results = evaluate(questions, runner: runner, configurations: setups.map(\.configuration), cancellation: interrupt.flag) { index, question in
            assistants[index].ask(question, cancellation: interrupt.flag)
        }
        let runs = setups.indices.map { position in
            EvalRun(configuration: setups[position].configuration, cases: results.cases[position], elapsed: results.elapsed[position],
                    interrupted: interrupt.flag.isCancelled)
        }

        let report = EvalReport(file: file, database: workspace.database.path, startedAt: started, machine: .current(), runs: runs)
        let text = EvalReportText.render(report)
        print(format == .json ? report.json() : text, terminator: format == .json ? "" : "\n")
        if let out {
            let body = out.lowercased().hasSuffix(".json") ? report.json() : text + "\n"
            do {
                try Data(body.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                standardError.write("Relatório gravado em \(out)\n")
            } catch {
                throw CommandFailure(message: "não consegui gravar o relatório em '\(out)': \(error.localizedDescription)")
            }
        }
        if runs.last?.interrupted == true { throw ExitCode(130) }
    }

    /// The runs to make: one, or the three of --compare.
    private func configurations(model: String?) -> [(configuration: EvalConfiguration, options: Assistant.Options)] {
        let base = pipelineOptions.pipeline
        func setup(_ label: String, tries: Int, retrieval: Bool) -> (EvalConfiguration, Assistant.Options) {
            var options = base
            options.maxTries = tries
            options.retrieval = retrieval
            let tryText = tries == 1 ? "uma tentativa" : "até \(tries) tentativas"
            let fullLabel = "\(label), \(tryText)" + (options.samples > 1 ? ", \(options.samples) candidatos" : "")
            return (EvalConfiguration(label: fullLabel, model: model, maxTries: tries, retrieval: retrieval, samples: options.samples), options)
        }
        if noLLM {
            var options = base
            options.maxTries = 0
            return [(EvalConfiguration(label: "sem modelo: recuperação e exemplos verificados", model: nil, maxTries: 0, retrieval: true), options)]
        }
        if compare {
            return [
                setup("pipeline completo", tries: base.maxTries, retrieval: true),
                setup("sem correção", tries: 1, retrieval: true),
                setup("sem recuperação: esquema inteiro", tries: 1, retrieval: false),
            ]
        }
        return [wholeSchema ? setup("sem recuperação: esquema inteiro", tries: base.maxTries, retrieval: false)
                            : setup("pipeline completo", tries: base.maxTries, retrieval: true)]
    }

    /// Asks every question in turn under each configuration before the next question, so
    /// the configurations always cover the same questions, even when Ctrl-C stops the run
    /// (the question in flight is then left out of all of them). A progress line per answer on stderr.
    private func evaluate(_ questions: [EvalQuestion], runner: EvalRunner, configurations: [EvalConfiguration], cancellation: CancellationFlag,
                          ask: (Int, String) -> Answer) -> (cases: [[EvalCase]], elapsed: [Duration]) {
        let clock = ContinuousClock()
        var cases = [[EvalCase]](repeating: [], count: configurations.count)
        var elapsed = [Duration](repeating: .zero, count: configurations.count)
        var right = [Int](repeating: 0, count: configurations.count)
        questions: for (index, question) in questions.enumerated() {
            var these: [(EvalCase, Duration)] = []
            let gold = runner.goldResults(question)
            for position in configurations.indices {
                if cancellation.isCancelled { break questions }
                let started = clock.now
                let result = runner.evaluate(question, gold: gold) { ask(position, $0) }
                // A question cut short by Ctrl-C has no verdict in any configuration.
                if cancellation.isCancelled { break questions }
                these.append((result, clock.now - started))
                let seconds = BrazilianFormat.decimal(result.latencyMilliseconds / 1000, fractionDigits: 1)
                let label = configurations.count > 1 ? " [\(configurations[position].label)]" : ""
                var line = "[\(index + 1)/\(questions.count)] \(question.id)\(label): \(result.outcome.label) (\(seconds) s) · "
                    + "\(right[position] + (result.outcome.isRight ? 1 : 0)) certas até aqui\n"
                // Why, at once: a long run can be read (and stopped) as it goes.
                // Without a model every question is unanswered for the same reason: no need to say it each time.
                if !result.outcome.isRight, configurations[position].model != nil {
                    if let detail = result.detail { line += "    \(EvalReportText.oneLine(detail))\n" }
                    if let sql = result.predictedSQL { line += "    previsto: \(EvalReportText.oneLine(sql))\n" }
                }
                standardError.write(line)
            }
            for (position, (result, took)) in these.enumerated() {
                cases[position].append(result)
                elapsed[position] += took
                if result.outcome.isRight { right[position] += 1 }
            }
        }
        return (cases, elapsed)
    }
}
