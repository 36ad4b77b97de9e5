import Database
import Foundation
import TestSupport
import Testing

@Suite("indaga demo and indaga schema, as a user runs them")
struct CommandLineTests {
    @Test("demo writes the database and prints its tables and a summary")
    func demo() throws {
        let run = try SharedDemo.result.get()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("│ interacoes "))
        #expect(run.stdout.contains("Banco de demonstração criado em \(SharedDemo.path)"))
        #expect(run.stdout.contains("semente 42, gerado em "))
        #expect(run.stderr.contains("Gerando a rede escolar (semente 42)"))
        let db = try Connection(path: SharedDemo.path, mode: .readOnly)
        #expect((try db.scalar("SELECT count(*) FROM alunos")?.integer ?? 0) > 1_000)
    }

    @Test("schema lists each table with its rows, columns and join keys")
    func schemaText() throws {
        _ = try SharedDemo.result.get()
        let run = try Indaga.run(["schema", "--db", SharedDemo.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("13 tabelas e 1 visão"))
        #expect(run.stdout.range(of: #"alunos \([0-9.]+ linhas\)"#, options: .regularExpression) != nil)
        #expect(run.stdout.contains("cubo_engajamento (visão"))
        #expect(run.stdout.contains("│ escola_id  │ inteiro │ → escolas.id │"))
        #expect(run.stdout.contains("ativa, concluida") || run.stdout.contains("concluida, "))
    }

    @Test("schema --format json is valid JSON with every table")
    func schemaJSON() throws {
        _ = try SharedDemo.result.get()
        let run = try Indaga.run(["schema", "--db", SharedDemo.path, "--format", "json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let tables = document?["tables"] as? [[String: Any]]
        #expect(tables?.count == 14)
        let alunos = tables?.first { $0["name"] as? String == "alunos" }
        #expect((alunos?["rowCount"] as? Int ?? 0) > 1_000)
    }

    @Test("INDAGA_DB chooses the database, and --db beats it")
    func databasePrecedence() throws {
        _ = try SharedDemo.result.get()
        let fromEnvironment = try Indaga.run(["schema"], environment: ["INDAGA_DB": SharedDemo.path])
        #expect(fromEnvironment.status == 0)
        #expect(fromEnvironment.stdout.hasPrefix("Banco: \(SharedDemo.path)"))
        let flagWins = try Indaga.run(["schema", "--db", "/nao/existe.sqlite"], environment: ["INDAGA_DB": SharedDemo.path])
        #expect(flagWins.status == 1)
        #expect(flagWins.stderr.contains("/nao/existe.sqlite"))
        #expect(flagWins.stderr.contains("--db"))
    }

    @Test("in a fresh home, indaga creates the bundled database on first use")
    func firstRunCreatesBundledDatabase() throws {
        let home = try TemporaryFolder()
        try home.makeHome()
        let run = try Indaga.run(["schema"], in: home.url)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("Criando o banco de demonstração em \(home.path("data/escola.sqlite"))"))
        #expect(run.stdout.hasPrefix("Banco: \(home.path("data/escola.sqlite"))"))
        // The second run finds it and creates nothing.
        let again = try Indaga.run(["schema"], in: home.url)
        #expect(again.status == 0)
        #expect(!again.stderr.contains("Criando"))
    }

    @Test("demo refuses to overwrite an existing file without --force, and keeps it intact")
    func demoKeepsExistingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("meu-banco.sqlite")
        try Data("planilha importante".utf8).write(to: URL(fileURLWithPath: path))
        let run = try Indaga.run(["demo", "--out", path])
        #expect(run.status == 1)
        #expect(run.stderrLines == ["indaga: o arquivo '\(path)' já existe; use --force para recriá-lo ou --out para gravar em outro lugar"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "planilha importante")
    }
}

