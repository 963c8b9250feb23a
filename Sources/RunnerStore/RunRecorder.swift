import DequeModule
import Foundation
import GRDB
import Synchronization

/// Records the runs one process trains, through its store's single connection, so that
/// training never waits on the database.
///
/// Epochs and finished runs are queued in memory and committed together by a background
/// thread: `commitInterval` seconds after the last group was taken (sooner when many epochs are queued) one
/// transaction inserts the queued epochs of every run, writes the weights, status and final
/// metrics of every run that finished meanwhile after its epochs, and refreshes the heartbeat
/// of every run in flight. `close()` commits the rest. A run's end waits for the next commit
/// like its epochs, so a sweep of short runs commits ten times a second rather than once
/// per run (600 runs of 20 epochs train a fifth faster than with a commit per run).
///
/// Transactions are kept short, so that another process waits little for this one: the
/// epochs are staged in a temporary table before the write lock is taken (see
/// `ExperimentStore.stage`), and a transaction takes at most `maximumBatch` of them. When
/// training makes epochs faster than they can be written (a few dozen points, say), they
/// queue, up to `maximumQueued`, then training waits.
///
/// What a crash can lose is therefore bounded: a `kill -9` or a power cut loses at most what
/// was queued in the last `commitInterval` seconds and the time of one commit (and, while another process holds the
/// write lock or training outpaces the writes, what is still queued), besides what callers
/// hold before queueing it (`RunExecutor` queues a run's epochs at least every 5 ms). Ctrl-C, which lets every run finish its
/// epoch and be recorded before `close()`, loses nothing.
///
/// One file takes epochs at a finite rate (about 500,000 a second on the machine the
/// README measures). Should training go faster than that for long — tiny networks on many
/// cores — the queue fills and training waits; `onFallingBehind` is told once, so that the
/// user learns why the cores idle and that shards in files of their own scale further.
///
/// When a commit fails (a full disk, say), what it held stays queued and is tried again about
/// every second; `writeFailure(of:)` says why. Should the last commit in `close()` fail
/// too, the runs it would have ended are recorded `failed` with that reason by a small write,
/// for which the recorder holds a little disk space in reserve, and their queued epochs are
/// given up.
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
    private let eagerCommitSize = 20_000
    /// The most epochs one transaction writes: 20 to 50 ms of holding the lock.
    private let maximumBatch = 20_000
    /// How many queued epochs make `record` wait for a commit, bounding memory while the
    /// writer is behind or waits for another process's lock.
    public let maximumQueued: Int
    /// Told, once, the number of queued epochs when training first waits for a writer that
    /// commits but cannot keep up (not for one that waits for another process's lock).
    private let onFallingBehind: (@Sendable (Int) -> Void)?

    /// The end of a run, as `finish` was given it.
    private struct Ending {
        var id: String
        var outcome: RunOutcome
        var metrics: FinalMetrics?
        var weights: [WeightTensor]
        var date: Date
        var trainingBegan: Date?
        /// `EpochQueue.appended` when it was queued: it is written once all those epochs are.
        var after: Int
    }

    private let condition = NSCondition()
    /// Held through a whole commit: commits take from the queue in order, and share the stage.
    private let committing = NSLock()
    private var queued = EpochQueue()
    /// How many of the epochs ever queued are written, with the run ends queued before them
    /// (`EpochQueue.taken` when the latest successful commit took its group).
    private var committedThrough = 0
    private var endings: [Ending] = []
    private var inFlight: Set<String> = []
    /// When the last commit took its epochs from the queue, and when it ended.
    private var lastCommit = (began: Date(), ended: Date())
    /// When a commit last succeeded, if one did.
    private var lastSuccess: Date?
    private var reportedFallingBehind = false
    /// Whether commits come every `promptCommitInterval` rather than every `commitInterval` (`commitPromptly()`).
    private var prompt = false
    private let promptCommitInterval: TimeInterval = 0.01
    private var closing = false
    private var committerDone = false
    private var commitFailure: StoreError? {
        didSet { failing.store(commitFailure != nil, ordering: .releasing) }
    }
    /// Whether `commitFailure` is set: read by every epoch of every run, without a lock.
    private let failing = Atomic<Bool>(false)
    /// Runs whose end could not be written (a run deleted or marked meanwhile): reported by `close()`.
    private var endingFailures: [(runID: String, error: StoreError)] = []
    /// Room for the write that records runs as failed after a full disk: a few pages per run.
    private let reserve: SpaceReserve

    /// Starts recording into `store`, with a background thread that commits what is queued.
    public init(
        store: ExperimentStore, commitInterval: TimeInterval = 0.1, heartbeatInterval: TimeInterval = 15,
        maximumQueued: Int = 1_000_000, onFallingBehind: (@Sendable (_ queued: Int) -> Void)? = nil
    ) {
        self.store = store
        self.commitInterval = commitInterval
        self.heartbeatInterval = heartbeatInterval
        self.maximumQueued = maximumQueued
        self.onFallingBehind = onFallingBehind
        reserve = SpaceReserve(nextTo: store.path, bytes: 256 << 10)
        let thread = Thread { [self] in commitLoop() }
        thread.name = "RunRecorder"
        thread.start()
    }

    /// The error of the latest failed background commit, if the next one has not succeeded yet
    /// (a full disk, say); what it held stays queued.
    public var failure: StoreError? {
        condition.withLock { commitFailure }
    }

    /// Whether the latest background commit failed and none has succeeded since: `failure`
    /// without a lock.
    public var isFailing: Bool {
        failing.load(ordering: .acquiring)
    }

    /// Why the runs' writes fail, for a run stopped by it: the latest failed commit's error and
    /// the first epoch of `runID` it could not write ("disk full: database or disk is full
    /// while writing epoch 12"); nil while commits succeed.
    public func writeFailure(of runID: String) -> String? {
        condition.withLock { commitFailure.map { failureReason($0, runID: runID) } }
    }

    /// `writeFailure(of:)` for `error`; call it holding `condition`.
    private func failureReason(_ error: StoreError, runID: String) -> String {
        let cause = switch error {
        case .diskFull: "disk full: database or disk is full"
        case let .database(_, message): "database error: \(message)"
        default: "\(error)"
        }
        let unwritten = queued.first { $0.runID == runID }.map { "epoch \($0.epoch)" } ?? "its final weights and status"
        return "\(cause) while writing \(unwritten)"
    }

    /// Claims `run` (see `ExperimentStore.claimRun`), or starts it regardless when `rerun`.
    public func claim(_ run: NewRun, rerun: Bool, ids: RunIDSpace = .all) throws(StoreError) -> RunClaim {
        try claim([run], rerun: rerun, ids: ids)[0]
    }

    /// Claims `runs` in order in one transaction (see `ExperimentStore.claimRuns`), or starts
    /// them regardless when `rerun`.
    public func claim(_ runs: [NewRun], rerun: Bool, ids: RunIDSpace = .all) throws(StoreError) -> [RunClaim] {
        let claims = rerun ? try store.startRuns(runs, ids: ids).map(RunClaim.started) : try store.claimRuns(runs, ids: ids)
        let started = claims.compactMap { claim in if case .started(let identity) = claim { identity.id } else { nil } }
        condition.withLock { inFlight.formUnion(started) }
        return claims
    }

    /// Queues one epoch; it is committed within `commitInterval` seconds. Waits while
    /// `maximumQueued` epochs are queued.
    public func record(_ epoch: EpochRecord) {
        record(contentsOf: CollectionOfOne(epoch))
    }

    /// Queues `epochs`, in order, like `record(_:)` but taking the lock once: it waits while
    /// `maximumQueued` epochs are queued, then queues them all (the queue may so exceed
    /// `maximumQueued` by one batch).
    public func record(contentsOf epochs: some Collection<EpochRecord>) {
        guard !epochs.isEmpty else { return }
        let fallenBehind: Int? = condition.withLock {
            let full = queued.count >= maximumQueued && !closing
            let report = full && isFallingBehind()
            if report { reportedFallingBehind = true }
            while queued.count >= maximumQueued && !closing { condition.wait() }
            let before = queued.count
            queued.append(contentsOf: epochs)
            // The committer sleeps for a heartbeat interval while nothing is queued: wake it to
            // commit within `commitInterval` from now; and at once when many are queued.
            if before == 0 || (before < eagerCommitSize && queued.count >= eagerCommitSize) { condition.broadcast() }
            return report ? maximumQueued : nil
        }
        if let fallenBehind { onFallingBehind?(fallenBehind) }
    }

    /// Whether a full queue is the writer's pace (its commits go through, the latest in the
    /// last few seconds) rather than another process's lock or a failing disk, and was not
    /// reported yet; call it holding `condition`.
    private func isFallingBehind() -> Bool {
        guard !reportedFallingBehind, commitFailure == nil, let lastSuccess, !store.lockWaiting.isWaiting else { return false }
        return Date().timeIntervalSince(lastSuccess) < 5
    }

    /// Queues the end of a running run — its weights, status and final metrics — to be committed
    /// with the next commit, after its epochs, without waiting for it. See `ExperimentStore.finishRun`;
    /// a run that can no longer be finished is reported by `close()`. `trainingBegan` as for
    /// `ExperimentStore.finishRun`.
    ///
    /// - Throws: `invalidWeights` when a tensor's shape does not fit; nothing is queued then.
    public func finish(
        id: String, outcome: RunOutcome, metrics: FinalMetrics?, weights: [WeightTensor], at date: Date = Date(), trainingBegan: Date? = nil
    ) throws(StoreError) {
        for tensor in weights {
            try tensor.validate()
        }
        condition.withLock {
            endings.append(Ending(
                id: id, outcome: outcome, metrics: metrics, weights: weights, date: date, trainingBegan: trainingBegan, after: queued.appended))
            condition.broadcast()
        }
    }

    /// From now on commits what is queued every hundredth of a second, rather than every
    /// `commitInterval` (or, with `false`, every `commitInterval` again): for the end of a
    /// plan, once a core that trained has nothing left to do, so that `close()` finds little
    /// left to commit.
    public func commitPromptly(_ promptly: Bool = true) {
        condition.withLock {
            prompt = promptly
            condition.broadcast()
        }
    }

    /// Commits everything queued now, and returns once it is written: what other threads
    /// queue meanwhile does not keep it waiting.
    ///
    /// - Parameter runID: Whose end's failure to throw; every run's when nil.
    /// - Throws: The commit's error, or the first run (of `runID`) whose end could not be written.
    public func flush(run runID: String? = nil) throws(StoreError) {
        // Epochs and the ends queued after them are written in queue order, so this is all of it.
        let target = condition.withLock { queued.appended }
        repeat {
            try commit()
        } while condition.withLock({ committedThrough < target })
        if let failure = condition.withLock({ endingFailures.first { runID == nil || $0.runID == runID } }) { throw failure.error }
    }

    /// Commits everything queued and stops the background thread. Call it once, after the last `finish`.
    ///
    /// Should that commit fail, every run it would have ended is recorded `failed` with
    /// `writeFailure(of:)` as its message, and the commit's error is thrown.
    ///
    /// - Throws: The commit's error, the first run whose end could not be written, or
    ///   `runsNotRecorded` when not even the runs' failure could be written.
    public func close() throws(StoreError) {
        condition.withLock {
            closing = true
            condition.broadcast()
            while !committerDone { condition.wait() }
        }
        do throws(StoreError) {
            try flush()
        } catch {
            if let failure = self.failure { try recordFailedRuns(cause: failure) }
            throw error
        }
    }

    /// Records every run not ended in the store as `failed` because of `cause`, giving up
    /// what is queued, in one small write made after releasing the reserve.
    ///
    /// - Throws: `runsNotRecorded` when even that write fails.
    private func recordFailedRuns(cause: StoreError) throws(StoreError) {
        let reasons = condition.withLock {
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0, failureReason(cause, runID: $0)) })
        }
        guard !reasons.isEmpty else { return }
        reserve.release()
        do throws(StoreError) {
            try store.markFailed(reasons)
        } catch {
            let why = if case .diskFull = error { "database or disk is full" } else { "\(error)" }
            throw .runsNotRecorded(path: store.path, shortIDs: reasons.keys.map { String($0.prefix(8)) }.sorted(), cause: why)
        }
        condition.withLock {
            queued.removeAll()
            endings.removeAll()
            inFlight.removeAll()
        }
    }

    /// Writes, in one transaction, up to `maximumBatch` queued epochs, then every end of a run
    /// queued with them, and refreshes the heartbeat of the runs in flight; on failure
    /// everything goes back to the queue.
    private func commit() throws(StoreError) {
        committing.lock()
        defer { committing.unlock() }
        let (batch, ended, running, through) = condition.withLock {
            defer { condition.broadcast() }
            lastCommit.began = Date()
            let batch = queued.take(upTo: maximumBatch)
            // A run's end waits for its last epochs (and those queued before them).
            let ended = endings.filter { $0.after <= queued.taken }
            endings.removeAll { $0.after <= queued.taken }
            return (batch, ended, inFlight, queued.taken)
        }
        do {
            let staged = try store.stage(batch)
            // The runs of these epochs and endings are checked once each (`insert`, `finish`).
            try store.write(foreignKeyChecks: false) { db in
                try store.insert(staged, db)
                try store.touch(running, at: Date(), db)
                for ending in ended {
                    do {
                        try db.inSavepoint {
                            try store.finish(id: ending.id, outcome: ending.outcome, metrics: ending.metrics, weights: ending.weights, at: ending.date, trainingBegan: ending.trainingBegan, db)
                            return .commit
                        }
                    } catch let error as StoreError {
                        condition.withLock { endingFailures.append((ending.id, error)) }
                    }
                }
            }
            condition.withLock {
                lastCommit.ended = Date()
                lastSuccess = lastCommit.ended
                commitFailure = nil
                committedThrough = max(committedThrough, through)
                inFlight.subtract(ended.map(\.id))
            }
        } catch {
            condition.withLock {
                queued.putBack(batch)
                endings.insert(contentsOf: ended, at: 0)
                commitFailure = error
            }
            throw error
        }
    }

    /// Commits when one is due; once closing, until nothing is left or a commit fails
    /// (`close()` deals with the rest).
    private func commitLoop() {
        while true {
            let proceed: Bool = condition.withLock {
                while true {
                    let idle = queued.isEmpty && endings.isEmpty
                    if closing && (idle || commitFailure != nil) { return false }
                    if idle && inFlight.isEmpty { lastCommit = (Date(), Date()) }
                    let wait = idle ? heartbeatInterval : prompt ? promptCommitInterval : commitInterval
                    // A group is due an interval after the last one was taken, so that what a crash
                    // can lose is one interval and one commit's time; prompt commits (a few ms
                    // apart) count from the last one's end, so that the writer does not run
                    // back to back.
                    let since = prompt ? lastCommit.ended : lastCommit.began
                    var due = since.addingTimeInterval(commitFailure == nil ? wait : max(wait, 1))
                    if commitFailure == nil && (closing || queued.count >= eagerCommitSize) { due = .distantPast }
                    if Date() >= due { return true }
                    _ = condition.wait(until: due)
                }
            }
            guard proceed else { break }
            // A failure is kept in `failure`; what it held stays queued for the next try.
            try? commit()
        }
        condition.withLock {
            committerDone = true
            condition.broadcast()
        }
    }
}

