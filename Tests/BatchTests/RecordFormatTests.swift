import Batch
import Foundation
import Render
import TestSupport
import Testing

/// A record as the pipeline would make it, without running one.
func record(id: String, question: String = "Quantas escolas?", status: String = "ok", sql: String? = "SELECT count(*) AS total FROM escolas",
            message: String? = nil, rows: [[Cell]] = [[.integer(4)]]) -> BatchRecord {
    let answered = status == "ok"
    return BatchRecord(
        id: id, question: question, status: status, source: "llm", tries: answered ? 1 : 3, rowCount: answered ? rows.count : nil,
        sql: sql, message: message, milliseconds: 1234.4, columns: answered ? ["total"] : [], firstRows: answered ? rows : [],
        firstRowsJSON: answered ? "[[4]]" : "[]", json: "{\"id\":\"\(id)\",\"status\":\"\(status)\"}")
}

@Suite("Records in CSV, Markdown, JSONL and JSON")
struct RecordFormatTests {
    @Test("CSV quotes only what needs it, doubling quotes, and ends records with CRLF")
    func csvQuoting() {
        #expect(CSV.field("simples") == "simples")
        #expect(CSV.field("a, b") == "\"a, b\"")
        #expect(CSV.field("diz \"oi\"") == "\"diz \"\"oi\"\"\"")
        #expect(CSV.field("SELECT 1\nFROM t") == "\"SELECT 1\nFROM t\"")
        #expect(CSV.row(["1", "", "x,y"]) == "1,,\"x,y\"\r\n")
    }

    @Test("a CSV record with commas, quotes and line breaks reads back field for field")
    func csvRoundTrip() {
        let tricky = record(id: "q,1", question: "Quantas escolas, \"ativas\", há?", sql: "SELECT count(*)\nFROM escolas\r\nWHERE 1 = 1")
        let text = BatchFormat.csv.header! + BatchFormat.csv.line(tricky) + BatchFormat.csv.line(record(id: "q2", status: "invalid", message: "não deu"))
        let (records, length) = CSV.records(in: Array(text.utf8))
        #expect(length == text.utf8.count)
        #expect(records.count == 3)
        #expect(records[0] == BatchFormat.csvColumns)
        #expect(records[1] == ["q,1", "Quantas escolas, \"ativas\", há?", "ok", "llm", "1", "1", "1234", "SELECT count(*)\nFROM escolas\r\nWHERE 1 = 1",
                               "", "[\"total\"]", "[[4]]"])
        #expect(records[2] == ["q2", "Quantas escolas?", "invalid", "llm", "3", "", "1234", "SELECT count(*) AS total FROM escolas", "não deu", "", ""])
    }

    @Test("a CSV record cut anywhere, even just after a line break inside quotes, is not complete")
    func csvCutRecord() {
        let whole = BatchFormat.csv.header! + BatchFormat.csv.line(record(id: "1"))
        let next = BatchFormat.csv.line(record(id: "2", sql: "SELECT 1\nFROM escolas"))
        let bytes = Array((whole + next).utf8)
        for cut in whole.utf8.count..<bytes.count {
            let (records, length) = CSV.records(in: Array(bytes[..<cut]))
            #expect(records.count == 2 && length == whole.utf8.count, "cut at \(cut)")
        }
    }

    @Test("Markdown escapes pipes, backslashes and line breaks, and the id reads back")
    func markdown() throws {
        let line = BatchFormat.md.line(record(id: "a|b", question: "Escolas | turmas\nem 2024?", sql: "SELECT 1\nFROM t"))
        #expect(line == "| a\\|b | Escolas \\| turmas<br>em 2024? | ok | 4 | 1 | 1 | 1,2 s | `SELECT 1 FROM t` |  |\n")
        #expect(Markdown.cells(of: line.dropLast())?.first == "a|b")
        #expect(Markdown.cell("c:\\dados") == "c:\\\\dados")
        #expect(BatchFormat.md.header == "| id | pergunta | status | resposta | linhas | tentativas | tempo | sql | mensagem |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    }

    @Test("Markdown previews the answer with pt-BR numbers")
    func markdownPreview() {
        let rows: [[Cell]] = [[.text("Norte"), .integer(1234)], [.text("Sul"), .real(0.5)], [.text("Leste"), .null], [.text("Oeste"), .integer(1)]]
        var many = record(id: "1", rows: rows)
        many.columns = ["escola", "alunos"]
        let cells = Markdown.cells(of: BatchFormat.md.line(many).dropLast()) ?? []
        #expect(cells[3] == "Norte, 1.234; Sul, 0,500; Leste, —; …")
        #expect(Markdown.cells(of: BatchFormat.md.line(record(id: "2", status: "error", message: "sem modelo")).dropLast())?[3] == "")
    }

    @Test("JSONL is one line per record; json one array in the order given")
    func json() throws {
        #expect(BatchFormat.jsonl.line(record(id: "1")) == "{\"id\":\"1\",\"status\":\"ok\"}\n")
        let array = BatchFormat.jsonArray([record(id: "1"), record(id: "2")])
        let parsed = try JSONSerialization.jsonObject(with: Data(array.utf8)) as? [[String: Any]]
        #expect(parsed?.compactMap { $0["id"] as? String } == ["1", "2"])
        #expect(BatchFormat.jsonArray([]) == "[]\n")
    }
}

