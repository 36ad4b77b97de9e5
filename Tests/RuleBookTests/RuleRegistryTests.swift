import Foundation
import RuleBook
import SQLCheck
import Testing

@Suite("The rule registry: ids, stages, and switching rules off")
struct RuleRegistryTests {
    @Test("ids are unique, and each starts with its stage's prefix")
    func ids() {
        let ids = RuleRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        let prefixes: [RuleDescription.Stage: String] = [
            .validation: "validate.", .repair: "repair.", .fix: "fix.", .check: "check.", .late: "late.", .retry: "retry.",
        ]
        for rule in RuleRegistry.all {
            #expect(rule.id.hasPrefix(prefixes[rule.stage]!), "\(rule.id) is a \(rule.stage.rawValue)")
            #expect(!rule.summary.isEmpty)
        }
    }

    @Test("--without reads ids, stage prefixes and all-rules; an unknown id is refused with the closest ones")
    func select() throws {
        #expect(try RuleRegistry.select("fix.integer-division, check.no-rows") == ["fix.integer-division", "check.no-rows"])
        #expect(try RuleRegistry.select("all-rules").count == RuleRegistry.all.count)
        let checks = try RuleRegistry.select("check.*")
        #expect(!checks.isEmpty && checks.allSatisfy { $0.hasPrefix("check.") })
        do {
            _ = try RuleRegistry.select("no-rows")
            Issue.record("an unknown id was accepted")
        } catch {
            #expect(error == .unknown("no-rows", suggestions: ["check.no-rows"]))
            #expect(error.localizedDescription.contains("'no-rows' não é uma regra do indaga; você quis dizer check.no-rows?"))
        }
        #expect(throws: RuleSelectionError.self) { try RuleRegistry.select("nada.*") }
    }

    @Test("every id the sources name is registered, and every registered id is used somewhere in the sources")
    func registryMatchesSources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.allObjects as? [URL])
        var named: Set<String> = []
        for file in files where file.pathExtension == "swift" && file.lastPathComponent != "RuleRegistry.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: #/"((?:validate|repair|fix|check|late|retry)\.[a-z]+(?:-[a-z]+)*)"/#) { named.insert(String(match.output.1)) }
        }
        let registered = Set(RuleRegistry.all.map(\.id))
        #expect(named.subtracting(registered).isEmpty, "usados e não registrados: \(named.subtracting(registered).sorted())")
        #expect(registered.subtracting(named).isEmpty, "registrados e nunca usados: \(registered.subtracting(named).sorted())")
    }
}

@Suite("The rule directory in the docs")
struct RuleDirectoryTests {
    @Test("docs/regras.md is what the book generates: every rule, its needs, and each rewrite's examples")
    func committed() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("docs/regras.md"), encoding: .utf8)
        let generated = RuleDirectory.markdown()
        #expect(committed == generated, "docs/regras.md está desatualizado: rode indaga eval --list-rules --format md > docs/regras.md")
        for rule in RuleRegistry.all { #expect(generated.contains("`\(rule.id)`")) }
        #expect(generated.contains("| `fix.unused-join` |") && generated.contains("chaves primárias"))
    }
}