@Suite("Bad input: one pt-BR line, a non-zero exit, nothing half-written")
struct BadInputTests {
    /// stderr holds exactly one line, in Portuguese, naming the problem; stdout is empty.
    func expectOneLine(_ run: IndagaRun, containing fragments: [String], status: Int32 = 1) {
        #expect(run.status == status, "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1, "stderr: \(run.stderr)")
        let line = run.stderrLines.first ?? ""
        #expect(line.hasPrefix("indaga: "))
        for fragment in fragments {
            #expect(line.contains(fragment), "\(line) should contain \(fragment)")
        }
        #expect(!line.contains("Error:") && !line.contains("Fatal"))
    }

    @Test("a missing database file")
    func missingDatabase() throws {
        let folder = try TemporaryFolder()
        let run = try Indaga.run(["schema", "--db", folder.path("sumiu.sqlite")])
        expectOneLine(run, containing: ["não existe", folder.path("sumiu.sqlite"), "indaga demo"])
        #expect(!FileManager.default.fileExists(atPath: folder.path("sumiu.sqlite")))
    }

    @Test("a folder given as the database")
    func folderAsDatabase() throws {
        let folder = try TemporaryFolder()
        let run = try Indaga.run(["schema", "--db", folder.url.path])
        expectOneLine(run, containing: ["é uma pasta"])
    }

