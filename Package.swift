// swift-tools-version:6.1
import PackageDescription

/// The encoder's kernels are plain Swift SIMD; the CPU they are compiled for decides
/// the vector width. Default: AVX2 + FMA (`haswell`), which any x86-64 from 2013 on has.
/// `INDAGA_CPU=skylake-avx512 swift build -c release` opts into AVX-512 (16-float vectors);
/// `INDAGA_CPU=baseline` builds for any x86-64 (SSE2), slower. Other architectures ignore it.
/// Debug builds optimise this one target too: unoptimised SIMD code is some fifty times
/// slower, which made the encoder's tests take minutes.
let encoderCPUSettings: [SwiftSetting] = {
    let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #if arch(x86_64)
        switch Context.environment["INDAGA_CPU"] ?? "haswell" {
        case "baseline":
            return optimisedInDebug
        case "skylake-avx512":
            return optimisedInDebug + [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("INDAGA_AVX512")]
        default:
            return optimisedInDebug + [.unsafeFlags(["-target-cpu", "haswell"]), .define("INDAGA_AVX2")]
        }
    #else
        return optimisedInDebug
    #endif
}()

let package = Package(
    name: "indaga",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "indaga", targets: ["indaga"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries, found through pkg-config and installed from Debian's packages.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // SQLite connections, statements, typed values, schema introspection.
        .target(name: "Database", dependencies: ["CSQLite"]),
        // PostgreSQL through libpq, behind the same `SQLDatabase` seam: catalog, safe generated
        // statements, and copying a SQLite database into a server.
        .target(name: "PostgreSQL", dependencies: ["Database", "CLibPQ"]),
        // The deterministic synthetic school network (`indaga demo`).
        .target(
            name: "DemoDatabase",
            dependencies: ["Database", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The all-MiniLM-L6-v2 sentence encoder: safetensors, WordPiece, forward pass.
        .target(name: "MiniLM", swiftSettings: encoderCPUSettings),
        // HTTP over libcurl and the Ollama and OpenAI-compatible chat clients.
        .target(name: "LLM", dependencies: ["CCurl"]),
        // The local model engine (a llama.cpp server) indaga starts and stops when no server answers.
        .target(name: "Engine", dependencies: ["LLM", "Workspace"]),
        // Timing loops, the Python reference runner and the child processes behind `indaga bench`.
        .target(name: "Benchmarks", dependencies: ["Assistant", "LLM", "MiniLM", "Catalog", "Database", "Retrieval", "Terminal"]),
        // Schema ⊕ metadata: the data dictionary of each database.
        .target(
            name: "Catalog",
            dependencies: ["Database", "MiniLM", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Finding the tables, columns, joins, terms and examples a question needs.
        .target(name: "Retrieval", dependencies: ["Catalog", "Database", "MiniLM"]),
        // Generated SQL: extraction from the model's text, validation with hints.
        .target(name: "SQLCheck", dependencies: ["Database", "Catalog"]),
        // The rules of the accuracy layer: what each needs and addresses, its examples, their order.
        .target(name: "RuleBook", dependencies: ["Catalog", "Database", "Retrieval", "SQLCheck"]),
        // The question-to-answer pipeline: prompts, correction loop, verified examples.
        .target(name: "Assistant", dependencies: ["Catalog", "Database", "LLM", "MiniLM", "Retrieval", "RuleBook", "SQLCheck", "Workspace"]),
        // Where things are: the home folder, the database path, their precedence, and the user's data and state folders.
        .target(name: "Workspace"),
        // Text tables, pt-BR number and date formatting, CSV and Markdown results.
        .target(name: "Render"),
        // The keyboard and the screen: line editing with history, the spinner, terminal size and colour,
        // and a pseudo-terminal to run a program on as a person would (tests, `indaga bench`).
        .target(name: "Terminal", dependencies: ["Render"]),
        // Students' risk and engagement scores: clustering, the risk model, the quality gate, storing and reading them.
        .target(
            name: "Scores",
            dependencies: ["Database", .product(name: "Yams", package: "Yams")],
            // k-means and the regression are numeric loops: unoptimised, training takes a minute in tests.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The conversation: questions with history, the REPL's `:` commands, answers rendered for people.
        .target(name: "Session", dependencies: ["Assistant", "Catalog", "Database", "LLM", "Render", "Retrieval", "SQLCheck", "Scores", "Terminal"]),
        // Many questions at once (`indaga batch`): the question file, the records and their formats,
        // the append-only output and what --resume reads back, the worker threads, progress.
        .target(
            name: "Batch",
            dependencies: ["Assistant", "Catalog", "Database", "LLM", "Render", "Session", .product(name: "Yams", package: "Yams")]
        ),
        // Measuring accuracy (`indaga eval`): the question file with gold SQL, comparing result sets,
        // scoring each answer, and the report.
        .target(
            name: "Evaluation",
            dependencies: ["Assistant", "Catalog", "Database", "LLM", "Render", "Retrieval", "RuleBook", "SQLCheck", .product(name: "Yams", package: "Yams")]
        ),

        .executableTarget(
            name: "indaga",
            dependencies: [
                "Assistant", "Batch", "Benchmarks", "Catalog", "Database", "DemoDatabase", "PostgreSQL", "Engine", "Evaluation", "LLM", "MiniLM", "Retrieval", "RuleBook", "SQLCheck", "Workspace", "Render",
                "Scores", "Session", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Helpers shared by the test targets (temporary folders, fake model servers, scratch PostgreSQL databases).
        .target(name: "TestSupport", dependencies: ["PostgreSQL"], path: "Tests/TestSupport"),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "TestSupport"]),
        .testTarget(
            name: "PostgreSQLTests",
            dependencies: ["PostgreSQL", "Database", "Catalog", "DemoDatabase", "SQLCheck", "TestSupport"]
        ),
        .testTarget(
            name: "DemoDatabaseTests",
            dependencies: ["DemoDatabase", "Database", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "MiniLMTests", dependencies: ["MiniLM", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LLMTests", dependencies: ["LLM", "TestSupport"]),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "Database", "DemoDatabase", "MiniLM", "TestSupport", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Catalog", "Database", "DemoDatabase", "MiniLM", "TestSupport"]),
        .testTarget(name: "SQLCheckTests", dependencies: ["SQLCheck", "Catalog", "Database", "DemoDatabase", "TestSupport"]),
        .testTarget(name: "RuleBookTests", dependencies: ["RuleBook", "SQLCheck", "Catalog", "Database", "Retrieval", "TestSupport"]),
        .testTarget(
            name: "AssistantTests",
            dependencies: ["Assistant", "Catalog", "Database", "DemoDatabase", "LLM", "MiniLM", "Retrieval", "RuleBook", "SQLCheck", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace"]),
        .testTarget(name: "RenderTests", dependencies: ["Render"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
        .testTarget(name: "ScoresTests", dependencies: ["Scores", "Database", "DemoDatabase", "TestSupport"], exclude: ["logistic_reference.py"]),
        .testTarget(
            name: "SessionTests",
            dependencies: ["Session", "Assistant", "Catalog", "Database", "DemoDatabase", "LLM", "MiniLM", "Retrieval", "SQLCheck", "Scores", "TestSupport"]
        ),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "LLM", "Render", "TestSupport"]),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["Evaluation", "Assistant", "Catalog", "Database", "DemoDatabase", "LLM", "MiniLM", "Retrieval", "TestSupport"]
        ),
        // Runs the built `indaga` binary and checks stdout, stderr and the exit code.
        .testTarget(name: "EngineTests", dependencies: ["Engine", "LLM", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CommandLineTests", dependencies: ["indaga", "Batch", "Database", "PostgreSQL", "Terminal", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
