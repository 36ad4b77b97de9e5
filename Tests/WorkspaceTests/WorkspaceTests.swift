import Foundation
import Testing
import Workspace

@Suite("Where indaga looks for its home and database")
struct WorkspaceTests {
    /// A scratch tree: `repo/` is a home (metadata/ and prompts/), `elsewhere/` is not.
    final class Tree {
        let root: URL
        var repo: URL { root.appendingPathComponent("repo") }
        var elsewhere: URL { root.appendingPathComponent("elsewhere") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-ws-\(UUID().uuidString)")
            for folder in ["repo/metadata", "repo/prompts", "repo/.build/release", "elsewhere", "other-home"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    @Test("run from the repository root with nothing set: the repository and its bundled database")
    func defaults() throws {
        let tree = try Tree()
        let workspace = Workspace.resolve(environment: [:], currentDirectory: tree.repo, executable: nil)
        #expect(workspace.home.path == tree.repo.path)
        #expect(workspace.homeSource == .currentDirectory)
        #expect(workspace.database.path == tree.repo.appendingPathComponent("data/escola.sqlite").path)
        #expect(workspace.usesBundledDatabase)
        #expect(workspace.catalogName == "escola")
        #expect(workspace.metadataFolder.path == tree.repo.appendingPathComponent("metadata/escola").path)
        #expect(workspace.embeddingsFolder.path == tree.repo.appendingPathComponent("embeddings/escola").path)
    }

    @Test("the flag beats the environment, which beats the default")
    func precedence() throws {
        let tree = try Tree()
        let environment = ["INDAGA_HOME": tree.root.appendingPathComponent("other-home").path, "INDAGA_DB": "/dados/env.sqlite"]

        let fromEnvironment = Workspace.resolve(environment: environment, currentDirectory: tree.repo, executable: nil)
        #expect(fromEnvironment.homeSource == .environment)
        #expect(fromEnvironment.home.lastPathComponent == "other-home")
        #expect(fromEnvironment.databaseSource == .environment)
        #expect(fromEnvironment.database.path == "/dados/env.sqlite")
        #expect(fromEnvironment.catalogName == "env")
        #expect(!fromEnvironment.usesBundledDatabase)

        let fromFlags = Workspace.resolve(homeFlag: "../elsewhere", databaseFlag: "rede.sqlite", environment: environment, currentDirectory: tree.repo, executable: nil)
        #expect(fromFlags.homeSource == .flag)
        #expect(fromFlags.home.path == tree.elsewhere.path)
        #expect(fromFlags.databaseSource == .flag)
        // Relative paths start at the current directory.
        #expect(fromFlags.database.path == tree.repo.appendingPathComponent("rede.sqlite").path)
    }

    @Test("an empty variable counts as unset")
    func emptyVariables() throws {
        let tree = try Tree()
        let workspace = Workspace.resolve(environment: ["INDAGA_HOME": "", "INDAGA_DB": "  "], currentDirectory: tree.repo, executable: nil)
        #expect(workspace.homeSource == .currentDirectory)
        #expect(workspace.usesBundledDatabase)
    }

    @Test("from anywhere else, a binary built inside the repository finds the repository")
    func executableHome() throws {
        let tree = try Tree()
        let binary = tree.repo.appendingPathComponent(".build/release/indaga")
        let workspace = Workspace.resolve(environment: [:], currentDirectory: tree.elsewhere, executable: binary)
        #expect(workspace.homeSource == .executable)
        #expect(workspace.home.path == tree.repo.path)
    }

    @Test("with no home around, the per-user data folder")
    func userData() throws {
        let tree = try Tree()
        let workspace = Workspace.resolve(environment: ["HOME": "/home/gestora"], currentDirectory: tree.elsewhere, executable: nil)
        #expect(workspace.homeSource == .userData)
        #expect(workspace.home.path == "/home/gestora/.local/share/indaga")
        let xdg = Workspace.resolve(environment: ["HOME": "/home/gestora", "XDG_DATA_HOME": "/srv/dados"], currentDirectory: tree.elsewhere, executable: nil)
        #expect(xdg.home.path == "/srv/dados/indaga")
    }

    @Test("--catalog names the metadata and embeddings folders instead of the file's stem")
    func catalogOverride() throws {
        let tree = try Tree()
        let workspace = Workspace.resolve(databaseFlag: "/dados/rede-2024.sqlite", catalogFlag: "rede", environment: [:], currentDirectory: tree.repo, executable: nil)
        #expect(workspace.catalogName == "rede")
        #expect(workspace.metadataFolder.path == tree.repo.appendingPathComponent("metadata/rede").path)
        #expect(workspace.embeddingsFolder.path == tree.repo.appendingPathComponent("embeddings/rede").path)
    }
}
