import Foundation
import TestSupport
import Testing

/// A model that answers by a keyword of the question, with the replies a misbehaving or
/// unlucky model gives: numbers past Int64, infinity, control characters, English prose
/// before the query, a second statement, a literal with no end.
enum HostileModel {
    static let replies: [(keyword: String, reply: String)] = [
        ("enorme", "```sql\nSELECT 1e19 AS grande, -1e19 AS negativo, 9223372036854775808.0 AS limite\n```"),
        ("infinito", "```sql\nSELECT 1e999 AS infinito, -1e999 AS menos\n```"),
        ("controle", "```sql\nSELECT char(27) || '[2J' || 'Ana' || char(7) AS nome\n```"),
        ("narrada", "Here is the query with the count of schools:\nSELECT count(*) AS total FROM escolas;"),
        ("dois comandos", "```sql\nSELECT count(*) FROM escolas;\nDROP TABLE alunos;\n```"),
        ("longo", "```sql\nSELECT '" + String(repeating: "a", count: 1_000_000) + "' AS x\n```"),
        ("muitas linhas", "```sql\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) SELECT i FROM n\n```"),
        ("devagar", "```sql\nSELECT count(*) AS total FROM escolas\n```"),
        ("gigantes", "```sql\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) SELECT i, printf('%.*c', 2000000, 'x') AS v FROM n\n```"),
    ]

    static func start() throws -> FakeOllama {
        try FakeOllama { prompt in
            let question = FakeOllama.question(in: prompt) ?? ""
            if question.contains("devagar") { Thread.sleep(forTimeInterval: 30) }
            return replies.first { question.contains($0.keyword) }?.reply ?? "SELECT 1"
        }
    }
}

@Suite("Hostile values, replies and options through the command line", .serialized)
struct HardeningTests {
    static let repository = EmbedCommandTests.repository
    static let model = Result { try HostileModel.start() }

    func ask(_ question: String, _ extra: [String] = [], log folder: TemporaryFolder) throws -> IndagaRun {
        _ = try SharedDemo.result.get()
        return try Indaga.run(["ask", question, "--home", Self.repository.path, "--db", SharedDemo.path, "--llm-url", try Self.model.get().baseURL,
                               "--model", "fake", "--log", folder.path("auditoria.jsonl"), "--max-tries", "2"] + extra)
    }

    @Test("numbers past Int64 are shown in scientific notation, in the text table and in a batch's Markdown, and --resume finishes")
    func hugeNumbers() throws {
        let folder = try TemporaryFolder()
        let run = try ask("um número enorme", log: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1e+19") && run.stdout.contains("-1e+19") && run.stdout.contains("9,223372036854776e+18"))

        try "{\"id\": \"1\", \"question\": \"um número enorme\"}\n{\"id\": \"2\", \"question\": \"outro número enorme\"}\n"
            .write(toFile: folder.path("q.jsonl"), atomically: true, encoding: .utf8)
        let arguments = ["batch", folder.path("q.jsonl"), "--home", Self.repository.path, "--db", SharedDemo.path, "--llm-url", try Self.model.get().baseURL,
                         "--model", "fake", "--log", folder.path("auditoria.jsonl"), "--format", "md", "--out", folder.path("r.md")]
        let batch = try Indaga.run(arguments)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try String(contentsOfFile: folder.path("r.md"), encoding: .utf8).contains("1e+19"))
        let resumed = try Indaga.run(arguments + ["--resume"])
        #expect(resumed.status == 0 && resumed.stderr.contains("2 já respondidas"), "\(resumed.stderr)")
    }

    @Test("infinity in a result is written as a JSON string, by ask and by batch, and the answer counts as answered")
    func infinity() throws {
        let folder = try TemporaryFolder()
        let run = try ask("um valor infinito", ["--format", "json"], log: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "ok")
        #expect((object["rows"] as? [[Any]])?.first?.compactMap { $0 as? String } == ["Infinity", "-Infinity"])

        try "{\"id\": \"2\", \"question\": \"um valor infinito\"}\n".write(toFile: folder.path("q.jsonl"), atomically: true, encoding: .utf8)
        let batch = try Indaga.run(["batch", folder.path("q.jsonl"), "--home", Self.repository.path, "--db", SharedDemo.path, "--llm-url", try Self.model.get().baseURL,
                                    "--model", "fake", "--log", folder.path("auditoria.jsonl"), "--out", folder.path("r.jsonl")])
        #expect(batch.status == 0, "\(batch.stderr)")
        let record = try #require(jsonObjects(try String(contentsOfFile: folder.path("r.jsonl"), encoding: .utf8)).first)
        #expect(record["id"] as? String == "2" && record["status"] as? String == "ok" && record["rows"] != nil)
    }

