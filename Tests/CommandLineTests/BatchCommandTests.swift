import Batch
import Foundation
import Synchronization
import TestSupport
import Testing

/// An Ollama whose SQL follows the question: "(número 7)" gets
/// `SELECT 7 AS numero, count(*) AS escolas FROM escolas`, a question about "apelido" a
/// column that does not exist (every time), one "em várias linhas" the same query over three lines.
/// The batch tests' model: a fake Ollama answering by the question's number, slowed down on demand.
final class BatchModel: Sendable {
    let fake: FakeOllama
    let delay: Delay

    /// Milliseconds each answer waits, for tests that must act mid-batch.
    final class Delay: Sendable {
        let milliseconds = Atomic<Int>(0)

        func set(_ value: Int) { milliseconds.store(value, ordering: .relaxed) }
    }

    init(delayMilliseconds: Int = 0) throws {
        let delay = Delay()
        delay.set(delayMilliseconds)
        self.delay = delay
        fake = try FakeOllama { prompt in
            let pause = delay.milliseconds.load(ordering: .relaxed)
            if pause > 0 { Thread.sleep(forTimeInterval: Double(pause) / 1000) }
            return "```sql\n\(Self.sql(for: FakeOllama.question(in: prompt) ?? ""))\n```"
        }
    }

    var url: String { fake.baseURL }
    var chats: Int { fake.prompts.count }

    static func sql(for question: String) -> String {
        let number = question.firstMatch(of: /número (\d+)/).map { String($0.1) } ?? "0"
        if question.contains("apelido") { return "SELECT apelido FROM alunos" }
        if question.contains("várias linhas") { return "SELECT \(number) AS numero,\n       count(*) AS escolas\nFROM escolas" }
        return "SELECT \(number) AS numero, count(*) AS escolas FROM escolas"
    }
}

/// The JSON objects of a JSONL text, failing the test on a line that is not one.
func jsonObjects(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").map { line in
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        #expect(object != nil, "not a JSON object: \(line)")
        return object ?? [:]
    }
}

@Suite("indaga batch", .serialized)
struct BatchCommandTests {
    static let repository = EmbedCommandTests.repository

    /// `batch FILE` against the demo database, the repository's catalog and `fake`, logging into `folder`.
    static func arguments(_ file: String, _ fake: BatchModel?, _ folder: TemporaryFolder, _ extra: [String] = []) -> [String] {
        ["batch", file, "--home", repository.path, "--db", SharedDemo.path, "--llm-url", fake?.url ?? "http://127.0.0.1:\(FakeHTTPServer.unusedPort())",
         "--model", "fake", "--log", folder.path("auditoria.jsonl")] + extra
    }

