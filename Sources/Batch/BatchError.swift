import Foundation

/// Why a batch cannot start or cannot go on, in words an analyst can act on.
public enum BatchError: Error, Sendable, Equatable {
    case inputMissing(path: String)
    case inputIsFolder(path: String)
    case inputUnreadable(path: String, reason: String)
    /// A line of a JSONL file that is not a JSON object.
    case malformedJSON(path: String, line: Int, excerpt: String)
    /// YAML that does not parse; `line` when libyaml says where.
    case malformedYAML(path: String, line: Int?, problem: String)
    /// An entry without `id` or `question`, or with one of the wrong kind; `place` is "linha 3" or "entrada 2 (linha 5)".
    case badEntry(path: String, place: String, problem: String)
    case duplicateID(path: String, id: String, first: String, second: String)
    case noQuestions(path: String)
    /// `--out` already holds something (`records` of this format, when it reads as such) and `--resume` was not given.
    case outputExists(path: String, records: Int?)
    /// What `--resume` read back is not this format's output (or is broken before its last line).
    case outputNotOurs(path: String, format: String, line: Int, problem: String)
    case cannotOpenOutput(path: String, reason: String)
    /// Another process (a second `batch`, or `--resume`) is writing `--out` now.
    case outputBusy(path: String)
    /// A write failed once the batch had started (disk full, the file removed).
    case writeFailed(path: String, reason: String)
    case resumeWithoutOut
    case resumeWithJSON
    case badJobs(Int)

    /// A problem with how the batch was asked for (options, the input file, the output file), found
    /// before any question ran: the command's usage exit code. Only a failed write mid-run is not.
    public var isUsage: Bool {
        if case .writeFailed = self { return false }
        return true
    }
}

extension BatchError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .inputMissing(let path):
            return "o arquivo de perguntas '\(path)' não existe; confira o caminho"
        case .inputIsFolder(let path):
            return "'\(path)' é uma pasta; indique o arquivo de perguntas (.txt, .jsonl ou .yaml)"
        case .inputUnreadable(let path, let reason):
            return "não foi possível ler o arquivo de perguntas '\(path)' (\(reason))"
        case .malformedJSON(let path, let line, let excerpt):
            return "a linha \(line) de '\(path)' não é um objeto JSON válido: \(excerpt)"
        case .malformedYAML(let path, let line, let problem):
            return "o YAML de '\(path)' não é válido\(line.map { " na linha \($0)" } ?? ""): \(problem)"
        case .badEntry(let path, let place, let problem):
            return "\(place) de '\(path)': \(problem)"
        case .duplicateID(let path, let id, let first, let second):
            return "o id '\(id)' aparece duas vezes em '\(path)' (\(first) e \(second)); cada pergunta precisa de um id só seu"
        case .noQuestions(let path):
            return "'\(path)' não tem nenhuma pergunta"
        case .outputExists(let path, let records?):
            return "'\(path)' já tem \(records) \(records == 1 ? "resposta" : "respostas"); use --resume para continuar de onde parou, "
                + "ou apague o arquivo ou escolha outro --out para começar de novo"
        case .outputExists(let path, nil):
            return "'\(path)' já existe e não está vazio; apague-o ou escolha outro --out (o indaga batch não sobrescreve respostas)"
        case .outputNotOurs(let path, let format, let line, let problem):
            return "a linha \(line) de '\(path)' não é um registro \(format) do indaga batch (\(problem)); "
                + "confira --format, ou escolha outro --out"
        case .cannotOpenOutput(let path, let reason):
            return "não foi possível gravar '\(path)' (\(reason)); escolha com --out um arquivo numa pasta onde você possa escrever"
        case .outputBusy(let path):
            return "outro indaga batch está gravando em '\(path)' agora; espere ele terminar, ou escolha outro --out"
        case .writeFailed(let path, let reason):
            return "a gravação em '\(path)' falhou (\(reason)); as respostas já gravadas continuam válidas, e --resume continua daí"
        case .resumeWithoutOut:
            return "--resume precisa de --out: é no arquivo de saída que ele vê quais perguntas já foram respondidas"
        case .resumeWithJSON:
            return "--resume não funciona com --format json, que grava o arquivo inteiro só no fim; use jsonl, csv ou md"
        case .badJobs(let jobs):
            return "--jobs vai de \(BatchRunner.jobsRange.lowerBound) a \(BatchRunner.jobsRange.upperBound) (veio \(jobs))"
        }
    }
}
