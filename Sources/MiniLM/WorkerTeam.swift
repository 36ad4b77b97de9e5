import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Threads that stay awake between the short parallel steps of one forward pass.
///
/// A forward pass of one question has some thirty parallel steps of 50–500 µs.
/// `DispatchQueue.concurrentPerform` parks its helpers between them, and a
/// parked helper wakes too late to take its share, so two cores gave only 1.4×.
/// These workers spin for a short while after each step, then sleep, so an idle
/// encoder (a manager reading an answer) costs no CPU. Only atomics coordinate
/// them; a second caller arriving while the team is busy runs its step alone.
/// Both sides yield the core while they wait, so a machine with more threads
/// than cores still makes progress.
final class WorkerTeam: Sendable {
    /// Workers including the calling thread.
    let size: Int
    private let state: TeamState

    init(size: Int) {
        self.size = max(1, size)
        state = TeamState()
        for worker in 1..<self.size {
            let state = self.state
            let thread = Thread { state.work(as: worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        state.stopping.store(true, ordering: .releasing)
        state.wake(count: size - 1)
    }

    /// Runs `body(worker, workers)` on every worker at once and returns when all are done.
    func run(_ body: @escaping @Sendable (_ worker: Int, _ workers: Int) -> Void) {
        guard size > 1, state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            body(0, 1)
            return
        }
        let workers = size
        state.job = { body($0, workers) }
        state.remaining.store(workers - 1, ordering: .releasing)
        // Sequentially consistent, like the worker's side: store one, load the other (Dekker).
        state.generation.add(1, ordering: .sequentiallyConsistent)
        state.wake(count: state.sleeping.load(ordering: .sequentiallyConsistent))
        body(0, workers)
        var spins = 0
        while state.remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > TeamState.spinsBeforeYielding { sched_yield() }
        }
        state.job = nil
        state.busy.store(false, ordering: .releasing)
    }
}

/// What the workers share; it outlives the team object until the threads see `stopping`.
private final class TeamState: Sendable {
    let generation = Atomic<Int>(0)
    let remaining = Atomic<Int>(0)
    let busy = Atomic<Bool>(false)
    let stopping = Atomic<Bool>(false)
    let sleeping = Atomic<Int>(0)
    let wakeUp = DispatchSemaphore(value: 0)
    /// Written by the caller before `generation` is bumped (release), read after (acquire).
    nonisolated(unsafe) var job: ((Int) -> Void)?

    /// Checks of the flag before a waiting thread starts yielding its core (a few microseconds).
    static let spinsBeforeYielding = 2_000
    /// How long a worker spins for the next step before it sleeps.
    static let spinTime: Duration = .microseconds(300)

    func work(as worker: Int) {
        let clock = ContinuousClock()
        // Not a load: a thread that starts after the first step was posted would take
        // that step as seen and wait for the next one forever. It has done nothing: 0.
        var seen = 0
        while !stopping.load(ordering: .acquiring) {
            var spins = 0
            var idleSince = clock.now
            while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .relaxed) {
                // After a short pure spin, yield: that costs little on an idle core and, when
                // every core is busy (tests in parallel, a shared machine), lets the thread we wait for run.
                spins += 1
                if spins > Self.spinsBeforeYielding { sched_yield() }
                if spins % 64 == 0, clock.now - idleSince > Self.spinTime {
                    sleeping.add(1, ordering: .sequentiallyConsistent)
                    // Re-check after announcing sleep: a step posted in between is not missed,
                    // and a wake-up posted for nothing only costs one more spin round.
                    if generation.load(ordering: .sequentiallyConsistent) == seen, !stopping.load(ordering: .acquiring) {
                        wakeUp.wait()
                    }
                    sleeping.subtract(1, ordering: .acquiringAndReleasing)
                    idleSince = clock.now
                }
            }
            if stopping.load(ordering: .acquiring) { return }
            seen = generation.load(ordering: .acquiring)
            job?(worker)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    func wake(count: Int) {
        for _ in 0..<max(0, count) { wakeUp.signal() }
    }
}