    @Test("options out of range are refused in pt-BR before anything runs", arguments: [
        (["--timeout", "inf"], "--timeout vai de"), (["--timeout", "1e300"], "--timeout vai de"), (["--timeout", "nan"], "--timeout vai de"),
        (["--max-tries", "1000000"], "--max-tries vai de 1 a 10"), (["--samples", "100000"], "--samples vai de 1 a 16"),
        (["--llm-timeout", "0"], "--llm-timeout vai de"), (["--limit", "0"], "--limit vai de"),
    ])
    func ranges(options: [String], message: String) throws {
        let run = try Indaga.run(["ask", "quantas escolas?"] + options)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("control characters stored in the data are shown, not obeyed, in the text table; JSON keeps them")
    func controlCharacters() throws {
        let folder = try TemporaryFolder()
        let run = try ask("um nome com controle", log: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("\u{1B}") && !run.stdout.contains("\u{07}"))
        #expect(run.stdout.contains("^[[2JAna^G"))
        let json = try ask("um nome com controle", ["--format", "json"], log: folder)
        #expect(json.stdout.contains("\\u001b[2JAna\\u0007"))
    }

    @Test("a reply that starts with English prose: the query is found after it")
    func proseFirst() throws {
        let folder = try TemporaryFolder()
        let run = try ask("resposta narrada: quantas escolas?", log: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("total") && run.stdout.contains("1 tentativa"), "\(run.stdout)")
    }

    @Test("a reply with a DROP after the SELECT is refused and said, not cut to the SELECT and run; the failure goes to stderr")
    func twoStatements() throws {
        let folder = try TemporaryFolder()
        let run = try ask("dois comandos, por favor", log: folder)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty, "stdout is for results: \(run.stdout)")
        #expect(run.stderr.contains("mais de um comando SQL"), "\(run.stderr)")
        let log = try String(contentsOfFile: folder.path("auditoria.jsonl"), encoding: .utf8)
        #expect(log.contains("DROP TABLE alunos"), "the audit log shows what the model sent")
    }

    @Test("a 1 MB literal in the model's query is refused by its length, at once, not read by every check")
    func endlessLiteral() throws {
        let folder = try TemporaryFolder()
        let run = try ask("um texto longo", log: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("caracteres, mais que o limite de 4000"), "\(run.stderr)")
    }

    @Test("CSV cut at the row cap says so on stderr")
    func csvCut() throws {
        let folder = try TemporaryFolder()
        let run = try ask("muitas linhas", ["--format", "csv"], log: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.trimmingCharacters(in: .newlines).components(separatedBy: "\r\n").count == 1_001)
        #expect(run.stderr.contains("primeiras 1.000 de 1.500 linhas"), "\(run.stderr)")
    }

    @Test("300 rows of 2 MB (600 MB if kept): answered with the values cut, in bounded memory, and the cut is said")
    func hugeRows() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let (run, peak) = try Indaga.runMeasuringMemory(["ask", "valores gigantes", "--home", Self.repository.path, "--db", SharedDemo.path,
                                                         "--llm-url", try Self.model.get().baseURL, "--model", "fake", "--log", folder.path("a.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("resultado cortado"), "\(run.stdout.suffix(400))")
        #expect(peak > 10 && peak < 300, "peak resident memory \(peak) MB")
    }

    @Test("a model reply with no end: given up at the byte cap, said, in bounded memory")
    func endlessReply() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let server = try FakeHTTPServer { _, connection in
            connection.startChunked(contentType: "application/json")
            let piece = String(repeating: "SELECT ", count: 9_000)
            while connection.chunk(piece) {}
        }
        let (run, peak) = try Indaga.runMeasuringMemory(["ask", "quantas escolas?", "--home", Self.repository.path, "--db", SharedDemo.path,
                                                         "--llm-url", server.baseURL, "--model", "fake", "--log", folder.path("a.jsonl")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("resposta grande demais"), "\(run.stderr)")
        #expect(peak > 10 && peak < 300, "peak resident memory \(peak) MB")
    }

    @Test("Ctrl-C during ask exits 130, as batch does")
    func interruptAsk() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let (process, _, err) = try Indaga.start(["ask", "bem devagar", "--home", Self.repository.path, "--db", SharedDemo.path,
                                                  "--llm-url", try Self.model.get().baseURL, "--model", "fake", "--log", folder.path("a.jsonl")])
        Thread.sleep(forTimeInterval: 3)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("cancelada"))
    }

