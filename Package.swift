// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "indaga",
    platforms: [.macOS(.v14)],
    targets: [
        // C libraries, found through pkg-config and installed from Debian's packages.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // SQLite connections, statements, typed values, schema introspection.
        .target(name: "Database", dependencies: ["CSQLite"]),
        .testTarget(name: "DatabaseTests", dependencies: ["Database"]),
    ],
    swiftLanguageModes: [.v6]
)