    /// `count` JSONL questions "q01"… asking for their own number; `failing` ids ask about "apelido".
    static func writeQuestions(_ count: Int, to path: String, failing: Set<Int> = []) throws {
        let digits = String(count).count
        let lines = (1...count).map { number in
            let id = "q" + String(repeating: "0", count: digits - String(number).count) + String(number)
            let question = failing.contains(number) ? "Qual o apelido dos alunos? (número \(number))" : "Quantas escolas há na rede? (número \(number))"
            return "{\"id\": \"\(id)\", \"question\": \"\(question)\"}"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Starts `indaga arguments…` and returns once `out` holds `records` lines (or it ended, or a minute passed).
    static func start(_ arguments: [String], until records: Int, in out: String) throws -> (Process, stderr: Pipe) {
        let (process, _, err) = try Indaga.start(arguments)
        let deadline = ContinuousClock.now + .seconds(60)
        while ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").filter({ $0 == "\n" }).count < records, process.isRunning,
            ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return (process, err)
    }

    /// An answered record carries its own question's number back: the record went to the right id.
    static func expectOwnAnswer(_ record: [String: Any]) {
        let id = record["id"] as? String ?? ""
        let rows = record["rows"] as? [[Int]]
        #expect(rows?.first?.first == Int(id.drop { !$0.isNumber }), "\(id): \(rows ?? [])")
    }

    @Test("50 questions, one the model never gets right: 50 records, 49 ok, the failure named, exit 1")
    func fiftyQuestionsOneFails() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel()
        try Self.writeQuestions(50, to: folder.path("perguntas.jsonl"), failing: [13])
        let started = ContinuousClock.now
        let run = try Indaga.run(Self.arguments(folder.path("perguntas.jsonl"), fake, folder))
        let took = ContinuousClock.now - started
        #expect(run.status == 1, "stderr: \(run.stderr)")
        let records = jsonObjects(run.stdout)
        #expect(records.count == 50)
        #expect(Set(records.compactMap { $0["id"] as? String }).count == 50)
        let failed = records.filter { $0["status"] as? String != "ok" }
        #expect(failed.map { $0["id"] as? String } == ["q13"])
        #expect(failed.first?["status"] as? String == "invalid")
        #expect((failed.first?["attempts"] as? [Any])?.count == 3)
        for record in records where record["status"] as? String == "ok" { Self.expectOwnAnswer(record) }
        // The record is `ask --format json`'s, with the id first.
        #expect(run.stdout.hasPrefix("{\"id\":\"q"))
        #expect(records.first?["question"] != nil && records.first?["timings_ms"] != nil && records.first?["columns"] != nil)

        #expect(run.stderrLines.first == "indaga batch: 50 perguntas em \(folder.path("perguntas.jsonl")); 50 a fazer")
        #expect(run.stderrLines.contains { $0.hasPrefix("13/50 q13 falhou: não consegui responder depois de 3 tentativa(s): ") })
        #expect(run.stderrLines.contains { $0.range(of: #"^50/50 q\d\d (ok|falhou)"#, options: .regularExpression) != nil })
        #expect(run.stderrLines.contains { $0.hasPrefix("Pronto: 49 respondidas, 1 com falha, 0 puladas (--resume) · ") && $0.contains("por pergunta") })
        #expect(run.stderrLines.last == "Falharam: q13")
        // Every answer went to the audit log.
        #expect(jsonObjects(try String(contentsOfFile: folder.path("auditoria.jsonl"), encoding: .utf8)).count == 50)
        #expect(took < .seconds(60))
        print("50 questions, --jobs 1, instant fake model: \(took)")
    }

    @Test("all answered: exit 0; a text file's ids are line numbers; json is one array in file order")
    func allAnsweredAsJSON() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel()
        try "# reunião de segunda\nQuantas escolas há? (número 2)\n\n   \nQuantas escolas há? (número 5)\n# fim\nQuantas escolas há? (número 7)\n"
            .write(toFile: folder.path("perguntas.txt"), atomically: true, encoding: .utf8)
        let run = try Indaga.run(Self.arguments(folder.path("perguntas.txt"), fake, folder, ["--format", "json", "--jobs", "3"]))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let array = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(array?.compactMap { $0["id"] as? String } == ["2", "5", "7"])
        #expect(array?.compactMap { ($0["rows"] as? [[Int]])?.first?.first } == [2, 5, 7])
        #expect(run.stderrLines.last?.hasPrefix("Pronto: 3 respondidas, 0 com falha") == true)

        // With --out, the array is written whole, at the end.
        let toFile = try Indaga.run(Self.arguments(folder.path("perguntas.txt"), fake, folder, ["--format", "json", "--out", folder.path("r.json")]))
        #expect(toFile.status == 0 && toFile.stdout.isEmpty)
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("r.json")))) as? [[String: Any]]
        #expect(written?.count == 3)
    }

    @Test("kill -9 mid-batch, then --resume: one record per id, none lost, none repeated, no broken line")
    func killAndResume() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel(delayMilliseconds: 60)
        try Self.writeQuestions(40, to: folder.path("perguntas.jsonl"))
        let out = folder.path("respostas.jsonl")
        let (process, _) = try Self.start(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--out", out]), until: 10, in: out)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        Thread.sleep(forTimeInterval: 0.3)  // the killed process's last request reaches the server

        var killed = try String(contentsOfFile: out, encoding: .utf8)
        let done = jsonObjects(String(killed[..<(killed.lastIndex(of: "\n").map(killed.index(after:)) ?? killed.startIndex)]))
        #expect(done.count >= 10 && done.count < 40, "\(done.count) records before the kill")
        // The write the kill cut short: a piece of a record with no line break.
        if killed.hasSuffix("\n") {
            killed += "{\"id\":\"q40\",\"question\":\"Quantas esc"
            try killed.write(toFile: out, atomically: false, encoding: .utf8)
        }

        fake.delay.set(0)
        let chatsBefore = fake.chats
        let resumed = try Indaga.run(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--out", out, "--resume"]))
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(resumed.stderr.contains("registro incompleto"))
        #expect(resumed.stderr.contains("\(done.count) já respondidas em \(out); \(40 - done.count) a fazer"))
        #expect(fake.chats - chatsBefore == 40 - done.count)
        let final = try String(contentsOfFile: out, encoding: .utf8)
        #expect(final.hasSuffix("\n"))
        let records = jsonObjects(final)
        let ids = records.compactMap { $0["id"] as? String }
        #expect(ids.count == 40)
        #expect(ids.sorted() == (1...40).map { $0 < 10 ? "q0\($0)" : "q\($0)" })
        for record in records { Self.expectOwnAnswer(record) }
        // Nothing left to do: a third run asks nothing and exits 0.
        let again = try Indaga.run(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--out", out, "--resume"]))
        #expect(again.status == 0)
        #expect(again.stderrLines.last?.hasPrefix("Pronto: 0 respondidas, 0 com falha, 40 puladas (--resume)") == true)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == final)
    }

    @Test("Ctrl-C stops the batch: what was written stays valid, the summary says so, exit 130, --resume finishes")
    func interrupt() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel(delayMilliseconds: 300)
        try Self.writeQuestions(20, to: folder.path("perguntas.jsonl"))
        let out = folder.path("respostas.jsonl")
        let (process, err) = try Self.start(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--out", out, "--jobs", "2"]), until: 3, in: out)
        let pressed = ContinuousClock.now
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(ContinuousClock.now - pressed < .seconds(2))
        #expect(process.terminationStatus == 130)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("\nInterrompido: "), "stderr: \(stderr)")
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasSuffix("\n"))
        let records = jsonObjects(written)
        #expect(records.allSatisfy { $0["status"] as? String == "ok" }, "a cancelled question is not written as a failure")
        #expect(records.count < 20)

        fake.delay.set(0)
        let resumed = try Indaga.run(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--out", out, "--resume"]))
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(Set(jsonObjects(try String(contentsOfFile: out, encoding: .utf8)).compactMap { $0["id"] as? String }).count == 20)
    }

    @Test("CSV: commas, quotes and a SQL over several lines survive, and --resume reads the ids back")
    func csv() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel()
        let questions = [
            "Quantas escolas, \"de verdade\", há? (número 1)",
            "Quantas escolas há, em várias linhas? (número 2)",
            "Quantas escolas há? (número 3)",
        ]
        try (questions.joined(separator: "\n") + "\n").write(toFile: folder.path("perguntas.txt"), atomically: true, encoding: .utf8)
        let out = folder.path("respostas.csv")
        let first = try Indaga.run(Self.arguments(folder.path("perguntas.txt"), fake, folder, ["--format", "csv", "--out", out]))
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let (records, length) = CSV.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(length == (try Data(contentsOf: URL(fileURLWithPath: out))).count)
        #expect(records.first == ["id", "pergunta", "status", "origem", "tentativas", "linhas", "tempo_ms", "sql", "mensagem", "colunas", "primeiras_linhas"])
        #expect(records.dropFirst().map { $0[1] } == questions)
        #expect(records[2][7] == "SELECT 2 AS numero,\n       count(*) AS escolas\nFROM escolas")
        #expect(records[1][2] == "ok" && records[1][5] == "1" && records[1][9] == "[\"numero\",\"escolas\"]" && records[1][10] == "[[1,4]]")

        // A fourth question, then --resume: only it is asked, and the header is not repeated.
        try ((questions + ["Quantas escolas há? (número 4)"]).joined(separator: "\n") + "\n")
            .write(toFile: folder.path("perguntas.txt"), atomically: true, encoding: .utf8)
        let chatsBefore = fake.chats
        let resumed = try Indaga.run(Self.arguments(folder.path("perguntas.txt"), fake, folder, ["--format", "csv", "--out", out, "--resume"]))
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(fake.chats - chatsBefore == 1)
        let after = CSV.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: out)))).records
        #expect(after.map { $0[0] } == ["id", "1", "2", "3", "4"])

        // On stdout too, the header comes first.
        let piped = try Indaga.run(Self.arguments(folder.path("perguntas.txt"), fake, folder, ["--format", "csv"]))
        #expect(piped.status == 0)
        #expect(CSV.records(in: Array(piped.stdout.utf8)).records.map { $0[0] } == ["id", "1", "2", "3", "4"])
    }

    @Test("Markdown from YAML: pipes and line breaks escaped, one row per question, --resume reads the first cells")
    func markdownFromYAML() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel()
        try """
            titulo: reunião
            questions:
              - id: "a|1"
                question: "Escolas | turmas:\\nquantas escolas há? (número 3)"
              - id: 2
                question: Quantas escolas há? (número 2)
            """.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let out = folder.path("respostas.md")
        let run = try Indaga.run(Self.arguments(folder.path("perguntas.yaml"), fake, folder, ["--format", "md", "--out", out]))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "| id | pergunta | status | resposta | linhas | tentativas | tempo | sql | mensagem |")
        let row = lines.first { $0.hasPrefix("| a\\|1 |") } ?? ""
        #expect(row.hasPrefix("| a\\|1 | Escolas \\| turmas:<br>quantas escolas há? (número 3) | ok | 3, 4 | 1 | 1 | "))
        #expect(row.hasSuffix(" | `SELECT 3 AS numero, count(*) AS escolas FROM escolas` |  |"))

        let chatsBefore = fake.chats
        let resumed = try Indaga.run(Self.arguments(folder.path("perguntas.yaml"), fake, folder, ["--format", "md", "--out", out, "--resume"]))
        #expect(resumed.status == 0)
        #expect(fake.chats == chatsBefore)
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 4)
    }

    @Test("--jobs 3 gives the same records as --jobs 1")
    func parallelSameRecords() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel(delayMilliseconds: 20)
        try Self.writeQuestions(30, to: folder.path("perguntas.jsonl"), failing: [7, 21])
        func outcome(_ jobs: Int) throws -> (Set<String>, IndagaRun, Duration) {
            let started = ContinuousClock.now
            let run = try Indaga.run(Self.arguments(folder.path("perguntas.jsonl"), fake, folder, ["--jobs", String(jobs)]))
            let took = ContinuousClock.now - started
            // Everything but the timings, as canonical JSON.
            let records = Set(jsonObjects(run.stdout).map { record -> String in
                var kept = record
                kept["timings_ms"] = nil
                kept["attempts"] = (record["attempts"] as? [[String: Any]])?.map { attempt in attempt.filter { $0.key != "latency_ms" } }
                return String(decoding: try! JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
            })
            return (records, run, took)
        }
        let (one, sequential, oneTook) = try outcome(1)
        let (three, parallel, threeTook) = try outcome(3)
        #expect(sequential.status == 1 && parallel.status == 1)
        #expect(one.count == 30)
        #expect(one == three)
        #expect(parallel.stderrLines.first?.hasSuffix("30 a fazer, 3 por vez") == true)
        print("30 questions, 20 ms fake model: --jobs 1 \(oneTook), --jobs 3 \(threeTook)")
    }

    @Test("usage errors exit with 2 and one pt-BR line, before any question is asked", arguments: [
        (["--format", "xml"], "o valor 'xml' não vale para --format"),
        (["--jobs", "0"], "--jobs vai de 1 a 64"),
        (["--resume"], "--resume precisa de --out"),
        (["--resume", "--format", "json", "--out", "r.json"], "--resume não funciona com --format json"),
        (["--tabela", "x"], "opção desconhecida '--tabela'"),
    ])
    func usageErrors(extra: [String], message: String) throws {
        let folder = try TemporaryFolder()
        try "Quantas escolas há?\n".write(toFile: folder.path("q.txt"), atomically: true, encoding: .utf8)
        let run = try Indaga.run(Self.arguments(folder.path("q.txt"), nil, folder, extra), in: folder.url)
        BadInputTests().expectOneLine(run, containing: [message], status: 2)
    }

    @Test("a bad question file exits with 2 and says what and where", arguments: [
        ("sumiu.txt", nil, "o arquivo de perguntas '<pasta>/sumiu.txt' não existe"),
        ("q.jsonl", "{\"id\": 1, \"question\": \"Quantas escolas?\"}\n{\"id\": 2, \"question\": \n", "a linha 2 de '<pasta>/q.jsonl' não é um objeto JSON válido"),
        ("q.jsonl", "{\"id\": 1, \"question\": \"a\"}\n{\"id\": \"1\", \"question\": \"b\"}\n", "o id '1' aparece duas vezes em '<pasta>/q.jsonl' (linha 1 e linha 2)"),
        ("q.yaml", "- id: 1\n  pergunta: Quantas escolas?\n", "entrada 1 (linha 1) de '<pasta>/q.yaml': falta o campo \"question\""),
        ("q.yaml", "- id: 1\n  question: [Quantas escolas?\n", "o YAML de '<pasta>/q.yaml' não é válido na linha"),
    ])
    func badQuestionFile(name: String, content: String?, message: String) throws {
        let folder = try TemporaryFolder()
        if let content { try content.write(toFile: folder.path(name), atomically: true, encoding: .utf8) }
        let run = try Indaga.run(Self.arguments(folder.path(name), nil, folder))
        BadInputTests().expectOneLine(run, containing: [message.replacingOccurrences(of: "<pasta>", with: folder.url.path)], status: 2)
    }

    @Test("an --out with answers in it is not overwritten without --resume; one that is not ours is not touched")
    func existingOutput() throws {
        let folder = try TemporaryFolder()
        try "Quantas escolas há?\n".write(toFile: folder.path("q.txt"), atomically: true, encoding: .utf8)
        let out = folder.path("r.jsonl")
        try "{\"id\":\"1\",\"status\":\"ok\"}\n".write(toFile: out, atomically: true, encoding: .utf8)
        let run = try Indaga.run(Self.arguments(folder.path("q.txt"), nil, folder, ["--out", out]))
        BadInputTests().expectOneLine(run, containing: ["'\(out)' já tem 1 resposta; use --resume"], status: 2)
        try "nome,idade\nAna,3\n".write(toFile: folder.path("r.csv"), atomically: true, encoding: .utf8)
        let notOurs = try Indaga.run(Self.arguments(folder.path("q.txt"), nil, folder, ["--out", folder.path("r.csv"), "--format", "csv", "--resume"]))
        BadInputTests().expectOneLine(notOurs, containing: ["não é um registro csv do indaga batch"], status: 2)
        #expect(try String(contentsOfFile: folder.path("r.csv"), encoding: .utf8) == "nome,idade\nAna,3\n")
        try "[]\n".write(toFile: folder.path("r.json"), atomically: true, encoding: .utf8)
        let json = try Indaga.run(Self.arguments(folder.path("q.txt"), nil, folder, ["--out", folder.path("r.json"), "--format", "json"]))
        BadInputTests().expectOneLine(json, containing: ["'\(folder.path("r.json"))' já existe e não está vazio"], status: 2)
    }
}
