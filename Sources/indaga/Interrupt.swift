import Dispatch
import Foundation
import LLM

/// Ctrl-C cancels the work in flight instead of killing the process.
///
/// No work happens in a signal handler: SIGINT is ignored, and a dispatch
/// source delivers it on a queue, where it only sets the cancellation flag.
final class InterruptCancellation {
    let flag = CancellationFlag()
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let flag = self.flag
        source.setEventHandler { flag.cancel() }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
