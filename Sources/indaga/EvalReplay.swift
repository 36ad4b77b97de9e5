import Assistant
import Evaluation
import Foundation
import Render
import Workspace

extension EvalCommand {
    /// A report `indaga eval --out relatório.json` wrote, or a sentence saying why it is none.
    static func loadReport(_ path: String) throws -> EvalReport {
        do {
            return try JSONDecoder().decode(EvalReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as DecodingError {
            throw CommandFailure(message: "'\(path)' não é um relatório JSON de indaga eval (\(ErrorText.portuguese(error))); grave um com --out relatório.json")
        } catch {
            throw CommandFailure(message: "não consegui ler o relatório '\(path)': \(ErrorText.portuguese(error))")
        }
    }

    /// `--show`: a stored report read again, as this version writes it (new tables included).
    func showReport(_ path: String) throws {
        let report = try Self.loadReport(path)
        print(format == .json ? report.json() : EvalReportText.render(report), terminator: "")
    }

    /// `--replay`: every rule measured again, without the model, on the queries the model wrote
    /// in the runs of the JSON reports at `paths`, each set on its own database and catalog.
    func replayRules(reports paths: [String]) throws {
        let reports = try paths.map(Self.loadReport)
        let home = workspaceOptions.resolve()
        let prompts = try PromptTemplates.load(from: home.promptsFolder)
        var replayed = ReplayReport(source: paths.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
        // One catalog, encoder and value index per question file, however many reports name it.
        var replays: [String: RuleReplay] = [:]
        for set in reports.flatMap(\.sets) {
            // The question file as the run named it: from here, or from the indaga folder.
            let candidates = [set.file, home.home.appendingPathComponent(set.file).path]
            guard let filePath = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw CommandFailure(message: "o arquivo de perguntas \(set.file) do relatório não existe aqui nem em \(home.home.path)")
            }
            // A run on a server is replayed there, its gold on the SQLite file.
            let server = Workspace.isServerAddress(set.database) ? set.database : nil
            let key = filePath + "\u{0}" + (server ?? "")
            if let replay = replays[key] {
                replay.replay(set, into: &replayed) { standardError.write($0 + "\n") }
                continue
            }
            let file: EvalFile
            do {
                file = try EvalSet.loadFile(path: filePath)
            } catch {
                throw CommandFailure(message: error.localizedDescription)
            }
            let local = workspaceOptions.resolve(database: file.database)
            guard FileManager.default.fileExists(atPath: local.database.path) else {
                throw Self.missingDatabase(set.file, local.database.path)
            }
            let (workspace, gold) = try workspaces(for: file, server: server)
            let (connection, retriever, encoder) = try workspaceOptions.openRetriever(workspace)
            var options = try pipelineOptions.pipeline()
            options.maxRows = EvalRunner.maxRows
            let assistant = Assistant(connection: connection, retriever: retriever, encoder: encoder, client: nil, prompts: prompts, options: options)
            let runner = EvalRunner(connection: gold ?? connection, tableNames: Set(retriever.catalog.schema.tables.map(\.name)))
            let replay = RuleReplay(runner: runner, assistant: assistant, questions: file.questions)
            replays[key] = replay
            replay.replay(set, into: &replayed) { standardError.write($0 + "\n") }
        }
        let body = format == .json ? replayed.json() : ReplayReportText.render(replayed)
        print(body, terminator: "")
        if let out {
            let saved = out.lowercased().hasSuffix(".json") ? replayed.json() : ReplayReportText.render(replayed)
            do {
                try Data(saved.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                standardError.write("Medida gravada em \(out)\n")
            } catch {
                throw CommandFailure(message: "não consegui gravar a medida em '\(out)': \(ErrorText.portuguese(error))")
            }
        }
    }
}