@Suite("What --resume reads back")
struct ExistingOutputTests {
    @Test("JSONL: the ids of whole lines; a last line without its line break is a broken tail")
    func jsonLines() throws {
        let text = "{\"id\":\"a\",\"status\":\"ok\"}\n{\"id\":\"b\"}\n{\"id\":\"c\",\"sta"
        let existing = try ExistingOutput.scan(Array(text.utf8), format: .jsonl, path: "r.jsonl")
        #expect(existing.ids == ["a", "b"])
        #expect(existing.validLength == text.utf8.count - "{\"id\":\"c\",\"sta".utf8.count)
        #expect(existing.hasBrokenTail)
        #expect(try ExistingOutput.scan([], format: .jsonl, path: "r.jsonl") == ExistingOutput(ids: [], validLength: 0, totalLength: 0))
    }

    @Test("a whole line that is not a record is not ours to touch", arguments: [
        (BatchFormat.jsonl, "{\"id\":\"a\"}\nnota solta\n{\"id\":\"b\"}\n", 2),
        (.csv, "nome,idade\r\nAna,3\r\n", 1),
        (.md, "# Relatório\n\n", 1),
    ])
    func notOurs(format: BatchFormat, text: String, line: Int) {
        #expect {
            try ExistingOutput.scan(Array(text.utf8), format: format, path: "r")
        } throws: { error in
            guard case .outputNotOurs(_, _, let reported, _) = error as? BatchError else { return false }
            return reported == line
        }
    }

    @Test("CSV and Markdown: ids by first field or cell; a header cut short is rewritten")
    func tables() throws {
        let csv = BatchFormat.csv.header! + BatchFormat.csv.line(record(id: "q,1", sql: "SELECT 1\nFROM t")) + "q2,\"Quan"
        let fromCSV = try ExistingOutput.scan(Array(csv.utf8), format: .csv, path: "r.csv")
        #expect(fromCSV.ids == ["q,1"])
        #expect(fromCSV.hasBrokenTail)
        let md = BatchFormat.md.header! + BatchFormat.md.line(record(id: "a|1")) + BatchFormat.md.line(record(id: "b"))
        #expect(try ExistingOutput.scan(Array(md.utf8), format: .md, path: "r.md").ids == ["a|1", "b"])
        let cutHeader = String(BatchFormat.md.header!.prefix(30))
        #expect(try ExistingOutput.scan(Array(cutHeader.utf8), format: .md, path: "r.md").validLength == 0)
        #expect(try ExistingOutput.scan(Array("id,perg".utf8), format: .csv, path: "r.csv").validLength == 0)
    }

    @Test("the writer appends whole records and cuts a broken tail")
    func appendAndTruncate() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("r.jsonl")
        try Data("{\"id\":\"a\"}\n{\"id\":\"b\",\"que".utf8).write(to: URL(fileURLWithPath: path))
        let output = try RecordOutput(appendingTo: path)
        let existing = try ExistingOutput.scan(Array(try Data(contentsOf: URL(fileURLWithPath: path))), format: .jsonl, path: path)
        try output.truncate(to: existing.validLength)
        try output.append("{\"id\":\"b\"}\n")
        #expect(try output.size() == 22)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"a\"}\n{\"id\":\"b\"}\n")
        #expect(throws: BatchError.self) { try RecordOutput(appendingTo: folder.path("nao/existe.jsonl")) }
    }
}
