import Catalog
import Database
import Foundation
@testable import SQLCheck
import TestSupport
import Testing

/// A small music store (artists, their albums, the albums' tracks) whose keys follow no naming
/// convention of the demo: `ArtistId` in both tables, no `_id`, no table named after a key.
enum MusicStore {
    static let folder = try! TemporaryFolder()
    static let database: Result<(path: String, schema: Schema), Error> = Result {
        let path = folder.path("loja.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE Artist (ArtistId INTEGER PRIMARY KEY, Name TEXT);
            CREATE TABLE Album (AlbumId INTEGER PRIMARY KEY, Title TEXT, ArtistId INTEGER REFERENCES Artist (ArtistId));
            CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT, AlbumId INTEGER REFERENCES Album (AlbumId), Milliseconds INTEGER);
            INSERT INTO Artist VALUES (1, 'AC/DC'), (2, 'Aerosmith'), (3, 'Alanis');
            INSERT INTO Album VALUES (1, 'Back in Black', 1), (2, 'Highway to Hell', 1), (3, 'Toys', 2);
            INSERT INTO Track VALUES (1, 'Hells Bells', 1, 312), (2, 'Shoot', 1, 200), (3, 'Highway', 2, 208), (4, 'Walk', 3, 250);
            """)
        return (path, try db.introspect())
    }

    static func rows(_ sql: String) throws -> [[String]] {
        try Connection(path: database.get().path, mode: .readOnly).query(sql).map { row in row.values.map { $0.text ?? $0.integer.map(String.init) ?? "" } }
    }
}

@Suite("Rules on a music store: a right answer stays right")
struct MusicStoreRulesTests {
    static let discs = "SELECT ar.Name, COUNT(*) FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.ArtistId"

    @Test("\"Quantos discos tem cada artista?\": the join counted by COUNT(*) stays, and the artist's key is not added beside the name")
    func discsPerArtist() throws {
        let schema = try MusicStore.database.get().schema
        #expect(UnusedJoins.removed(from: Self.discs, schema: schema) == nil)
        #expect(HiddenGroups.shown(Self.discs, schema: schema) == nil)
        #expect(try MusicStore.rows(Self.discs).map { $0.last } == ["2", "1"])
    }

    @Test("a join from a parent's key to its children stays even when nothing reads the children", arguments: [
        "SELECT count(*) FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId",
        "SELECT ar.Name FROM Artist ar JOIN Album al ON ar.ArtistId = al.ArtistId",
        "SELECT al.Title FROM Album al INNER JOIN Artist ar ON ar.ArtistId = al.ArtistId",
    ])
    func parentToChild(sql: String) throws {
        #expect(UnusedJoins.removed(from: sql, schema: try MusicStore.database.get().schema) == nil)
    }

    @Test("two many sides paired by a column neither has as its key: the unread one goes, and the count stops multiplying")
    func manyToMany() throws {
        let schema = try MusicStore.database.get().schema
        // Tracks paired with every album of the same artist… through AlbumId on both many sides.
        let sql = "SELECT count(*) FROM Album a JOIN Album b ON a.ArtistId = b.ArtistId WHERE a.Title = 'Toys'"
        let removed = try #require(UnusedJoins.removed(from: sql, schema: schema))
        #expect(removed.sql == "SELECT count(*) FROM Album a WHERE a.Title = 'Toys'")
        #expect(try MusicStore.rows(removed.sql) == [["1"]])
    }

    @Test("a key grouped and not shown, with nothing else of its table: the key is shown")
    func keyAlone() throws {
        let schema = try MusicStore.database.get().schema
        let sql = "SELECT COUNT(*) FROM Album al GROUP BY al.ArtistId"
        let shown = try #require(HiddenGroups.shown(sql, schema: schema))
        #expect(shown.sql == "SELECT al.ArtistId, COUNT(*) FROM Album al GROUP BY al.ArtistId")
        #expect(try MusicStore.rows(shown.sql).count == 2)
    }
}

/// Keys nobody declared, read from their names: `ArtistId` (a music store exported without
/// foreign keys) and `id_escola` (a school spreadsheet), besides the demo's `turma_id`.
@Suite("Keys read from their names when no foreign key is declared")
struct NamedKeysTests {
    static let folder = try! TemporaryFolder()
    static let catalog: Result<Catalog, Error> = Result {
        let db = try Connection(path: folder.path("sem-chaves.sqlite"), mode: .create)
        try db.execute("""
            CREATE TABLE Artist (ArtistId INTEGER PRIMARY KEY, Name TEXT);
            CREATE TABLE Album (AlbumId INTEGER PRIMARY KEY, Title TEXT, ArtistId INTEGER);
            CREATE TABLE escolas (id INTEGER PRIMARY KEY, nome TEXT);
            CREATE TABLE turmas (id INTEGER PRIMARY KEY, id_escola INTEGER, codigo TEXT);
            """)
        return Catalog(name: "sem-chaves", schema: try db.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
    }

    @Test("a join by another entity's key is mended through the key the name points at", arguments: [
        ("SELECT ar.Name, al.Title FROM Artist ar JOIN Album al ON al.AlbumId = ar.ArtistId",
         "SELECT ar.Name, al.Title FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId"),
        ("SELECT e.nome, t.codigo FROM escolas e JOIN turmas t ON t.id = e.id",
         "SELECT e.nome, t.codigo FROM escolas e JOIN turmas t ON t.id_escola = e.id"),
    ])
    func mended(sql: String, expected: String) throws {
        let fixed = SQLRepair(catalog: try Self.catalog.get()).joinKeysFixed(sql)
        #expect(fixed?.sql == expected)
    }

    @Test("a name that says no table, or a key the table does not have, points at nothing")
    func nothing() throws {
        let repair = SQLRepair(catalog: try Self.catalog.get())
        #expect(repair.keyTargets("Title").isEmpty)
        #expect(repair.keyTargets("GenreId").isEmpty)
        #expect(repair.keyTargets("ArtistId").map(\.name) == ["Artist"])
        #expect(repair.keyTargets("id_escola").map(\.name) == ["escolas"])
    }
}
