import Database
import Foundation
import Workspace

/// One JSON line per question, appended to a file the user can find and read.
public struct AuditLog: Sendable {
    public let file: URL

    public init(file: URL) {
        self.file = file
    }

    /// `$XDG_DATA_HOME/indaga/auditoria.jsonl`, else `~/.local/share/indaga/auditoria.jsonl`.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        UserFolders.data(environment: environment).appendingPathComponent("auditoria.jsonl")
    }

    /// What to tell the user when the log cannot be written (after "aviso: "); the answer stands.
    public static func failureWarning(_ reason: String) -> String {
        "não foi possível gravar o registro de auditoria (\(reason))"
    }

    /// Appends the answer's record; a log that cannot be written never fails the question.
    public func append(_ answer: Answer, database: String) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let record = AnswerRecord(answer: answer, database: database, time: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(record)
        line.append(0x0A)
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }
}

/// The answer as `indaga ask --format json` prints it and the audit log keeps it.
public struct AnswerRecord: Encodable {
    let answer: Answer
    var database: String?
    var time: String?
    var includeRows = false

    public init(answer: Answer, database: String? = nil, time: String? = nil, includeRows: Bool = false) {
        self.answer = answer
        self.database = database
        self.time = time
        self.includeRows = includeRows
    }

    /// The answer with its rows as JSON; should encoding ever fail, a record that says so
    /// (status `error`), never an empty object that a batch would count as answered.
    public static func json(_ answer: Answer, encoder: JSONEncoder) -> Data {
        do {
            return try encoder.encode(AnswerRecord(answer: answer, includeRows: true))
        } catch {
            var failed = Answer(question: answer.question)
            failed.status = .error
            failed.sql = answer.sql
            failed.message = "a resposta não pôde ser escrita em JSON (\(error.localizedDescription))"
            return (try? encoder.encode(AnswerRecord(answer: failed))) ?? Data("{\"status\":\"error\"}".utf8)
        }
    }

    enum CodingKeys: String, CodingKey {
        case question, status, source, sql, attempts, columns, rows, rowCount = "row_count", truncated, message
        case cutCells = "cells_cut", bytesCapped = "bytes_capped"
        case timings = "timings_ms", model, contextIDs = "context", database, time
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(answer.question, forKey: .question)
        try container.encode(answer.status, forKey: .status)
        try container.encode(answer.source, forKey: .source)
        try container.encodeIfPresent(answer.sql, forKey: .sql)
        try container.encode(answer.attempts, forKey: .attempts)
        try container.encodeIfPresent(answer.message, forKey: .message)
        try container.encodeIfPresent(answer.model, forKey: .model)
        try container.encode(answer.contextIDs, forKey: .contextIDs)
        try container.encodeIfPresent(database, forKey: .database)
        try container.encodeIfPresent(time, forKey: .time)
        var timings: [String: Double] = [:]
        for (stage, duration) in answer.timings { timings[stage, default: 0] += duration.milliseconds }
        try container.encode(timings, forKey: .timings)
        if let result = answer.result {
            try container.encode(result.columns, forKey: .columns)
            try container.encode(result.totalRows, forKey: .rowCount)
            try container.encode(result.truncated, forKey: .truncated)
            if result.cutCells > 0 { try container.encode(result.cutCells, forKey: .cutCells) }
            if result.bytesCapped { try container.encode(true, forKey: .bytesCapped) }
            if includeRows {
                try container.encode(result.rows.map { $0.map(JSONCell.init) }, forKey: .rows)
            }
        }
    }
}

/// A database value as plain JSON: numbers, strings, null; a blob as hex. JSON has no
/// infinity or NaN, so those (a division by 0.0, an overflowing sum) are the strings
/// "Infinity", "-Infinity" and "NaN", as JavaScript's Number() reads them.
public struct JSONCell: Encodable, Sendable {
    let value: DatabaseValue

    public init(_ value: DatabaseValue) { self.value = value }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .integer(let number): try container.encode(number)
        case .real(let number) where number.isFinite: try container.encode(number)
        case .real(let number): try container.encode(number.isNaN ? "NaN" : number < 0 ? "-Infinity" : "Infinity")
        case .text(let text): try container.encode(text)
        case .blob(let bytes): try container.encode(bytes.map { String(format: "%02x", $0) }.joined())
        case .null: try container.encodeNil()
        }
    }
}
