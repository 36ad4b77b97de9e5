import Foundation
import Render

/// How a batch's records are written.
///
/// jsonl, csv and md write one record at a time, so a batch stopped half-way leaves every
/// finished answer in the file; json is one array written at the end.
public enum BatchFormat: String, Sendable, CaseIterable {
    case jsonl, csv, md, json

    /// Whether records are appended one by one (and `--resume` can read them back).
    public var appendsRecords: Bool { self != .json }

    /// The CSV's columns: numbers plain (no thousands separator, a dot for decimals) so a
    /// spreadsheet or a script reads them as numbers.
    public static let csvColumns = ["id", "pergunta", "status", "origem", "tentativas", "linhas", "tempo_ms", "sql", "mensagem", "colunas", "primeiras_linhas"]
    /// The Markdown table's columns: pt-BR numbers, for a person.
    public static let markdownColumns = ["id", "pergunta", "status", "resposta", "linhas", "tentativas", "tempo", "sql", "mensagem"]

    /// What starts a new file: the CSV header, the Markdown table's head; nothing for JSON.
    public var header: String? {
        switch self {
        case .csv: return CSV.row(Self.csvColumns)
        case .md: return Markdown.row(Self.markdownColumns) + Markdown.row(Self.markdownColumns.map { _ in "---" })
        case .jsonl, .json: return nil
        }
    }

    /// One record, ending with its line break (none for json, whose array adds them).
    public func line(_ record: BatchRecord) -> String {
        switch self {
        case .jsonl:
            return record.json + "\n"
        case .json:
            return record.json
        case .csv:
            return CSV.row([
                record.id, record.question, record.status, record.source, String(record.tries), record.rowCount.map(String.init) ?? "",
                String(Int(record.milliseconds.rounded())), record.sql ?? "", record.message ?? "",
                record.columns.isEmpty ? "" : Self.compactJSON(record.columns), record.rowCount == nil ? "" : record.firstRowsJSON,
            ])
        case .md:
            return Markdown.row([
                record.id, record.question, record.status, Self.preview(record), record.rowCount.map(BrazilianFormat.integer) ?? "",
                String(record.tries), BrazilianFormat.duration(.milliseconds(Int64(record.milliseconds.rounded()))),
                record.sql.map(Markdown.code) ?? "", record.message ?? "",
            ])
        }
    }

    /// The records as one JSON array, one record a line.
    public static func jsonArray(_ records: [BatchRecord]) -> String {
        records.isEmpty ? "[]\n" : "[\n" + records.map(\.json).joined(separator: ",\n") + "\n]\n"
    }

    /// The answer at a glance: the value of a one-cell result, else the first rows.
    static func preview(_ record: BatchRecord) -> String {
        guard record.answered, !record.firstRows.isEmpty else { return "" }
        let shown = 3
        let rows = record.firstRows.prefix(shown).map { row in
            row.enumerated().map { ResultRenderer.format($1, column: record.columns.indices.contains($0) ? record.columns[$0] : "") }
                .joined(separator: ", ")
        }
        return rows.joined(separator: "; ") + ((record.rowCount ?? 0) > shown ? "; …" : "")
    }

    private static func compactJSON(_ strings: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// RFC 4180: fields with a comma, a quote or a line break are quoted, quotes doubled;
/// records end with CRLF.
public enum CSV {
    public static func field(_ text: String) -> String {
        ResultFormats.csvField(text)
    }

    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// The complete records in `bytes` and where the last of them ends. A record is complete at
    /// a line break outside quotes; whatever follows the last one (a write cut short) is not.
    public static func records(in bytes: [UInt8]) -> (records: [[String]], completeLength: Int) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var completeLength = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == quote {
                quoted = true
            } else if byte == comma {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if byte == newline {
                if field.last == carriageReturn { field.removeLast() }
                fields.append(String(decoding: field, as: UTF8.self))
                records.append(fields)
                fields.removeAll()
                field.removeAll(keepingCapacity: true)
                completeLength = index + 1
            } else {
                field.append(byte)
            }
            index += 1
        }
        return (records, completeLength)
    }
}

/// A row of a GitHub-flavoured Markdown table: `|` and backslashes escaped, line breaks as `<br>`.
public enum Markdown {
    public static func cell(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "|": escaped += "\\|"
            case _ where character.isNewline: escaped += "<br>"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    public static func row(_ cells: [String]) -> String {
        "| " + cells.map(cell).joined(separator: " | ") + " |\n"
    }

    /// SQL as inline code on one line (a code span cannot hold a line break).
    static func code(_ sql: String) -> String {
        let oneLine = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return oneLine.contains("`") ? oneLine : "`" + oneLine + "`"
    }

    /// The cells of a row `row(_:)` wrote, unescaped; nil for a line that is not a table row.
    public static func cells(of line: Substring) -> [String]? {
        guard line.hasPrefix("|") else { return nil }
        var cells: [String] = []
        var current = ""
        var escaping = false
        for character in line.dropFirst() {
            if escaping {
                current.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "|" {
                cells.append(current.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "<br>", with: "\n"))
                current = ""
            } else {
                current.append(character)
            }
        }
        return cells
    }
}
