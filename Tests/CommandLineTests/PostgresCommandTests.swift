import Foundation
import PostgreSQL
import TestSupport
import Testing

/// The commands a user runs on a PostgreSQL database, end to end: the demo loaded with one
/// command, the schema, the catalog check, and a question answered read-only with the password
/// of the address never shown or logged.
@Suite("indaga on a PostgreSQL server", .serialized, .enabled(if: TestServer.isAvailable, Comment(rawValue: TestServer.skipReason)))
struct PostgresCommandTests {
    static let scratch: Result<ScratchDatabase, Error> = Result { try ScratchDatabase() }

    /// The scratch database's address with a password in it (the throwaway server trusts loopback, so any works).
    static func addressWithPassword(_ scratch: ScratchDatabase) -> String {
        var components = URLComponents(string: scratch.url)!
        components.password = "segredo-do-gestor"
        return components.string!
    }

    @Test("demo --db loads the school network, schema and refresh --check read it, and ask answers from it")
    func demoSchemaAsk() throws {
        let scratch = try Self.scratch.get()
        let address = Self.addressWithPassword(scratch)
        let demo = try Indaga.run(["demo", "--db", address])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Copiado para postgresql://"), "\(demo.stdout)")
        #expect(demo.stdout.contains("notas de risco"), "\(demo.stdout)")
        // Again without --force: refused, nothing replaced.
        let again = try Indaga.run(["demo", "--db", address])
        #expect(again.status == 1 && again.stderr.contains("use --force"), "\(again.stderr)")

        let schema = try Indaga.run(["schema", "--db", address, "--catalog", "escola"])
        #expect(schema.status == 0, "\(schema.stderr)")
        #expect(schema.stdout.contains("alunos") && schema.stdout.contains("data_nascimento"), "\(schema.stdout.prefix(400))")

        let check = try Indaga.run(["refresh", "--check", "--db", address, "--catalog", "escola"])
        #expect(check.status == 0 && check.stdout.contains("em dia"), "\(check.stdout)\(check.stderr)")

        let model = try FakeOllama(model: "qwen2.5-coder:7b") { _ in "SELECT count(*) AS escolas FROM escolas" }
        let folder = try TemporaryFolder()
        let log = folder.path("auditoria.jsonl")
        let ask = try Indaga.run(["ask", "Quantas escolas há?", "--db", address, "--catalog", "escola", "--llm-url", model.baseURL, "--log", log, "--show-sql"])
        #expect(ask.status == 0, "\(ask.stderr)")
        #expect(ask.stdout.contains("escolas"), "\(ask.stdout)")
        let prompt = model.server.requests.compactMap { $0.path == "/api/chat" ? String(data: $0.body, encoding: .utf8) : nil }.first ?? ""
        #expect(prompt.contains("consultas PostgreSQL") && prompt.contains("EXTRACT(YEAR FROM coluna)"), "\(prompt.prefix(300))")
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logged.contains("postgresql://"), "\(logged.prefix(300))")
        for text in [demo.stdout, demo.stderr, schema.stdout, check.stdout, check.stderr, ask.stdout, ask.stderr, logged] {
            #expect(!text.contains("segredo-do-gestor"))
        }
    }

    @Test("eval --server asks on the server's database of the same name, scores against the SQLite gold, and replays there")
    func evalOnServer() throws {
        let home = try EvalCommandTests.home()
        let sets = try TemporaryFolder()
        try EvalCommandTests.store(in: sets)
        let loja = try ScratchDatabase(name: "loja")
        let copy = try Indaga.run(["copy", sets.path("loja.sqlite"), "--db", loja.url])
        #expect(copy.status == 0, "\(copy.stderr)")
        var root = URLComponents(string: loja.url)!
        root.path = "/"
        let model = try EvalCommandTests.storeModel()
        let run = try Indaga.run(["eval", sets.path("loja.yaml"), "--home", home.url.path, "--server", root.string!, "--llm-url", model.baseURL, "--model", "fake",
                                  "--out", sets.path("relatorio.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sets.path("relatorio.json")))) as? [String: Any])
        let set = try #require((report["sets"] as? [[String: Any]])?.first)
        #expect((set["database"] as? String)?.hasPrefix("postgresql://") == true && (set["database"] as? String)?.hasSuffix("/loja") == true, "\(set)")
        #expect(set["catalog"] as? String == "loja")
        let total = try #require((report["totals"] as? [[String: Any]])?.first)
        #expect((total["summary"] as? [String: Any])?["accuracy"] as? Double == 1, "\(run.stdout)")
        // The prompt said which engine it is.
        let prompt = model.server.requests.compactMap { $0.path == "/api/chat" ? String(data: $0.body, encoding: .utf8) : nil }.first ?? ""
        #expect(prompt.contains("consultas PostgreSQL"))

        let replay = try Indaga.run(["eval", "--replay", sets.path("relatorio.json"), "--home", home.url.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        let spelling = replay.stdout.split(separator: "\n").first { $0.contains("fix.value-spelling") }.map(String.init) ?? ""
        #expect(spelling.contains("1 +1 −0"), "\(replay.stdout)")
    }

    @Test("a server that does not answer is said in one pt-BR line, without the password")
    func unreachable() throws {
        let ask = try Indaga.run(["schema", "--db", "postgresql://gestor:segredo-do-gestor@127.0.0.1:1/rede"])
        #expect(ask.status == 1)
        #expect(ask.stderr.hasPrefix("indaga: não foi possível conectar ao PostgreSQL em postgresql://gestor@127.0.0.1:1/rede"), "\(ask.stderr)")
        #expect(!ask.stderr.contains("segredo-do-gestor"))
    }

    @Test("scores say where they can be computed instead of writing to a server")
    func scoresOnServer() throws {
        let run = try Indaga.run(["scores", "--db", "postgresql://gestor@127.0.0.1:1/rede"])
        #expect(run.status == 1 && run.stderr.contains("num banco SQLite"), "\(run.stderr)")
    }
}
