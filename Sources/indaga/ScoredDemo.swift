import DemoDatabase
import Foundation
import Scores

/// The demo database as a new user gets it: the school network and the risk and engagement
/// scores trained on it, so that the first answer about students already shows them.
enum ScoredDemo {
    /// Writes the network for `seed` to `path` and trains the scores on it before the file takes
    /// its place, stamped with the simulation's own date: the same seed gives the same bytes.
    static func write(to path: String, seed: UInt64 = DemoDatabase.defaultSeed, overwrite: Bool = false, home: URL,
                      willStart: () -> Void = {}, progress: (String) -> Void = { _ in }) throws -> (DemoDatabase.Summary, TrainingReport) {
        let config = try ScoresConfig.load(from: home.appendingPathComponent("config/scores.yaml"))
        var report: TrainingReport?
        let summary = try DemoDatabase.write(to: path, seed: seed, overwrite: overwrite, willStart: willStart) { connection in
            progress("treinando as notas de risco e de engajamento")
            report = try ScoresJob(connection: connection, config: config, now: DemoDatabase.exportedAt).train { progress($0) }
        }
        // `completing` ran (or write threw), so the report is there.
        return (summary, report!)
    }
}
