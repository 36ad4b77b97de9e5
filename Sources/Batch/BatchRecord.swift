import Assistant
import Database
import Foundation
import Render
import Session

/// What a batch writes for one question: the answer as `indaga ask --format json` prints it,
/// with the question's id, and the few fields the CSV and Markdown tables show.
public struct BatchRecord: Sendable, Equatable {
    public var id: String
    public var question: String
    /// `ok`, `no_sql`, `invalid` or `error`, as in the JSON.
    public var status: String
    /// `llm` or `verified_example`.
    public var source: String
    public var tries: Int
    /// Rows the query returned (all of them, past the cap too); nil when nothing ran.
    public var rowCount: Int?
    public var sql: String?
    public var message: String?
    /// The pipeline's stages added up.
    public var milliseconds: Double
    public var columns: [String]
    /// The first rows, for the tables' previews.
    public var firstRows: [[Cell]]
    /// The same rows as compact JSON (`[[4]]`), for the CSV.
    public var firstRowsJSON: String
    /// The whole record as one JSON line (no newline): `{"id":…,` then the answer's keys, sorted.
    public var json: String

    /// Rows kept for the CSV and Markdown previews.
    public static let previewRows = 5

    public var answered: Bool { status == Answer.Status.ok.rawValue }

    public init(id: String, question: String, status: String, source: String, tries: Int, rowCount: Int?, sql: String?,
                message: String?, milliseconds: Double, columns: [String], firstRows: [[Cell]], firstRowsJSON: String, json: String) {
        self.id = id
        self.question = question
        self.status = status
        self.source = source
        self.tries = tries
        self.rowCount = rowCount
        self.sql = sql
        self.message = message
        self.milliseconds = milliseconds
        self.columns = columns
        self.firstRows = firstRows
        self.firstRowsJSON = firstRowsJSON
        self.json = json
    }

    /// The record of `answer`, filed under `id`.
    public init(id: String, answer: Answer) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The answer's own keys stay sorted as `ask --format json` prints them; the id goes first,
        // where a person scanning the file looks. Encoding a string or these values cannot fail.
        let idJSON = String(decoding: (try? encoder.encode(id)) ?? Data("\"\"".utf8), as: UTF8.self)
        let answerJSON = String(decoding: AnswerRecord.json(answer, encoder: encoder), as: UTF8.self)
        let rest = answerJSON.dropFirst()
        json = "{\"id\":\(idJSON)" + (rest.hasPrefix("}") ? "" : ",") + rest
        let preview = Array((answer.result?.rows ?? []).prefix(Self.previewRows))
        firstRowsJSON = String(decoding: (try? encoder.encode(preview.map { $0.map(JSONCell.init) })) ?? Data("[]".utf8), as: UTF8.self)
        firstRows = preview.map { $0.map(AnswerText.cell) }
        self.id = id
        question = answer.question
        status = answer.status.rawValue
        source = answer.source.rawValue
        tries = answer.attempts.count
        rowCount = answer.result?.totalRows
        sql = answer.sql
        message = answer.message
        milliseconds = answer.timings.reduce(Duration.zero) { $0 + $1.duration }.milliseconds
        columns = answer.result?.columns ?? []
    }
}
