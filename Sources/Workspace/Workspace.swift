import Foundation

/// Where indaga finds its folders and its database, and why there.
///
/// Precedence, for the home folder and for the database alike: the flag,
/// then the environment variable, then the default.
public struct Workspace: Sendable, Equatable {
    /// The folder that holds `metadata/`, `prompts/`, `embeddings/`, `models/` and `data/`.
    public let home: URL
    public let homeSource: Source
    /// The SQLite file questions are answered from; for a server, its address as a URL.
    public let database: URL
    public let databaseSource: Source
    /// The PostgreSQL server's address as written (`postgresql://…`, which may hold a password);
    /// nil when the database is a SQLite file.
    public let serverAddress: String?
    /// The catalog a server database gets: its name, and its schema when not `public`.
    private let serverCatalogName: String?

    /// What decided a location.
    public enum Source: String, Sendable, Equatable {
        case flag, environment
        /// The current directory is an indaga home (the repository root, say).
        case currentDirectory
        /// The home the running binary was built in (`.build/release/indaga` inside the repository).
        case executable
        /// No home found: the per-user data folder.
        case userData
        /// The bundled demo database inside the home.
        case bundled
    }

    public static let homeVariable = "INDAGA_HOME"
    public static let databaseVariable = "INDAGA_DB"
    /// The bundled database's file, relative to the home; its stem names its catalog.
    public static let bundledDatabasePath = "data/escola.sqlite"

    /// True when the database is the bundled demo one, which indaga may create itself.
    public var usesBundledDatabase: Bool { databaseSource == .bundled }

    /// The catalog name given with `--catalog`, when one was.
    public var catalogOverride: String?

    /// The name of the database's catalog: `--catalog`, else its file's stem (`escola` for the bundled
    /// one), or for a server its database's name (`rede`, `rede-gestao` for the schema `gestao`).
    public var catalogName: String {
        catalogOverride ?? serverCatalogName ?? database.deletingPathExtension().lastPathComponent
    }

    /// The database for messages and logs: the file's path, or the server's address without its password.
    public var databaseLabel: String {
        guard serverAddress != nil, var components = URLComponents(url: database, resolvingAgainstBaseURL: false) else { return database.path }
        components.password = nil
        return components.string ?? "postgresql://…"
    }

    /// Whether `text` is a PostgreSQL server's address rather than a file's path.
    public static func isServerAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql:") || lower.hasPrefix("postgres:")
    }

    /// The database a server address names, as libpq would choose it (the path, else `dbname=`,
    /// else `PGDATABASE`, else the user), with `-schema` for a `?schema=` other than public.
    public static func serverCatalogName(_ address: String, environment: [String: String]) -> String {
        let components = URLComponents(string: address)
        let path = (components?.percentEncodedPath ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/")).removingPercentEncoding
        let items = components?.queryItems ?? []
        let database = [path, items.first { $0.name == "dbname" }?.value, environment["PGDATABASE"], components?.user, environment["PGUSER"],
                        environment["USER"]].compactMap { $0 }.first { !$0.isEmpty } ?? "postgres"
        guard let schema = items.first(where: { $0.name == "schema" })?.value, !schema.isEmpty, schema != "public" else { return database }
        return database + "-" + schema
    }

    public var metadataFolder: URL { home.appendingPathComponent("metadata/\(catalogName)", isDirectory: true) }
    public var embeddingsFolder: URL { home.appendingPathComponent("embeddings/\(catalogName)", isDirectory: true) }
    public var promptsFolder: URL { home.appendingPathComponent("prompts", isDirectory: true) }
    public var modelFolder: URL { home.appendingPathComponent("models/all-MiniLM-L6-v2", isDirectory: true) }

    /// Resolves the home and the database from flags, environment and surroundings.
    ///
    /// - Parameters:
    ///   - homeFlag: `--home`, if given.
    ///   - databaseFlag: `--db`, if given.
    ///   - environment: the process environment (`INDAGA_HOME`, `INDAGA_DB`, `HOME`, `XDG_DATA_HOME`).
    ///   - currentDirectory: where relative paths start and the first place a home is looked for.
    ///   - executable: the running binary, whose enclosing folders are the second place.
    public static func resolve(
        homeFlag: String? = nil,
        databaseFlag: String? = nil,
        catalogFlag: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
        executable: URL? = Bundle.main.executableURL
    ) -> Workspace {
        func absolute(_ path: String) -> URL {
            let expanded = NSString(string: path).expandingTildeInPath
            return URL(fileURLWithPath: expanded, isDirectory: false, relativeTo: currentDirectory).standardizedFileURL
        }
        func nonEmpty(_ value: String?) -> String? {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return value
        }

        let home: URL
        let homeSource: Source
        if let flag = nonEmpty(homeFlag) {
            (home, homeSource) = (absolute(flag), .flag)
        } else if let variable = nonEmpty(environment[homeVariable]) {
            (home, homeSource) = (absolute(variable), .environment)
        } else if isHome(currentDirectory) {
            (home, homeSource) = (currentDirectory.standardizedFileURL, .currentDirectory)
        } else if let built = executable.flatMap(enclosingHome) {
            (home, homeSource) = (built, .executable)
        } else {
            (home, homeSource) = (UserFolders.data(environment: environment), .userData)
        }

        let database: URL
        let databaseSource: Source
        let written = nonEmpty(databaseFlag) ?? nonEmpty(environment[databaseVariable])
        if let written, isServerAddress(written), let address = URL(string: written) {
            return Workspace(
                home: home.standardizedFileURL, homeSource: homeSource, database: address,
                databaseSource: nonEmpty(databaseFlag) != nil ? .flag : .environment, serverAddress: written,
                serverCatalogName: serverCatalogName(written, environment: environment), catalogOverride: nonEmpty(catalogFlag))
        }
        // A link is followed to its file: the catalog is the file's, whatever the link is called.
        if let flag = nonEmpty(databaseFlag) {
            (database, databaseSource) = (absolute(flag).resolvingSymlinksInPath(), .flag)
        } else if let variable = nonEmpty(environment[databaseVariable]) {
            (database, databaseSource) = (absolute(variable).resolvingSymlinksInPath(), .environment)
        } else {
            (database, databaseSource) = (home.appendingPathComponent(bundledDatabasePath).standardizedFileURL, .bundled)
        }
        return Workspace(
            home: home.standardizedFileURL, homeSource: homeSource, database: database, databaseSource: databaseSource,
            serverAddress: nil, serverCatalogName: nil, catalogOverride: nonEmpty(catalogFlag))
    }

    /// A folder is a home when it holds indaga's metadata and prompts folders.
    public static func isHome(_ folder: URL) -> Bool {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        return ["metadata", "prompts"].allSatisfy {
            fileManager.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isFolder) && isFolder.boolValue
        }
    }

    /// The nearest folder above the binary that is a home, e.g. the repository for `.build/release/indaga`.
    private static func enclosingHome(of executable: URL) -> URL? {
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            if isHome(folder) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
