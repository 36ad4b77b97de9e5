import Foundation

/// Past lines, newest last, kept in a file between sessions.
///
/// Each new line is appended to the file as it is entered, so a crash loses nothing;
/// the file is cut back to `limit` lines when it is loaded.
public final class LineHistory {
    public private(set) var entries: [String] = []
    public let file: URL?
    public let limit: Int

    public init(file: URL?, limit: Int = 1_000) {
        self.file = file
        self.limit = limit
        guard let file, let data = try? Data(contentsOf: file) else { return }
        entries = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        if entries.count > limit {
            entries.removeFirst(entries.count - limit)
            try? (entries.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// Remembers a line (not blank, not a repeat of the last one).
    public func add(_ line: String) {
        let line = line.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty, line != entries.last else { return }
        entries.append(line)
        if entries.count > limit { entries.removeFirst() }
        guard let file else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
