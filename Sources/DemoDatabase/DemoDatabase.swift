import Database
import Foundation

/// Writes the bundled synthetic school network to an SQLite file.
public enum DemoDatabase {
    /// The seed `indaga demo` uses when none is given; the README's examples come from it.
    public static let defaultSeed: UInt64 = 42

    /// The simulation's "today", the day its data was exported (2024-11-29, 18:00 UTC): what is
    /// stamped on work done on the demo at creation (the scores), so that the same seed gives
    /// the same bytes whenever it runs.
    public static let exportedAt: Date = {
        let day = SchoolNetworkSimulation.snapshot
        let components = DateComponents(timeZone: TimeZone(identifier: "UTC"), year: day.year, month: day.month, day: day.day, hour: 18)
        return Calendar(identifier: .gregorian).date(from: components)!
    }()

    /// What a build produced, for the one-line summary.
    public struct Summary: Sendable {
        public let path: String
        public let seed: UInt64
        /// Rows per table, in the order the tables are created.
        public let rowCounts: [(table: String, rows: Int)]
        public let fileSize: Int64
        public let duration: Duration

        public var totalRows: Int { rowCounts.reduce(0) { $0 + $1.rows } }

        public func rows(in table: String) -> Int {
            rowCounts.first { $0.table == table }?.rows ?? 0
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        /// The output file exists and overwriting was not asked for.
        case outputExists(path: String)
        /// The output folder is missing or not writable.
        case cannotWrite(path: String, reason: String)
    }

    /// Builds the network for `seed` into `path`, atomically.
    ///
    /// The data goes into a hidden temporary file beside `path`, inside one
    /// transaction, and is renamed over `path` only when complete, so a failure
    /// or a kill never leaves a half-written database where one is expected.
    ///
    /// - Parameters:
    ///   - overwrite: replace an existing file at `path`; otherwise it is an error.
    ///   - willStart: called once the output is known to be writable, before the work starts.
    ///   - completing: more work on the finished data before it takes its place (the scores);
    ///     if it throws, no file appears.
    /// - Throws: `Failure` for output problems, `DatabaseError` for SQLite ones.
    public static func write(
        to path: String, seed: UInt64 = defaultSeed, overwrite: Bool = false, willStart: () -> Void = {},
        completing: (Connection) throws -> Void = { _ in }
    ) throws -> Summary {
        let clock = ContinuousClock()
        let started = clock.now
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: target.path), !overwrite {
            throw Failure.outputExists(path: target.path)
        }
        let folder = target.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard fileManager.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure.cannotWrite(path: target.path, reason: "a pasta \(folder.path) não existe")
        }
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        try? fileManager.removeItem(at: temporary)
        // Creating the file ourselves gives errno, which says why better than SQLite's message.
        let descriptor = open(temporary.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
        guard descriptor >= 0 else {
            throw Failure.cannotWrite(path: target.path, reason: describe(errno: errno, folder: folder.path))
        }
        close(descriptor)
        defer { try? fileManager.removeItem(at: temporary) }
        willStart()

        let rowCounts: [(table: String, rows: Int)]
        do {
            let connection = try Connection(path: temporary.path, mode: .create)
            // A private temporary file: no journal or fsync per commit is needed,
            // since it only becomes the database by the rename below.
            try connection.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            try connection.transaction {
                try connection.execute(SchoolSchema.tables)
                var simulation = SchoolNetworkSimulation(seed: seed)
                try simulation.run(writingTo: connection)
                try connection.execute(SchoolSchema.engagementCube)
                try connection.execute(SchoolSchema.indexes)
            }
            try completing(connection)
            try connection.execute("ANALYZE")
            rowCounts = try countRows(connection)
        } catch let error as DatabaseError where error.kind == .cannotOpen {
            throw Failure.cannotWrite(path: target.path, reason: error.message)
        }
        try flushToDisk(temporary)
        // rename(2) replaces the target atomically: readers see the old file or the new one.
        guard rename(temporary.path, target.path) == 0 else {
            throw Failure.cannotWrite(path: target.path, reason: String(cString: strerror(errno)))
        }
        let size = (try? fileManager.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value ?? 0
        return Summary(path: target.path, seed: seed, rowCounts: rowCounts, fileSize: size, duration: clock.now - started)
    }

    private static func describe(errno code: Int32, folder: String) -> String {
        switch code {
        case EACCES, EPERM: return "sem permissão de escrita em \(folder)"
        case EROFS: return "\(folder) está num disco somente leitura"
        case ENOSPC, EDQUOT: return "não há espaço livre em \(folder)"
        // The folder was there a moment ago: this file system refuses new files (/proc, say).
        case ENOENT, ENOTDIR: return "o sistema não permite criar arquivos em \(folder)"
        default: return "erro \(code) do sistema ao criar um arquivo em \(folder)"
        }
    }

    private static func countRows(_ connection: Connection) throws -> [(table: String, rows: Int)] {
        let tables = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY rowid")
        return try tables.compactMap(\.[0].text).map { table in
            (table, Int(try connection.scalar("SELECT count(*) FROM \(quoteIdentifier(table))")?.integer ?? 0))
        }
    }

    private static func flushToDisk(_ file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
