import Foundation
import GRDB

/// Records the runs one process trains, through its store's single connection, so that
/// training never waits on the database.
///
/// Epochs are queued in memory and committed together: every `commitInterval` seconds (or
/// sooner when many are queued) one transaction inserts every queued epoch of every run and
/// refreshes the heartbeat of every run in flight. Finishing a run commits its queued epochs
/// in the same transaction as its weights and status, and `close()` commits the rest.
///
/// What a crash can lose is therefore bounded: a `kill -9` or a power cut loses at most the
/// epochs of the last `commitInterval` seconds (and, while another process holds the write
/// lock, the epochs queued since the wait began); a run whose weights and status were written
/// lost nothing. Ctrl-C, which lets every run finish its epoch and be recorded, loses nothing.
///
/// While another process holds the write lock the recorder waits as its store's `LockWaiting`
/// says, and training goes on, queueing its epochs.
public final class RunRecorder: @unchecked Sendable {
    /// The store written to.
    public let store: ExperimentStore
    /// The longest time an epoch waits in memory before a commit, lock waits aside.
    public let commitInterval: TimeInterval
    /// How often the heartbeat of runs in flight is refreshed when no epoch ends.
    public let heartbeatInterval: TimeInterval
    /// How many queued epochs trigger a commit before `commitInterval` is up.
    private let eagerCommitSize = 50_000
    /// How many queued epochs make `record` wait for a commit, bounding memory during long lock waits.
    private let maximumQueued = 2_000_000

    private let condition = NSCondition()
    private var queued: [EpochRecord] = []
    private var inFlight: Set<String> = []
    private var lastCommit = Date()
    private var closing = false
    private var committerDone = false
    private var commitFailure: StoreError?

    /// Starts recording into `store`, with a background thread that commits queued epochs.
    public init(store: ExperimentStore, commitInterval: TimeInterval = 0.1, heartbeatInterval: TimeInterval = 15) {
        self.store = store
        self.commitInterval = commitInterval
        self.heartbeatInterval = heartbeatInterval
        let thread = Thread { [self] in commitLoop() }
        thread.name = "RunRecorder"
        thread.start()
    }

    /// The error of the latest failed background commit, if the next one has not succeeded yet
    /// (a full disk, say); its epochs stay queued.
    public var failure: StoreError? {
        condition.withLock { commitFailure }
    }

    /// Claims `run` (see `ExperimentStore.claimRun`), or starts it regardless when `rerun`.
    public func claim(_ run: NewRun, rerun: Bool, ids: RunIDSpace = .all) throws(StoreError) -> RunClaim {
        let claim = rerun ? .started(try store.startRun(run, ids: ids)) : try store.claimRun(run, ids: ids)
        if case .started(let identity) = claim {
            condition.withLock { _ = inFlight.insert(identity.id) }
        }
        return claim
    }

    /// Queues one epoch; it is committed within `commitInterval` seconds.
    public func record(_ epoch: EpochRecord) {
        condition.withLock {
            while queued.count >= maximumQueued && !closing { condition.wait() }
            queued.append(epoch)
            // The committer sleeps for a heartbeat interval while nothing is queued: wake it to
            // commit within `commitInterval` from now; and at once when many are queued.
            if queued.count == 1 || queued.count >= eagerCommitSize { condition.broadcast() }
        }
    }

    /// Ends a running run: its queued epochs, weights, status and final metrics in one transaction.
    /// See `ExperimentStore.finishRun`.
    public func finish(
        id: String, outcome: RunOutcome, metrics: FinalMetrics?, weights: [WeightTensor], at date: Date = Date()
    ) throws(StoreError) {
        for tensor in weights {
            try tensor.validate()
        }
        try commit { db in try store.finish(id: id, outcome: outcome, metrics: metrics, weights: weights, at: date, db) }
        condition.withLock { _ = inFlight.remove(id) }
    }

    /// Commits everything queued and stops the background thread. Call it once, after the last `finish`.
    public func close() throws(StoreError) {
        condition.withLock {
            closing = true
            condition.broadcast()
            while !committerDone { condition.wait() }
        }
        try commit { _ in }
    }

    /// Runs `body` in a write transaction after inserting every queued epoch and refreshing
    /// the heartbeat of the runs in flight; on failure the epochs go back to the queue.
    private func commit(_ body: (Database) throws -> Void) throws(StoreError) {
        var batch: [EpochRecord] = []
        do {
            try store.write { db in
                // Taken once the lock is ours, so epochs that ended during a lock wait join this commit.
                let running: Set<String>
                (batch, running) = condition.withLock {
                    defer { queued.removeAll(keepingCapacity: true); condition.broadcast() }
                    return (queued, inFlight)
                }
                try store.insert(batch, db)
                try store.touch(running, at: Date(), db)
                try body(db)
            }
            condition.withLock {
                lastCommit = Date()
                commitFailure = nil
            }
        } catch {
            condition.withLock {
                queued.insert(contentsOf: batch, at: 0)
                commitFailure = error
            }
            throw error
        }
    }

    private func commitLoop() {
        while true {
            let proceed: Bool = condition.withLock {
                while !closing {
                    if queued.isEmpty && inFlight.isEmpty { lastCommit = Date() }
                    let wait = queued.isEmpty ? heartbeatInterval : commitInterval
                    let due = lastCommit.addingTimeInterval(commitFailure == nil ? wait : max(wait, 1))
                    if Date() >= due || queued.count >= eagerCommitSize { return true }
                    _ = condition.wait(until: due)
                }
                return false
            }
            guard proceed else { break }
            // A failure is kept in `failure`; the epochs stay queued for the next try.
            try? commit { _ in }
        }
        condition.withLock {
            committerDone = true
            condition.broadcast()
        }
    }
}