/// The epochs waiting for a commit, oldest first, in a `Deque` (swift-collections): batches
/// leave from the front without moving what stays, which can be a million epochs while
/// training outpaces the writes, and the memory of such a backlog is given back once it is written.
private struct EpochQueue {
    private var epochs = Deque<EpochRecord>()
    /// How many epochs were ever appended.
    private(set) var appended = 0
    /// How many of them were taken (and not put back).
    private(set) var taken = 0
    /// The most epochs queued since the queue was last empty: the room `epochs` holds.
    private var highWater = 0

    var count: Int { epochs.count }
    var isEmpty: Bool { epochs.isEmpty }

    mutating func append(contentsOf new: some Collection<EpochRecord>) {
        epochs.append(contentsOf: new)
        appended += new.count
        highWater = max(highWater, epochs.count)
    }

    /// The oldest `limit` epochs (or fewer), removed from the queue.
    mutating func take(upTo limit: Int) -> [EpochRecord] {
        let batch = Array(epochs.prefix(limit))
        epochs.removeFirst(batch.count)
        taken += batch.count
        // A queue emptied after a backlog gives its room back.
        if epochs.isEmpty {
            if highWater > 65_536 { epochs = Deque() }
            highWater = 0
        }
        return batch
    }

    /// Puts `batch`, the last one taken, back in front.
    mutating func putBack(_ batch: [EpochRecord]) {
        epochs.prepend(contentsOf: batch)
        taken -= batch.count
        highWater = max(highWater, epochs.count)
    }

    func first(where predicate: (EpochRecord) -> Bool) -> EpochRecord? {
        epochs.first(where: predicate)
    }

    /// Gives up every waiting epoch.
    mutating func removeAll() {
        epochs.removeAll()
        taken = appended
    }
}
