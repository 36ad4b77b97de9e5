import Database
import Foundation
import Synchronization
import TestSupport
import Testing

/// `indaga eval` end to end: the binary, the demo database, a fake Ollama over loopback.
@Suite("indaga eval", .serialized)
struct EvalCommandTests {
    static let repository = EmbedCommandTests.repository

    /// Two questions the fake model (`BatchModel`: "(número N)" gets `SELECT N AS numero, count(*) AS escolas FROM escolas`)
    /// answers right, two it answers wrong, one gold written as text numbers.
    static let file = """
        questions:
          - {id: a, difficulty: easy, question: "Quantas escolas há na rede? (número 1)", gold_sql: "SELECT 1, count(*) FROM escolas"}
          - {id: b, difficulty: easy, question: "Quantas escolas há na rede? (número 2)", gold_sql: "SELECT count(*), '2' FROM escolas"}
          - {id: c, difficulty: hard, question: "Quantos alunos há na rede? (número 3)", gold_sql: "SELECT 3, count(*) FROM alunos"}
          - {id: d, difficulty: hard, question: "Quantas turmas há na rede? (número 4)", gold_sql: "SELECT 4, count(*) FROM turmas"}
        """

    @Test("metade certa: 50% no JSON, o relatório gravado em --out, saída 0")
    func halfRight() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let model = try BatchModel()
        let run = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                  "--llm-url", model.url, "--model", "fake", "--format", "json", "--out", folder.path("relatorio.txt")])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runs = try #require(report["totals"] as? [[String: Any]])
        let summary = try #require(runs.first?["summary"] as? [String: Any])
        #expect(summary["accuracy"] as? Double == 0.5)
        #expect(summary["right_first_try"] as? Int == 2)
        #expect(summary["wrong"] as? Int == 2)
        #expect(run.stderr.contains("[4/4] d: errada"))
        let text = try String(contentsOfFile: folder.path("relatorio.txt"), encoding: .utf8)
        #expect(text.contains("50,0% (2 de 4)"))
        #expect(text.contains("[c] difícil · errada"))
    }

    @Test("--compare roda as três configurações na mesma execução")
    func compare() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let model = try BatchModel()
        let run = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                  "--llm-url", model.url, "--model", "fake", "--compare"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Comparação (mesmas perguntas, mesmo modelo, nesta execução)"))
        #expect(run.stdout.contains("sem recuperação: esquema inteiro, uma tentativa"))
        // The whole-schema prompt holds every table; the retrieved ones do not.
        #expect(model.fake.prompts.contains { $0.contains("CREATE TABLE cubo_engajamento") && $0.contains("CREATE TABLE modelos") })
    }

    @Test("sem modelo, um arquivo que não existe ou um modelo fora do ar: mensagens claras")
    func errors() throws {
        _ = try SharedDemo.result.get()
        let missing = try Indaga.run(["eval", "/nao/existe.yaml", "--home", Self.repository.path, "--db", SharedDemo.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("o arquivo de avaliação '/nao/existe.yaml' não existe"))

        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let nowhere = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path, "--no-llm",
                                      "--out", "/nao/existe/relatorio.json"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("a pasta /nao/existe não existe ou não aceita escrita"))
        #expect(!nowhere.stderr.contains("[1/4]"), "the questions are not asked when the report cannot be written")

        let down = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                   "--llm-url", "http://127.0.0.1:\(FakeHTTPServer.unusedPort())"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("--no-llm"))

        let retrievalOnly = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                            "--no-llm", "--format", "json"])
        #expect(retrievalOnly.status == 0, "\(retrievalOnly.stderr)")
        #expect(retrievalOnly.stdout.contains("\"not_answered\" : 4"))
        // As text, a run without a model lists retrieval misses, not four "no model" failures.
        let text = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path, "--no-llm"])
        #expect(text.stdout.contains("== sem modelo: recuperação e exemplos verificados =="))
        #expect(!text.stdout.contains("nenhum modelo configurado"))
    }

    /// A home of its own, so the catalogs eval writes for a new database stay out of the repository:
    /// the repository's prompts, weights and escola catalog, linked.
    static func home() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let fileManager = FileManager.default
        for name in ["metadata", "embeddings"] {
            try fileManager.createDirectory(atPath: folder.path(name), withIntermediateDirectories: true)
        }
        for link in ["prompts", "models", "metadata/escola", "embeddings/escola"] {
            try fileManager.createSymbolicLink(atPath: folder.path(link), withDestinationPath: repository.appendingPathComponent(link).path)
        }
        return folder
    }

    /// A small store with English CamelCase names and a foreign key, beside a question file that names it.
    static func store(in folder: TemporaryFolder) throws {
        let store = try Connection(path: folder.path("loja.sqlite"), mode: .create)
        try store.execute("""
            CREATE TABLE Customer (CustomerId INTEGER PRIMARY KEY, FirstName TEXT, Country TEXT);
            CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, CustomerId INTEGER REFERENCES Customer(CustomerId), Total REAL);
            INSERT INTO Customer VALUES (1, 'Hanna', 'Germany'), (2, 'Luís', 'Brazil'), (3, 'Niklas', 'Germany'), (4, 'Ana', 'Brazil');
            INSERT INTO Invoice VALUES (1, 1, 10.5), (2, 2, 3.0), (3, 3, 7.25), (4, 1, 2.0);
            """)
        try """
            database: loja.sqlite
            questions:
              - {id: l1, difficulty: easy, question: "Quantos clientes moram no brazil?", gold_sql: "SELECT count(*) FROM Customer WHERE Country = 'Brazil'"}
              - {id: l2, difficulty: medium, question: "Qual o total vendido?", gold_sql: "SELECT sum(Total) FROM Invoice"}
            """.write(toFile: folder.path("loja.yaml"), atomically: true, encoding: .utf8)
        try """
            questions:
              - {id: e1, difficulty: easy, question: "Quantas escolas há na rede? (número 1)", gold_sql: "SELECT 1, count(*) FROM escolas"}
            """.write(toFile: folder.path("escola.yaml"), atomically: true, encoding: .utf8)
        try "sets:\n  - escola.yaml\n  - loja.yaml\n".write(toFile: folder.path("suite.yaml"), atomically: true, encoding: .utf8)
    }

    /// The fake model of the suite tests: the escola question as `BatchModel` answers it, the
    /// store's in their plain form, with the country in lower case (the value-spelling fix writes it as stored).
    static func storeModel() throws -> FakeOllama {
        try FakeOllama { prompt in
            let question = FakeOllama.question(in: prompt) ?? ""
            if question.contains("brazil") { return "SELECT count(*) FROM Customer WHERE Country = 'brazil'" }
            if question.contains("total vendido") { return "SELECT sum(Total) FROM Invoice" }
            return BatchModel.sql(for: question)
        }
    }

    @Test("uma suíte de dois bancos: cada um com o seu catálogo, a acurácia de cada banco e do total, e as regras que agiram")
    func suiteOfTwoDatabases() throws {
        _ = try SharedDemo.result.get()
        let home = try Self.home()
        let sets = try TemporaryFolder()
        try Self.store(in: sets)
        let model = try Self.storeModel()
        let arguments = ["eval", sets.path("suite.yaml"), "--home", home.url.path, "--db", SharedDemo.path, "--llm-url", model.baseURL, "--model", "fake"]

        let run = try Indaga.run(arguments + ["--out", sets.path("relatorio.json")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Acurácia por banco"))
        for name in ["escola", "loja", "total", "fix.value-spelling"] { #expect(run.stdout.contains(name), "\(name) falta no relatório") }
        // The store's catalog was made by refresh, in the home given, not in the repository.
        #expect(FileManager.default.fileExists(atPath: home.path("metadata/loja/Customer.yaml")))
        #expect(!FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("metadata/loja").path))

        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sets.path("relatorio.json")))) as? [String: Any])
        let reportSets = try #require(report["sets"] as? [[String: Any]])
        #expect(reportSets.map { $0["catalog"] as? String } == ["escola", "loja"])
        let total = try #require((report["totals"] as? [[String: Any]])?.first)
        #expect((total["summary"] as? [String: Any])?["accuracy"] as? Double == 1)
        let storeRuns = try #require(reportSets[1]["runs"] as? [[String: Any]])
        let ledger = try #require(storeRuns.first?["ledger"] as? [[String: Any]])
        let spelling = try #require(ledger.first { $0["rule"] as? String == "fix.value-spelling" })
        #expect(spelling["questions"] as? Int == 1 && spelling["right"] as? Int == 1)
        let attempts = try #require(((storeRuns.first?["questions"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]]))
        #expect(attempts.first?["rules"] as? [String] == ["fix.value-spelling"])

        // Replayed without the model: on the store, the spelling fix made the answer right.
        let replay = try Indaga.run(["eval", "--replay", sets.path("relatorio.json"), "--home", home.url.path, "--db", SharedDemo.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        let spellingRow = replay.stdout.split(separator: "\n").first { $0.contains("fix.value-spelling") }.map(String.init) ?? ""
        #expect(spellingRow.contains("1 +1 −0"), "\(replay.stdout)")
        let mixed = try Indaga.run(["eval", "--replay", sets.path("relatorio.json"), "--compare"])
        #expect(mixed.status != 0 && mixed.stderr.contains("--replay lê as perguntas e os bancos do relatório"))
        let notReport = try Indaga.run(["eval", "--replay", sets.path("loja.yaml"), "--home", home.url.path])
        #expect(notReport.status == 1 && notReport.stderr.contains("não é um relatório JSON de indaga eval"), "\(notReport.stderr)")

        // Read again without running anything: the same report, and the cost of each configuration.
        let shown = try Indaga.run(["eval", "--show", sets.path("relatorio.json")])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Acurácia por banco") && shown.stdout.contains("Custo por configuração"), "\(shown.stdout)")
        #expect(shown.stdout.contains("100,0% (3 de 3)"), "\(shown.stdout)")
        let showMixed = try Indaga.run(["eval", "--show", sets.path("relatorio.json"), sets.path("suite.yaml")])
        #expect(showMixed.status != 0 && showMixed.stderr.contains("--show só relê o relatório"))
        let showNothing = try Indaga.run(["eval", "--show", sets.path("loja.yaml")])
        #expect(showNothing.status == 1 && showNothing.stderr.contains("não é um relatório JSON de indaga eval"), "\(showNothing.stderr)")

        // Switched off, the fix does not act, and the answer about Brazil is no longer right.
        let without = try Indaga.run(arguments + ["--without", "fix.value-spelling", "--format", "json"])
        #expect(without.status == 0, "\(without.stderr)")
        let off = try #require(try JSONSerialization.jsonObject(with: Data(without.stdout.utf8)) as? [String: Any])
        #expect(off["rules_off"] as? [String] == ["fix.value-spelling"])
        let offTotal = try #require((off["totals"] as? [[String: Any]])?.first)
        #expect(((offTotal["summary"] as? [String: Any])?["accuracy"] as? Double ?? 1) < 1)
        #expect(!((offTotal["ledger"] as? [[String: Any]]) ?? []).contains { $0["rule"] as? String == "fix.value-spelling" })
    }

    @Test("--list-rules lista as regras; --without com uma regra que não existe diz qual e sai com 1")
    func rules() throws {
        let list = try Indaga.run(["eval", "--list-rules"])
        #expect(list.status == 0)
        for id in ["repair.bridge-join", "fix.value-spelling", "check.no-rows", "late.threshold-to-having", "validate.outer-column"] {
            #expect(list.stdout.contains(id))
        }
        let sets = try TemporaryFolder()
        try Self.store(in: sets)
        let unknown = try Indaga.run(["eval", sets.path("loja.yaml"), "--no-llm", "--without", "fix.valor"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'fix.valor' não é uma regra do indaga"))
        // ask and batch take the same switch, and say the same of an id that is no rule.
        for command in [["ask", "quantas escolas?"], ["batch", sets.path("loja.yaml")]] {
            let run = try Indaga.run(command + ["--without", "fix.valor"])
            #expect(run.status == 1 && run.stderr.contains("'fix.valor' não é uma regra do indaga"), "\(command[0]): \(run.stderr)")
        }
        let missingDatabase = try TemporaryFolder()
        try "database: nada.sqlite\nquestions:\n  - {id: x, question: q, gold_sql: SELECT 1}\n".write(toFile: missingDatabase.path("x.yaml"), atomically: true, encoding: .utf8)
        let missing = try Indaga.run(["eval", missingDatabase.path("x.yaml"), "--no-llm"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("scripts/dev-databases.sh"))
    }

    @Test("o servidor do modelo some no meio: a avaliação para, diz por quê, sai com 1 e o relatório traz o que já tinha")
    func serverLost() throws {
        _ = try SharedDemo.result.get()
        let folder = try TemporaryFolder()
        try Self.file.write(toFile: folder.path("perguntas.yaml"), atomically: true, encoding: .utf8)
        let chats = Atomic<Int>(0)
        let server = try FakeHTTPServer { request, connection in
            func json(_ object: Any) -> String { String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self) }
            // Up until the first answer is given, a working server; then every request fails.
            guard chats.load(ordering: .relaxed) < 1 else {
                connection.respond(status: 500, body: json(["error": "servidor caiu"]))
                return
            }
            switch request.path {
            case "/api/tags": connection.respond(status: 200, body: json(["models": [["name": "fake", "model": "fake"]]]))
            case "/api/chat":
                chats.add(1, ordering: .relaxed)
                let content = "SELECT 1 AS numero, count(*) AS escolas FROM escolas"
                connection.respond(status: 200, body: json(["model": "fake", "message": ["role": "assistant", "content": content], "done": true]))
            default: connection.respond(status: 200, body: json(["version": "0.12.0"]))
            }
        }
        let run = try Indaga.run(["eval", folder.path("perguntas.yaml"), "--home", Self.repository.path, "--db", SharedDemo.path,
                                  "--llm-url", server.baseURL, "--model", "fake", "--out", folder.path("relatorio.json")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("o servidor do modelo parou de responder"), "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("relatorio.json")))) as? [String: Any])
        #expect((report["stopped"] as? String)?.contains("parou de responder") == true)
        let total = try #require((report["totals"] as? [[String: Any]])?.first)
        #expect((total["questions"] as? [[String: Any]])?.map { $0["id"] as? String } == ["a"])
    }
}
