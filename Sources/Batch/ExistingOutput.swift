import Foundation

/// What an output file already holds, read back for `--resume`: the ids answered, and how
/// much of the file is whole records.
///
/// Each record is appended with one write, so a process killed mid-write leaves at most a
/// piece of one record at the end, with no line break after it. That piece is not counted
/// (its question runs again) and `validLength` stops before it, for the caller to cut it off.
public struct ExistingOutput: Sendable, Equatable {
    /// The ids of the whole records, in file order (repeats kept).
    public let ids: [String]
    /// Bytes of header and whole records; the rest of the file is a broken tail.
    public let validLength: Int
    public let totalLength: Int

    public var hasBrokenTail: Bool { validLength < totalLength }

    public init(ids: [String], validLength: Int, totalLength: Int) {
        self.ids = ids
        self.validLength = validLength
        self.totalLength = totalLength
    }

    /// Reads `bytes`, the content of the `format` output at `path` (named in errors).
    ///
    /// - Throws: `BatchError.outputNotOurs` when a whole line is not a record of this format
    ///   (a CSV with another header, a line of JSONL that is not an object with an id).
    public static func scan(_ bytes: [UInt8], format: BatchFormat, path: String) throws(BatchError) -> ExistingOutput {
        switch format {
        case .jsonl: return try jsonLines(bytes, path: path)
        case .csv: return try csv(bytes, path: path)
        case .md: return try markdown(bytes, path: path)
        case .json: return ExistingOutput(ids: [], validLength: 0, totalLength: bytes.count)
        }
    }

    /// The lines that end with a line break, with their numbers, and where the last one ends.
    private static func wholeLines(_ bytes: [UInt8]) -> (lines: [(number: Int, text: Substring)], length: Int) {
        guard let lastBreak = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return ([], 0) }
        let text = String(decoding: bytes[...lastBreak], as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return (lines.enumerated().map { ($0 + 1, $1) }, lastBreak + 1)
    }

    private static func jsonLines(_ bytes: [UInt8], path: String) throws(BatchError) -> ExistingOutput {
        struct Identified: Decodable { let id: String }
        let (lines, length) = wholeLines(bytes)
        var ids: [String] = []
        for (number, line) in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let record = try? JSONDecoder().decode(Identified.self, from: Data(line.utf8)) else {
                throw .outputNotOurs(path: path, format: "jsonl", line: number, problem: "não é um objeto JSON com id")
            }
            ids.append(record.id)
        }
        return ExistingOutput(ids: ids, validLength: length, totalLength: bytes.count)
    }

    private static func csv(_ bytes: [UInt8], path: String) throws(BatchError) -> ExistingOutput {
        let (records, length) = CSV.records(in: bytes)
        guard let header = records.first else { return ExistingOutput(ids: [], validLength: 0, totalLength: bytes.count) }
        guard header == BatchFormat.csvColumns else {
            throw .outputNotOurs(path: path, format: "csv", line: 1, problem: "o cabeçalho não é o do indaga batch")
        }
        var ids: [String] = []
        for record in records.dropFirst() where record != [""] {
            guard record.count == BatchFormat.csvColumns.count else {
                throw .outputNotOurs(path: path, format: "csv", line: ids.count + 2,
                                     problem: "\(record.count) campos em vez de \(BatchFormat.csvColumns.count)")
            }
            ids.append(record[0])
        }
        return ExistingOutput(ids: ids, validLength: length, totalLength: bytes.count)
    }

    private static func markdown(_ bytes: [UInt8], path: String) throws(BatchError) -> ExistingOutput {
        let (lines, length) = wholeLines(bytes)
        let head = BatchFormat.md.header?.split(separator: "\n").map(String.init) ?? []
        // A head cut short is rewritten whole.
        guard lines.count >= head.count else { return ExistingOutput(ids: [], validLength: 0, totalLength: bytes.count) }
        for (offset, expected) in head.enumerated() where lines[offset].text != expected {
            throw .outputNotOurs(path: path, format: "md", line: offset + 1, problem: "o cabeçalho da tabela não é o do indaga batch")
        }
        var ids: [String] = []
        for (number, line) in lines.dropFirst(head.count) where !line.isEmpty {
            guard let cells = Markdown.cells(of: line), cells.count == BatchFormat.markdownColumns.count, let id = cells.first else {
                throw .outputNotOurs(path: path, format: "md", line: number, problem: "não é uma linha da tabela")
            }
            ids.append(id)
        }
        return ExistingOutput(ids: ids, validLength: length, totalLength: bytes.count)
    }
}
