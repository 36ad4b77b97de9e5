import ArgumentParser
import Catalog
import Database
import DemoDatabase
import Foundation
import MiniLM
import PostgreSQL
import Render
import Retrieval
import Workspace

/// `--home`, for commands that use the project folder but not a database.
struct HomeOption: ParsableArguments {
    @Option(help: ArgumentHelp("Pasta com metadata/, prompts/, embeddings/ e models/ (padrão: INDAGA_HOME, ou a pasta do projeto).", valueName: "pasta"))
    var home: String?

    func resolve() -> Workspace {
        Workspace.resolve(homeFlag: home)
    }
}

/// `--home` and `--db`, shared by every command that reads the database.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Arquivo SQLite ou endereço PostgreSQL (postgresql://usuário@servidor:5432/banco[?schema=nome]) a consultar "
            + "(padrão: INDAGA_DB, ou o banco de demonstração).", valueName: "banco"))
    var database: String?

    @OptionGroup var homeOption: HomeOption

    @Option(help: ArgumentHelp("Nome do catálogo: metadata/<nome> e embeddings/<nome> (padrão: o nome do arquivo do banco sem extensão).", valueName: "nome"))
    var catalog: String?

    func resolve() -> Workspace {
        Workspace.resolve(homeFlag: homeOption.home, databaseFlag: database, catalogFlag: catalog)
    }

    /// The workspace for `file`, a database a question file names; `--db` and `--catalog` when it names none.
    func resolve(database file: String?) -> Workspace {
        guard let file else { return resolve() }
        return Workspace.resolve(homeFlag: homeOption.home, databaseFlag: file)
    }
}

extension WorkspaceOptions {
    /// Opens the database read-only, creating the bundled demo database on first use.
    ///
    /// - Throws: `CommandFailure` with a pt-BR line for a missing, unreadable or
    ///   non-SQLite file; creation errors from `DemoDatabase`.
    func openDatabase(_ workspace: Workspace) throws -> any SQLDatabase {
        if let address = workspace.serverAddress {
            do {
                return try PostgresDatabase(address: PostgresAddress(address), readOnly: true)
            } catch let error as PostgresError {
                throw CommandFailure(message: error.message)
            }
        }
        let path = workspace.database.path
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        let exists = fileManager.fileExists(atPath: path, isDirectory: &isFolder)
        if !exists, workspace.usesBundledDatabase {
            try fileManager.createDirectory(at: workspace.database.deletingLastPathComponent(), withIntermediateDirectories: true)
            standardError.write("Criando o banco de demonstração em \(path), com as notas de risco e de engajamento…\n")
            let (summary, scores) = try ScoredDemo.write(to: path, home: workspace.home)
            standardError.write("Pronto: \(BrazilianFormat.integer(summary.totalRows)) linhas e \(BrazilianFormat.integer(scores.scored.risk)) "
                + "notas de risco em \(BrazilianFormat.duration(summary.duration)).\n")
        } else if !exists {
            let origin = workspace.databaseSource == .flag ? "--db" : Workspace.databaseVariable
            throw CommandFailure(message: "o banco de dados '\(path)' não existe; confira o caminho em \(origin) ou crie o banco de demonstração com `indaga demo`")
        } else if isFolder.boolValue {
            throw CommandFailure(message: "'\(path)' é uma pasta, não um arquivo de banco de dados; indique o arquivo .sqlite com --db")
        } else if !fileManager.isReadableFile(atPath: path) {
            throw CommandFailure(message: "sem permissão para ler '\(path)'; peça acesso ao arquivo ou use outra cópia com --db")
        }
        return try Connection(path: path, mode: .readOnly)
    }

    /// Opens the workspace's database read-only, once per call: a SQLite file or a PostgreSQL server.
    static func opener(_ workspace: Workspace) -> DatabaseOpener {
        if let address = workspace.serverAddress {
            return PostgresDatabase.readOnlyOpener(PostgresAddress(address))
        }
        return Connection.readOnlyOpener(workspace.database.path)
    }

    /// The starter metadata files a refresh wrote, on stderr, and, unless the model is describing
    /// them already, the hint that it can: the model is not asked on its own (it takes minutes,
    /// and a first question should not wait for it), but the user learns it can be.
    static func announceStarterFiles(_ files: [String], offerDescribe: Bool) {
        for file in files {
            standardError.write("metadata inicial escrito em \(file) (complete as descrições)\n")
        }
        if !files.isEmpty, offerDescribe {
            standardError.write("dica: indaga refresh --describe pede ao modelo, uma vez, descrições e sinônimos em português das tabelas e colunas (alguns minutos); as respostas melhoram\n")
        }
    }

    /// The read-only connection, the retriever for the workspace's catalog, and the encoder for questions.
    ///
    /// A catalog never refreshed (a new database) or out of date is refreshed first, as
    /// `indaga refresh` would: a second or two, said on stderr.
    func openRetriever(_ workspace: Workspace) throws -> (any SQLDatabase, Retriever, MiniLMEncoder) {
        let connection = try openDatabase(workspace)
        let encoder = try MiniLMEncoder(folder: workspace.modelFolder)
        let open = Self.opener(workspace)
        func load() throws -> Retriever {
            try Retriever.load(
                database: workspace.databaseLabel, catalogName: workspace.catalogName,
                metadataFolder: workspace.metadataFolder, embeddingsFolder: workspace.embeddingsFolder, open: open)
        }
        do {
            return (connection, try load(), encoder)
        } catch RetrievalError.storeStale {
            standardError.write("Atualizando o catálogo de \(workspace.catalogName) (metadata e embeddings)…\n")
            let job = RefreshJob(database: workspace.databaseLabel, catalogName: workspace.catalogName,
                                 metadataFolder: workspace.metadataFolder, embeddingsFolder: workspace.embeddingsFolder, open: open)
            let summary: RefreshSummary
            do {
                summary = try job.run(check: false) { encoder }
            } catch RefreshError.locked {
                // Another process is refreshing this catalog: read what is there, embedding in
                // memory what changed, rather than wait for it or fail.
                standardError.write("Outro indaga está atualizando este catálogo; uso o catálogo atual, sem gravar nada.\n")
                let (catalog, store) = try job.storeInMemory { encoder }
                return (connection, try Retriever(catalog: catalog, store: store), encoder)
            }
            Self.announceStarterFiles(summary.starterFiles, offerDescribe: true)
            return (connection, try load(), encoder)
        }
    }
}
