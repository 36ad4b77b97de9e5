import Foundation

/// Diagnostics and progress go to stderr, so results on stdout pipe cleanly.
struct StandardErrorStream: Sendable {
    func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

let standardError = StandardErrorStream()
