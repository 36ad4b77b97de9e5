import Foundation

/// A fresh folder for one test, removed when the last reference to it goes.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("indaga-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside this folder.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }
}
