import Foundation

/// The user's own folders for indaga, where the XDG base directories put them: data (the audit
/// log, the local engine, a home made on first use) and state (the REPL's history, the engine's
/// pid, port and log). A relative XDG path is ignored, as the specification says.
public enum UserFolders {
    /// `$XDG_DATA_HOME/indaga`, else `~/.local/share/indaga`.
    public static func data(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        base("XDG_DATA_HOME", ".local/share", environment).appendingPathComponent("indaga", isDirectory: true)
    }

    /// `$XDG_STATE_HOME/indaga`, else `~/.local/state/indaga`.
    public static func state(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        base("XDG_STATE_HOME", ".local/state", environment).appendingPathComponent("indaga", isDirectory: true)
    }

    private static func base(_ variable: String, _ underHome: String, _ environment: [String: String]) -> URL {
        if let xdg = environment[variable], xdg.hasPrefix("/") { return URL(fileURLWithPath: xdg, isDirectory: true) }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: user, isDirectory: true).appendingPathComponent(underHome, isDirectory: true)
    }
}
