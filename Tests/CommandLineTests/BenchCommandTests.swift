import Foundation
import TestSupport
import Testing

/// `indaga bench all` on the debug build, briefly: whether every benchmark runs and reports, not how fast.
@Suite("indaga bench all", .serialized)
struct BenchCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A home with the project's folders but no Python reference environment (`.venv-reference`),
    /// which a developer's checkout may have and a fresh clone has not.
    static func homeWithoutReference() throws -> TemporaryFolder {
        let home = try TemporaryFolder()
        for folder in ["metadata", "prompts", "embeddings", "models", "bench"] {
            try FileManager.default.createSymbolicLink(
                at: home.url.appendingPathComponent(folder), withDestinationURL: Self.repository.appendingPathComponent(folder))
        }
        return home
    }

    static let quick = ["--seconds", "0.1", "--rounds", "1", "--launches", "2"]

    @Test("--json: every benchmark ran in its own process with its own peak memory; no reference environment is one line, not a failure")
    func json() throws {
        _ = try SharedDemo.result.get()
        let home = try Self.homeWithoutReference()
        let run = try Indaga.run(["bench", "all", "--json", "--reference", "--synthetic", "1000", "--home", home.url.path, "--db", SharedDemo.path] + Self.quick)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")

        for name in ["encoder", "retrieval", "synthetic", "pipeline", "repl"] {
            let entry = report[name] as? [String: Any]
            #expect(entry != nil, "\(name) missing")
            #expect((entry?["peak_rss_bytes"] as? Int ?? 0) > 0, "\(name): peak RSS")
        }
        let repl = try #require(report["repl"] as? [String: Any])
        let launches = try #require(repl["result"] as? [String: Any])
        #expect(launches["launches"] as? Int == 2)
        #expect((launches["p50_ms"] as? Double ?? 0) > 0)
        #expect(((report["pipeline"] as? [String: Any])?["result"] as? [String: Any])?["stages"] as? [Any] != nil)
        #expect((((report["encoder"] as? [String: Any])?["result"] as? [String: Any])?["swift"] as? [String: Any])?["batch_texts_per_s"] as? Double ?? 0 > 0)
        #expect((report["failures"] as? [String: Any])?.isEmpty == true, "\(report["failures"] ?? "")")

        #expect(report["pytorch"] == nil)
        #expect((report["reference_missing"] as? String)?.contains("bench/setup-reference.sh") == true)
        #expect(run.stderr.contains("[1/5] codificador em Swift…"), "\(run.stderr)")
        #expect(run.stderr.contains("[5/5] partida da conversa até o prompt (2 vezes)…"))
    }

    @Test("the table: one row per measure with its memory, and the missing reference said in one line")
    func table() throws {
        _ = try SharedDemo.result.get()
        let home = try Self.homeWithoutReference()
        let run = try Indaga.run(["bench", "all", "--reference", "--synthetic", "0", "--home", home.url.path, "--db", SharedDemo.path] + Self.quick)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        for row in ["codificador Swift", "recuperação (", "caminho: total sem o modelo ", "conversa: da partida ao prompt"] {
            let line = lines.first { $0.contains(row) } ?? ""
            #expect(line.range(of: #"│ +[0-9]+(,[0-9])? (MB|GB|KB) │$"#, options: .regularExpression) != nil, "\(row): \(line)")
        }
        #expect(!run.stdout.contains("catálogo sintético"), "--synthetic 0 skips its row")
        #expect(lines.filter { $0.hasPrefix("Referência em Python não medida") }.count == 1, "\(run.stdout)")
    }
}
