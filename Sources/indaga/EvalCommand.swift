import ArgumentParser
import Assistant
import Database
import Evaluation
import Foundation
import LLM
import Render
import RuleBook
import SQLCheck
import Workspace

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Mede a acurácia do indaga num arquivo de perguntas com gabarito, e o tempo e os tokens de cada etapa.",
        discussion: """
            ARQUIVO: YAML, uma lista de perguntas ou a chave questions com essa lista. Cada item tem id, question e \
            gold_sql, e pode ter difficulty (easy, medium, hard), order_matters (true quando a ordem das linhas faz \
            parte da resposta) e alt_sql (outra resposta aceita, ou uma lista delas); outras chaves são ignoradas. \
            A chave database diz o banco SQLite das perguntas (relativo ao arquivo); sem ela, vale --db ou o banco \
            de demonstração. Uma suíte é um YAML com a chave sets, a lista dos arquivos de perguntas \
            (eval/suite.yaml traz todos os bancos de desenvolvimento).
            Uma resposta está certa quando o resultado dela é o do gabarito: as linhas como multiconjunto (a ordem só \
            conta com order_matters), os números com uma pequena tolerância, os nomes das colunas ignorados e a ordem \
            das colunas também, quando são as mesmas.
            O catálogo de cada banco é atualizado antes se estiver desatualizado (como indaga refresh faria).
            Com --compare, roda na mesma execução o pipeline completo, uma tentativa só (sem correção) e o esquema \
            inteiro no prompt numa tentativa (sem recuperação, como a maioria das ferramentas faz).
            O relatório dá a acurácia de cada banco e do total, e cada regra que agiu (o "livro-razão" das regras); \
            --without ID desliga regras, para medir o quanto cada uma ajuda; --replay RELATÓRIO.json mede cada regra \
            sem o modelo, sobre as consultas que ele escreveu naquela rodada (cada uma com todas as regras, e de novo \
            sem cada regra que agiu).
            Sai com 0 ao terminar (qualquer que seja a acurácia), 1 se não pôde avaliar ou se o servidor do modelo \
            parou de responder no meio, 130 com Ctrl-C (nos dois casos o relatório traz as perguntas já feitas).
            """
    )

    @Argument(help: ArgumentHelp("Arquivos de perguntas com gabarito (.yaml), ou suítes que os listam (sets:).", valueName: "arquivo"))
    var files: [String] = []

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, md

        init?(argument: String) {
            switch argument.lowercased() {
            case "texto", "text": self = .text
            case "json": self = .json
            case "md", "markdown": self = .md
            default: return nil
            }
        }
    }

    @Option(help: ArgumentHelp("Formato do relatório na saída padrão: text ou json (md só com --list-rules: o diretório de regras).", valueName: "formato"))
    var format: Format = .text

    @Option(help: ArgumentHelp("Grava também o relatório neste arquivo (JSON se terminar em .json, texto nos outros casos), a cada bloco de perguntas.", valueName: "arquivo"))
    var out: String?

    @Flag(name: .customLong("no-llm"), help: "Sem modelo: mede só a recuperação e as respostas por exemplo verificado.")
    var noLLM = false

    @Flag(name: .customLong("whole-schema"), help: "Sem recuperação: o esquema inteiro no prompt, sem exemplos nem glossário.")
    var wholeSchema = false

    @Flag(help: "Compara na mesma execução: pipeline completo, uma tentativa só e esquema inteiro numa tentativa.")
    var compare = false

    @Option(help: ArgumentHelp("Só estas perguntas (ids separados por vírgula).", valueName: "ids"))
    var only: String?

    @Option(help: ArgumentHelp("Só umas N perguntas de cada banco, sempre as mesmas, na proporção dos níveis (para conferir rápido).", valueName: "n"))
    var sample: Int?

    @Option(help: ArgumentHelp("Mede cada regra de novo, sem o modelo, sobre as consultas que o modelo escreveu num relatório JSON de indaga eval (repita para somar vários).", valueName: "relatório"))
    var replay: [String] = []

    @Option(help: ArgumentHelp("Mostra de novo um relatório JSON gravado com --out, como esta versão o escreve, sem rodar nada.", valueName: "relatório"))
    var show: String?

    @Option(help: ArgumentHelp(
        "Faz as perguntas num PostgreSQL: cada banco das perguntas é lido do banco de mesmo nome neste servidor (carregado com indaga copy "
            + "ou indaga demo --db), com o mesmo catálogo; o gabarito roda no arquivo SQLite, que tem os mesmos dados.", valueName: "postgresql://…/"))
    var server: String?

    @Flag(name: .customLong("list-rules"), help: "Lista as regras (id, etapa e o erro que cada uma trata) e sai.")
    var listRules = false

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var pipelineOptions: PipelineOptions

    func validate() throws {
        if noLLM && (compare || wholeSchema) {
            throw ValidationError("--no-llm não combina com --compare nem com --whole-schema: sem modelo não há o que comparar")
        }
        if !replay.isEmpty && (!files.isEmpty || compare || wholeSchema || noLLM || pipelineOptions.without != nil || only != nil || sample != nil) {
            throw ValidationError("--replay lê as perguntas e os bancos do relatório e mede todas as regras: não combina com arquivos, --compare, --whole-schema, --no-llm, --without, --only nem --sample")
        }
        if show != nil && (!files.isEmpty || compare || wholeSchema || noLLM || !replay.isEmpty || listRules || only != nil || sample != nil) {
            throw ValidationError("--show só relê o relatório: não combina com arquivos, --compare, --whole-schema, --no-llm, --replay, --list-rules, --only nem --sample")
        }
        if files.isEmpty && !listRules && replay.isEmpty && show == nil {
            throw ValidationError("diga o arquivo de perguntas (por exemplo eval/dev.yaml) ou a suíte (eval/suite.yaml)")
        }
        if let sample { try OptionRange.check(sample, 1...10_000, option: "--sample") }
        if let server, !Workspace.isServerAddress(server) {
            throw ValidationError("--server precisa ser um endereço postgresql://usuário@servidor:porta/")
        }
        if server != nil, !replay.isEmpty || show != nil { throw ValidationError("--server só vale ao rodar perguntas") }
        if format == .md && !listRules {
            throw ValidationError("--format md só vale com --list-rules; o relatório sai em text ou json")
        }
    }

    func run() throws {
        if listRules {
            print(format == .md ? RuleDirectory.markdown() : EvalReportText.ruleList(), terminator: "")
            return
        }
        if !replay.isEmpty {
            try replayRules(reports: replay)
            return
        }
        if let show {
            try showReport(show)
            return
        }
        let rulesOff = try pipelineOptions.rulesOff()
        var sets = try EvalSet.loadFiles(paths: files)
        if let only {
            let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(sets.flatMap { $0.questions.map(\.id) })
            guard unknown.isEmpty else {
                throw CommandFailure(message: "ids que não estão em \(files.joined(separator: ", ")): \(unknown.sorted().joined(separator: ", "))")
            }
            for index in sets.indices { sets[index].questions.removeAll { !wanted.contains($0.id) } }
            sets.removeAll { $0.questions.isEmpty }
        }
        if let sample {
            for index in sets.indices { sets[index].questions = EvalSet.sample(sets[index].questions, count: sample) }
        }
        // A run can take an hour: say now, not after it, that the report cannot be written or a database is missing.
        if let out {
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw CommandFailure(message: "não consigo gravar o relatório em '\(out)': a pasta \(folder) não existe ou não aceita escrita")
            }
        }
        for set in sets {
            if let database = set.database, !FileManager.default.fileExists(atPath: database) {
                throw Self.missingDatabase(set.path, database)
            }
        }
        let home = workspaceOptions.resolve()
        let prompts = try PromptTemplates.load(from: home.promptsFolder)
        var client: ChatClient?
        var endpoint: LLMEndpoint?
        if !noLLM {
            let (resolved, note) = try llm.resolve(choosingIn: home.home)
            if let note { standardError.write("aviso: \(note)\n") }
            if let problem = AskCommand.modelProblem(resolved) {
                throw CommandFailure(message: "\(problem) sem o modelo, use --no-llm para medir só a recuperação")
            }
            endpoint = resolved
            client = llm.client(for: resolved)
        }

        let interrupt = InterruptCancellation()
        let started = Date()
        let setups = try configurations(model: client?.endpoint.model)
        let configurations = setups.map(\.configuration)
        let total = sets.reduce(0) { $0 + $1.questions.count }
        standardError.write("\(total) \(total == 1 ? "pergunta" : "perguntas") em \(sets.count) \(sets.count == 1 ? "banco" : "bancos"); "
            + configurations.map(\.label).joined(separator: " · ")
            + (rulesOff.isEmpty ? "" : " · \(rulesOff.count) \(rulesOff.count == 1 ? "regra desligada" : "regras desligadas")") + "\n")

        var done: [EvalReport.QuestionSet] = []
        var stopped: String?
        func report(adding partial: EvalReport.QuestionSet? = nil) -> EvalReport {
            EvalReport(startedAt: started, machine: .current(), configurations: configurations, rulesOff: rulesOff.sorted(), stopped: stopped,
                       sets: done + (partial.map { [$0] } ?? []))
        }
        for set in sets {
            let (workspace, gold) = try workspaces(for: set)
            let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
            let runner = EvalRunner(connection: gold ?? connection, tableNames: Set(retriever.catalog.schema.tables.map(\.name)))
            let assistants = setups.map { setup in
                var options = setup.options
                options.maxRows = EvalRunner.maxRows
                return Assistant(connection: connection, retriever: retriever, encoder: encoder, client: client, prompts: prompts, options: options)
            }
            standardError.write("== \(workspace.catalogName) (\(set.path)): \(set.questions.count) perguntas\n")
            func setReport(_ cases: [[EvalCase]], _ elapsed: [Duration]) -> EvalReport.QuestionSet {
                EvalReport.QuestionSet(file: set.path, database: workspace.databaseLabel, catalog: workspace.catalogName, runs: setups.indices.map { position in
                    EvalRun(configuration: configurations[position], cases: cases[position], elapsed: elapsed[position], interrupted: stopped != nil)
                })
            }
            let blocks = EvalBlocks(runner: runner, configurations: configurations)
            let results = blocks.run(set.questions, cancellation: interrupt.flag, hooks: EvalBlocks.Hooks(
                ask: { index, question in assistants[index].ask(question, cancellation: interrupt.flag) },
                serverProblem: { endpoint.flatMap(AskCommand.modelProblem) },
                line: { standardError.write($0) },
                // What is done so far goes to disk after every block: a run cut short keeps it.
                checkpoint: { cases, elapsed in
                    if let out { try? write(report(adding: setReport(cases, elapsed)), to: out) }
                }))
            if interrupt.flag.isCancelled { stopped = "interrompida com Ctrl-C" }
            if let lost = results.serverLost { stopped = "o servidor do modelo parou de responder (\(lost))" }
            done.append(setReport(results.cases, results.elapsed))
            if stopped != nil { break }
        }

        let final = report()
        let text = EvalReportText.render(final)
        print(format == .json ? final.json() : text, terminator: format == .json ? "" : "\n")
        if let out {
            do {
                try write(final, to: out)
                standardError.write("Relatório gravado em \(out)\n")
            } catch {
                throw CommandFailure(message: "não consegui gravar o relatório em '\(out)': \(ErrorText.portuguese(error))")
            }
        }
        if interrupt.flag.isCancelled { throw ExitCode(130) }
        if let stopped { throw CommandFailure(message: "a avaliação parou antes do fim: \(stopped)") }
    }

    /// Where a set's questions are asked, and, with `--server` (or a run on a server being
    /// replayed), the SQLite file its gold queries run on: the server's database of the file's
    /// catalog name, read with that same catalog.
    func workspaces(for set: EvalFile, server: String? = nil) throws -> (Workspace, Connection?) {
        let local = workspaceOptions.resolve(database: set.database)
        guard let server = server ?? self.server, var address = URLComponents(string: server) else { return (local, nil) }
        address.path = "/" + local.catalogName
        let remote = Workspace.resolve(homeFlag: workspaceOptions.homeOption.home, databaseFlag: address.string, catalogFlag: local.catalogName)
        return (remote, try workspaceOptions.openDatabase(local) as? Connection)
    }

    /// What to say when the database a question file names is not there.
    static func missingDatabase(_ file: String, _ database: String) -> CommandFailure {
        CommandFailure(message: "o banco de \(file) ('\(database)') não existe; crie os bancos de desenvolvimento com scripts/dev-databases.sh")
    }

    /// The report in `path`, as JSON when it ends in .json and as text otherwise, replaced atomically.
    private func write(_ report: EvalReport, to path: String) throws {
        let body = path.lowercased().hasSuffix(".json") ? report.json() : EvalReportText.render(report) + "\n"
        try Data(body.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The runs to make: one, or the three of --compare.
    private func configurations(model: String?) throws -> [(configuration: EvalConfiguration, options: Assistant.Options)] {
        let base = try pipelineOptions.pipeline()
        func setup(_ label: String, tries: Int, retrieval: Bool) -> (EvalConfiguration, Assistant.Options) {
            var options = base
            options.maxTries = tries
            options.retrieval = retrieval
            let tryText = tries == 1 ? "uma tentativa" : "até \(tries) tentativas"
            let fullLabel = "\(label), \(tryText)" + (options.samples > 1 ? ", \(options.samples) candidatos" : "")
            return (EvalConfiguration(label: fullLabel, model: model, maxTries: tries, retrieval: retrieval, samples: options.samples,
                                      sharedSchemaBudget: retrieval ? options.sharedSchemaBudget : nil), options)
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
}
