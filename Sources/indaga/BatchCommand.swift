import ArgumentParser
import Assistant
import Batch
import Foundation
import LLM
import Render

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Responde um arquivo de perguntas, gravando cada resposta assim que sai.",
        discussion: """
            ARQUIVO: texto (uma pergunta por linha; linhas em branco e começadas por # são puladas; \
            o id é o número da linha), .jsonl (um objeto {"id", "question"} por linha) ou .yaml/.yml \
            (uma lista de itens com id e question, ou a chave questions com essa lista).
            Saída: um registro por pergunta, o mesmo JSON de `indaga ask --format json` com o id na frente, \
            na ordem em que as respostas ficam prontas (json: na ordem do arquivo).
            Sai com 0 se todas foram respondidas, 1 se alguma falhou, 2 para opções ou arquivos inválidos, \
            130 se interrompido com Ctrl-C (o que já foi gravado fica válido; --resume continua daí).
            """
    )

    /// Usage errors (bad options, an unreadable or malformed question file, --resume misuse)
    /// exit with 2 here, as scripts that run batches overnight were promised, not with the
    /// 64 (EX_USAGE) of the other commands.
    static let usageExitCode: Int32 = 2

    @Argument(help: ArgumentHelp("Arquivo de perguntas (.txt, .jsonl, .yaml).", valueName: "arquivo"))
    var file: String

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv, md, json }

    @Option(help: ArgumentHelp("Formato da saída: jsonl, csv, md ou json.", valueName: "formato"))
    var format: Format = .jsonl

    @Option(help: ArgumentHelp("Arquivo de saída (padrão: a saída padrão); cada resposta é gravada ao ficar pronta.", valueName: "arquivo"))
    var out: String?

    @Flag(help: "Continua um lote interrompido: pula as perguntas cujo id já está em --out.")
    var resume = false

    @Option(help: ArgumentHelp("Perguntas feitas ao mesmo tempo.", valueName: "n"))
    var jobs = 1

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var assistantOptions: AssistantOptions

    func run() throws {
        guard BatchRunner.jobsRange.contains(jobs) else { throw BatchError.badJobs(jobs) }
        let format = BatchFormat(rawValue: self.format.rawValue)!
        if resume, out == nil { throw BatchError.resumeWithoutOut }
        if resume, !format.appendsRecords { throw BatchError.resumeWithJSON }
        let questions = try QuestionFile.load(path: file)
        let (sink, done) = try openOutput(format)
        let pending = questions.filter { !done.contains($0.id) }
        standardError.write(startLine(questions: questions.count, pending: pending.count))

        let recorder = BatchRecorder(format: format, output: sink, questions: questions)
        var outcome = BatchRunner.Outcome()
        var interrupted = false
        if !pending.isEmpty {
            let parts = try AssistantParts.load(workspaceOptions, llm, assistantOptions).0
            if let note = parts.modelNote { standardError.write("aviso: \(note)\n") }
            let interrupt = InterruptCancellation()
            outcome = try run(pending, parts: parts, recorder: recorder, cancellation: interrupt.flag)
            interrupted = interrupt.flag.isCancelled
        }
        if let error = recorder.writeError { throw error }
        if format == .json { try writeArray(recorder.keptRecords) }

        var summary = recorder.summary
        summary.skipped = questions.count - pending.count
        summary.elapsed = outcome.elapsed
        summary.notDone = outcome.notDone
        summary.interrupted = interrupted
        for line in summary.lines { standardError.write(line + "\n") }
        if interrupted { throw ExitCode(130) }
        if summary.failed > 0 { throw ExitCode(1) }
    }

    /// Where records go, with its header written when it starts empty, and the ids it already
    /// holds: `--out` opened for appending, after what is there was read back and a broken tail
    /// cut off; stdout otherwise.
    private func openOutput(_ format: BatchFormat) throws -> (RecordOutput, done: Set<String>) {
        guard let out else {
            if let header = format.header { try RecordOutput.standardOutput().append(header) }
            return (.standardOutput(), [])
        }
        // The file is locked before it is read, so what --resume reads is not being added to.
        let lockedFile = format.appendsRecords ? try RecordOutput(appendingTo: out) : nil
        // Finished answers are never overwritten: a rerun that forgot --resume stops here.
        let bytes = FileManager.default.contents(atPath: out).map { [UInt8]($0) } ?? []
        if !resume, !bytes.isEmpty {
            throw BatchError.outputExists(path: out, records: format.appendsRecords ? (try? ExistingOutput.scan(bytes, format: format, path: out))?.ids.count : nil)
        }
        guard format.appendsRecords, let file = lockedFile else {
            try checkWritableFolder(of: out)
            return (.standardOutput(), [])
        }
        let existing = try ExistingOutput.scan(bytes, format: format, path: out)
        if existing.hasBrokenTail {
            try file.truncate(to: existing.validLength)
            standardError.write("aviso: o fim de '\(out)' tinha um registro incompleto (o processo anterior parou no meio da gravação); "
                + "ele foi removido e a pergunta será feita de novo\n")
        }
        if try file.size() == 0, let header = format.header {
            try file.append(header)
        }
        return (file, Set(existing.ids))
    }

    /// json is written whole at the end; say now, not after the batch, if it cannot be.
    private func checkWritableFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw BatchError.cannotOpenOutput(path: path, reason: "a pasta \(folder) não existe")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw BatchError.cannotOpenOutput(path: path, reason: "sem permissão de escrita em \(folder)")
        }
    }

    private func startLine(questions: Int, pending: Int) -> String {
        var line = "indaga batch: \(BrazilianFormat.integer(questions)) \(questions == 1 ? "pergunta" : "perguntas") em \(file)"
        if pending < questions, let out {
            line += "; \(BrazilianFormat.integer(questions - pending)) já \(questions - pending == 1 ? "respondida" : "respondidas") em \(out)"
        }
        if pending > 0 {
            line += "; \(BrazilianFormat.integer(pending)) a fazer" + (jobs > 1 ? ", \(min(jobs, pending)) por vez" : "")
        }
        return line + "\n"
    }

    /// Runs the questions on `--jobs` threads, each with its own connection and assistant;
    /// records, audit lines and progress follow each answer as it comes.
    private func run(_ questions: [BatchQuestion], parts: AssistantParts, recorder: BatchRecorder,
                     cancellation: CancellationFlag) throws -> BatchRunner.Outcome {
        let display = ProgressDisplay(total: questions.count, terminal: isatty(STDERR_FILENO) == 1) { standardError.write($0) }
        display.start()
        defer { display.end() }
        return try BatchRunner.run(questions, jobs: jobs, cancellation: cancellation, makeWorker: {
            let assistant = parts.assistant(on: try parts.openConnection())
            return { question in
                let answer = assistant.ask(question.question, cancellation: cancellation)
                // A question stopped by Ctrl-C has no answer: it is left for --resume.
                return cancellation.isCancelled && answer.status != .ok ? nil : answer
            }
        }, finished: { question, answer, duration in
            let record = BatchRecord(id: question.id, answer: answer)
            guard recorder.add(record, took: duration) else {
                cancellation.cancel()  // the output is gone: stop asking
                return
            }
            do {
                try parts.audit(answer)
            } catch {
                recorder.noteAuditFailure(ErrorText.portuguese(error))
            }
            display.finished(record, took: duration)
        })
    }

    private func writeArray(_ records: [BatchRecord]) throws {
        let text = BatchFormat.jsonArray(records)
        guard let out else {
            try RecordOutput.standardOutput().append(text)
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw BatchError.writeFailed(path: out, reason: ErrorText.portuguese(error))
        }
    }
}