    @Test("a file that is not SQLite")
    func notSQLite() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("alunos.csv")
        try Data(String(repeating: "ra;nome\n2022001;Ana\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let run = try Indaga.run(["schema", "--db", path])
        expectOneLine(run, containing: ["não é um banco de dados SQLite", path])
    }

    @Test("an unknown --format")
    func unknownFormat() throws {
        let run = try Indaga.run(["schema", "--format", "xml"])
        expectOneLine(run, containing: ["'xml'", "--format", "text", "json"], status: 64)
    }

    @Test("an unknown option and a bad number")
    func usageErrors() throws {
        expectOneLine(try Indaga.run(["schema", "--tabela", "x"]), containing: ["opção desconhecida '--tabela'"], status: 64)
        expectOneLine(try Indaga.run(["demo", "--seed", "dez"]), containing: ["'dez'", "--seed"], status: 64)
    }

    @Test("an --out where nothing can be written, and no file appears", arguments: [
        "/proc/indaga-demo.sqlite", "/nao/existe/escola.sqlite",
    ])
    func unwritableOut(path: String) throws {
        let run = try Indaga.run(["demo", "--out", path])
        expectOneLine(run, containing: ["não foi possível gravar '\(path)'", "--out"])
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite("indaga embed")
struct EmbedCommandTests {
    /// The repository, whose models/ folder scripts/setup.sh fills.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("prints one JSON line per text with its tokens and 384 floats")
    func jsonLines() throws {
        let run = try Indaga.run(["embed", "--home", Self.repository.path, "Quantos alunos evadiram em 2023?", "evasão"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["text"] as? String == "Quantos alunos evadiram em 2023?")
        #expect(first?["tokens"] as? [Int] == [101, 24110, 13122, 2632, 27819, 2015, 9345, 4305, 6444, 7861, 16798, 2509, 1029, 102])
        let vector = first?["embedding"] as? [Double] ?? []
        #expect(vector.count == 384)
        #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    }

    @Test("reads one text per line from --file, and from stdin when given nothing")
    func fileInput() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("perguntas.txt")
        try Data("primeira pergunta\r\nsegunda pergunta\n\n".utf8).write(to: URL(fileURLWithPath: path))
        let run = try Indaga.run(["embed", "--home", Self.repository.path, "--file", path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let texts = run.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String
        }
        #expect(texts == ["primeira pergunta", "segunda pergunta", ""])

        let piped = try Indaga.run(["embed", "--home", Self.repository.path], input: "de um pipe\noutra linha\n")
        #expect(piped.status == 0, "stderr: \(piped.stderr)")
        #expect(piped.stdout.split(separator: "\n").count == 2)
        #expect(piped.stdout.hasPrefix("{\"text\":\"de um pipe\""))
    }

    @Test("without the weights: one pt-BR line naming the setup command")
    func missingWeights() throws {
        let home = try TemporaryFolder()
        try home.makeHome()
        let run = try Indaga.run(["embed", "--home", home.url.path, "texto"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderrLines.first?.hasPrefix("indaga: os pesos do MiniLM não estão em") == true)
        #expect(run.stderr.contains("scripts/setup.sh"))
    }

    @Test("a corrupt weights file: one line naming the file, no crash")
    func corruptWeights() throws {
        let home = try TemporaryFolder()
        try home.makeHome()
        let model = home.url.appendingPathComponent("models/all-MiniLM-L6-v2")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for file in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(
                at: Self.repository.appendingPathComponent("models/all-MiniLM-L6-v2/\(file)"), to: model.appendingPathComponent(file))
        }
        try Data(repeating: 0xAB, count: 4096).write(to: model.appendingPathComponent("model.safetensors"))
        let run = try Indaga.run(["embed", "--home", home.url.path, "texto"])
        #expect(run.status == 1)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderr.contains("model.safetensors"))
        #expect(run.stderr.contains("baixe os pesos de novo") || run.stderr.contains("corrompido") || run.stderr.contains("truncado"))
    }
}

@Suite("indaga llm")
struct LLMCommandTests {
    @Test("no server: the sentence that says to start Ollama, and exit 1")
    func noServer() throws {
        let port = FakeHTTPServer.unusedPort()
        let run = try Indaga.run(["llm"], environment: ["OLLAMA_HOST": "127.0.0.1:\(port)"])
        #expect(run.status == 1)
        #expect(run.stderrLines == ["indaga: Não consegui falar com o Ollama em http://127.0.0.1:\(port). Ele está rodando? (ollama serve)"])
    }

    @Test("an invalid URL says so")
    func invalidURL() throws {
        let run = try Indaga.run(["llm", "--llm-url", "ht!tp://x"])
        #expect(run.status == 1)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderr.contains("não é uma URL válida"))
    }

    @Test("a healthy server: version, model, a one-token round trip; a missing model: the pull command")
    func healthCheck() throws {
        let server = try FakeHTTPServer { request, connection in
            switch request.path {
            case "/api/version": connection.respond(status: 200, body: #"{"version":"0.12.6"}"#)
            case "/api/tags": connection.respond(status: 200, body: #"{"models":[{"name":"qwen2.5-coder:1.5b","model":"qwen2.5-coder:1.5b"}]}"#)
            default:
                connection.startChunked(contentType: "application/x-ndjson")
                connection.chunk(#"{"model":"qwen2.5-coder:1.5b","message":{"role":"assistant","content":"ok"},"done":false}"# + "\n")
                connection.chunk(#"{"model":"qwen2.5-coder:1.5b","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","eval_count":1,"eval_duration":20000000}"# + "\n")
                connection.endChunks()
            }
        }
        let run = try Indaga.run(["llm", "--llm-url", server.baseURL, "--model", "qwen2.5-coder:1.5b"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("versão 0.12.6"))
        #expect(run.stdout.contains("ida e volta de 1 token em"))
        #expect(run.stdout.hasSuffix("Tudo certo.\n"))

        let missing = try Indaga.run(["llm", "--llm-url", server.baseURL], environment: ["INDAGA_MODEL": "qwen2.5-coder:7b"])
        #expect(missing.status == 1)
        #expect(missing.stderrLines == ["indaga: o modelo qwen2.5-coder:7b não está no Ollama; baixe-o com: ollama pull qwen2.5-coder:7b (modelos disponíveis: qwen2.5-coder:1.5b)"])
    }

    @Test("Ctrl-C during --chat cancels the answer, not the program: pedido cancelado, exit 130")
    func interruptChat() throws {
        let server = try FakeHTTPServer { request, connection in
            switch request.path {
            case "/api/version": connection.respond(status: 200, body: #"{"version":"0.12.6"}"#)
            case "/api/tags": connection.respond(status: 200, body: #"{"models":[{"name":"m:1b"}]}"#)
            default:
                let slow = request.json?["options"].flatMap { ($0 as? [String: Any])?["num_predict"] as? Int } == nil
                connection.startChunked(contentType: "application/x-ndjson")
                for _ in 0..<(slow ? 400 : 1) {
                    guard connection.chunk(#"{"message":{"role":"assistant","content":"token "},"done":false}"# + "\n") else { return }
                    if slow { connection.pause(0.05) }
                }
                connection.chunk(#"{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}"# + "\n")
                connection.endChunks()
            }
        }
        let (process, out, err) = try Indaga.start(["llm", "--llm-url", server.baseURL, "--model", "m:1b", "--chat", "conte até mil"])
        // Wait until the answer is streaming, then press Ctrl-C.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("token token") {
            seen.append(out.fileHandleForReading.availableData)
        }
        let pressed = ContinuousClock.now
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(ContinuousClock.now - pressed < .seconds(2))
        #expect(process.terminationStatus == 130)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "indaga: pedido cancelado\n")
    }
}

@Suite("indaga refresh and indaga retrieve")
struct CatalogCommandTests {
    static let repository = EmbedCommandTests.repository

    @Test("refresh --check on the committed store: up to date, exit 0, nothing written")
    func checkCommittedStore() throws {
        _ = try SharedDemo.result.get()
        let manifest = Self.repository.appendingPathComponent("embeddings/escola/manifest.json")
        let before = try Data(contentsOf: manifest)
        let run = try Indaga.run(["refresh", "--check", "--db", SharedDemo.path, "--home", Self.repository.path])
        #expect(run.status == 0, "stdout: \(run.stdout) stderr: \(run.stderr)")
        #expect(run.stdout == "14 tabelas, 97 colunas: embeddings em dia\n")
        #expect(try Data(contentsOf: manifest) == before)
    }

    @Test("refresh on another database writes its own catalog and starter metadata, leaving escola alone")
    func otherDatabase() throws {
        let home = try TemporaryFolder()
        try home.makeHome()
        try FileManager.default.createSymbolicLink(at: home.url.appendingPathComponent("models"), withDestinationURL: Self.repository.appendingPathComponent("models"))
        let database = home.path("biblioteca.sqlite")
        let connection = try Connection(path: database, mode: .create)
        try connection.execute("CREATE TABLE livros (id INTEGER PRIMARY KEY, titulo TEXT, autor TEXT); INSERT INTO livros VALUES (1, 'Dom Casmurro', 'Machado de Assis');")
        let run = try Indaga.run(["refresh", "--db", database, "--home", home.url.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.hasPrefix("1 tabela, 3 colunas: 4 novos, 0 alterados, 0 removidos; 4 embeddings recalculados em "))
        #expect(run.stderr.contains("metadata inicial escrito em"))
        let starter = try String(contentsOf: home.url.appendingPathComponent("metadata/biblioteca/livros.yaml"), encoding: .utf8)
        #expect(starter.contains("auto: true") && starter.contains("Dom Casmurro"))
        #expect(FileManager.default.fileExists(atPath: home.path("embeddings/biblioteca/manifest.json")))
        #expect(!FileManager.default.fileExists(atPath: home.path("embeddings/escola")))
        let again = try Indaga.run(["refresh", "--check", "--db", database, "--home", home.url.path])
        #expect(again.status == 0)
        // A stale store makes --check fail.
        try "tabela: livros\ndescricao: Os livros do acervo.\n".write(toFile: home.path("metadata/biblioteca/livros.yaml"), atomically: true, encoding: .utf8)
        let stale = try Indaga.run(["refresh", "--check", "--db", database, "--home", home.url.path])
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("embeddings desatualizados"))
    }

    @Test("refresh offers --describe on a new database; --describe shows its progress and asks nothing the second time")
    func describeCommand() throws {
        let home = try TemporaryFolder()
        try home.makeHome()
        try FileManager.default.createSymbolicLink(at: home.url.appendingPathComponent("models"), withDestinationURL: Self.repository.appendingPathComponent("models"))
        for name in ["describe-domain.md", "describe-table.md"] {
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("prompts/\(name)"), to: home.url.appendingPathComponent("prompts/\(name)"))
        }
        let database = home.path("biblioteca.sqlite")
        let connection = try Connection(path: database, mode: .create)
        try connection.execute("CREATE TABLE livros (id INTEGER PRIMARY KEY, titulo TEXT, autor TEXT); INSERT INTO livros VALUES (1, 'Dom Casmurro', 'Machado de Assis');")
        let first = try Indaga.run(["refresh", "--db", database, "--home", home.url.path])
        #expect(first.status == 0 && first.stderr.contains("dica: indaga refresh --describe"), "stderr: \(first.stderr)")

        let model = try FakeOllama { prompt in
            prompt.contains("Você responde perguntas sobre ___") ? #"{"assunto": "o acervo de uma biblioteca"}"#
                : #"{"descricao": "Cada livro do acervo.", "sinonimos": ["obras"], "colunas": {"autor": {"descricao": "Quem escreveu.", "sinonimos": ["escritor"]}}}"#
        }
        let described = try Indaga.run(["refresh", "--describe", "--db", database, "--home", home.url.path, "--llm-url", model.baseURL, "--model", "fake"])
        #expect(described.status == 0, "stderr: \(described.stderr)")
        #expect(described.stderr.contains("[1/2] a tabela livros…") && described.stderr.contains("[2/2] o assunto do banco…"))
        #expect(described.stderr.contains("o modelo descreveu 1 tabela"))
        let catalog = try String(contentsOf: home.url.appendingPathComponent("metadata/biblioteca/catalogo.yaml"), encoding: .utf8)
        #expect(catalog.contains("dominio: o acervo de uma biblioteca") && catalog.contains("auto: describe"))
        let again = try Indaga.run(["refresh", "--describe", "--db", database, "--home", home.url.path, "--llm-url", model.baseURL, "--model", "fake"])
        #expect(again.status == 0 && again.stderr.contains("nada pedido ao modelo") && model.prompts.count == 2)
    }

    @Test("retrieve prints the context as JSON")
    func retrieveJSON() throws {
        _ = try SharedDemo.result.get()
        let run = try Indaga.run(["retrieve", "Quantos alunos evadiram em 2023?", "--db", SharedDemo.path, "--home", Self.repository.path, "--format", "json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let context = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let tables = (context?["tables"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(tables.contains("matriculas"))
        #expect((context?["terms"] as? [[String: Any]])?.contains { $0["term"] as? String == "evasão" } == true)
        let filters = context?["periodFilters"] as? [[String: Any]] ?? []
        #expect(filters.contains { ($0["conditions"] as? [String])?.first == "matriculas.ano_letivo = 2023" })
    }

    @Test("retrieve says how each table filters the period the question names")
    func retrievePeriod() throws {
        _ = try SharedDemo.result.get()
        let run = try Indaga.run(["retrieve", "total de faltas em março de 2024", "--db", SharedDemo.path, "--home", Self.repository.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("Período citado: 03/2024 (o filtro de 2024 em cada tabela):\n  frequencia_mensal.mes LIKE '2024-03%'"), "\(run.stdout)")
        let prompt = try Indaga.run(["retrieve", "--prompt", "total de faltas em março de 2024", "--db", SharedDemo.path, "--home", Self.repository.path])
        #expect(prompt.stdout.contains("Para filtrar março de 2024, conforme a tabela:\n- frequencia_mensal.mes LIKE '2024-03%'"), "\(prompt.stdout)")
    }
}