    @Test("an audit log that cannot be written: the answer stands, and the warning is pt-BR, not Foundation's English")
    func auditLogWarning() throws {
        _ = try SharedDemo.result.get()
        let run = try Indaga.run(["ask", "quantas escolas?", "--home", Self.repository.path, "--db", SharedDemo.path, "--llm-url", try Self.model.get().baseURL,
                                  "--model", "fake", "--log", "/proc/indaga/auditoria.jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("aviso: não foi possível gravar o registro de auditoria"), "\(run.stderr)")
        #expect(!run.stderr.contains("The ") && !run.stderr.contains("operation could not"), "\(run.stderr)")
    }

    @Test("a FIFO given as --db is refused at once, not waited on")
    func fifoDatabase() throws {
        let folder = try TemporaryFolder()
        #expect(mkfifo(folder.path("banco.sqlite"), 0o600) == 0)
        let run = try Indaga.run(["schema", "--db", folder.path("banco.sqlite")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("não é um arquivo comum"), "\(run.stderr)")
    }

    @Test("a symlinked --db uses the catalog of the file it points to")
    func symlinkedDatabase() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path("atalho.sqlite"), withDestinationPath: SharedDemo.path)
        let run = try Indaga.run(["retrieve", "quantas escolas?", "--home", Self.repository.path, "--db", folder.path("atalho.sqlite")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("atalho"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("embeddings/atalho").path))
    }
}

@Suite("Concurrency and stale state through the command line", .serialized)
struct StaleStateTests {
    static let repository = EmbedCommandTests.repository

    @Test("a second batch writing the same --out is refused while the first runs; the first finishes whole, no record twice")
    func secondWriter() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        let fake = try BatchModel(delayMilliseconds: 300)
        try BatchCommandTests.writeQuestions(6, to: folder.path("q.jsonl"))
        let out = folder.path("r.jsonl")
        let arguments = BatchCommandTests.arguments(folder.path("q.jsonl"), fake, folder, ["--out", out])
        let (first, _) = try BatchCommandTests.start(arguments, until: 1, in: out)
        let second = try Indaga.run(arguments + ["--resume"])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.contains("outro indaga batch está gravando em"), "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let ids = jsonObjects(try String(contentsOfFile: out, encoding: .utf8)).compactMap { $0["id"] as? String }
        #expect(ids.sorted() == ["q1", "q2", "q3", "q4", "q5", "q6"])
    }

    /// A home whose database lost `escolas.cidade` and gained a table after its catalog was built: the store is stale,
    /// and the verified example "Em que cidades ficam as escolas?" reads a column that is gone.
    static func homeWithChangedSchema() throws -> TemporaryFolder {
        _ = try SharedDemo.result.get()
        let home = try TemporaryFolder()
        let fileManager = FileManager.default
        for link in ["prompts", "models"] {
            try fileManager.createSymbolicLink(atPath: home.path(link), withDestinationPath: repository.appendingPathComponent(link).path)
        }
        // Copies: refresh writes a starter file for the new table, and the store.
        for folder in ["metadata", "embeddings"] {
            try fileManager.createDirectory(atPath: home.path(folder), withIntermediateDirectories: true)
            try fileManager.copyItem(atPath: repository.appendingPathComponent("\(folder)/escola").path, toPath: home.path("\(folder)/escola"))
        }
        try fileManager.copyItem(atPath: SharedDemo.path, toPath: home.path("escola.sqlite"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('ALTER TABLE escolas DROP COLUMN cidade'); "
                             + "c.execute('CREATE TABLE ocorrencias (id INTEGER PRIMARY KEY, descricao TEXT)'); c.commit()", home.path("escola.sqlite")]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return home
    }

    @Test("ask while another process holds the refresh lock: answered from the catalog there is, nothing written, no failure")
    func askDuringRefresh() throws {
        let home = try Self.homeWithChangedSchema()
        let lock = home.path("embeddings/escola/.refresh.lock")
        try "\(getpid())\n".write(toFile: lock, atomically: true, encoding: .utf8)
        let manifest = try Data(contentsOf: URL(fileURLWithPath: home.path("embeddings/escola/manifest.json")))
        let fake = try FakeOllama { _ in "SELECT count(*) AS total FROM escolas" }
        let run = try Indaga.run(["ask", "Quantas escolas há?", "--home", home.url.path, "--db", home.path("escola.sqlite"), "--llm-url", fake.baseURL,
                                  "--model", "fake", "--log", home.path("a.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Outro indaga está atualizando este catálogo"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.path("embeddings/escola/manifest.json"))) == manifest)
        #expect(FileManager.default.fileExists(atPath: lock), "the other process's lock is left alone")
    }

    @Test("a verified example the schema outgrew: refresh names it, and ask goes to the model instead of failing on it")
    func staleExample() throws {
        let home = try Self.homeWithChangedSchema()
        let refresh = try Indaga.run(["refresh", "--home", home.url.path, "--db", home.path("escola.sqlite")])
        #expect(refresh.status == 0, "\(refresh.stderr)")
        #expect(refresh.stderr.contains("o exemplo verificado \"Em que cidades ficam as escolas?\" não roda mais"), "\(refresh.stderr)")
        let fake = try FakeOllama { _ in "SELECT nome FROM escolas" }
        let run = try Indaga.run(["ask", "Em que cidades ficam as escolas?", "--format", "json", "--home", home.url.path, "--db", home.path("escola.sqlite"),
                                  "--llm-url", fake.baseURL, "--model", "fake", "--log", home.path("a.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "llm" && object["status"] as? String == "ok")
        #expect(fake.prompts.first?.contains("SQL: SELECT nome, cidade FROM escolas") == false, "the broken example is not shown to the model")
    }
}
