import Foundation
import RunnerCore
import RunnerStore
import Synchronization

/// How one run ended, for the summary `runner run` prints.
public struct RunResult: Sendable {
    /// The run's ids in the store.
    public var identity: RunIdentity
    /// The run's name (with its swept values).
    public var name: String
    /// How it ended.
    public var status: RunStatus
    /// The epochs trained: all recorded, unless the run failed on a write.
    public var epochsCompleted: Int
    /// The metrics of the last recorded epoch, if any.
    public var finalEpoch: EpochReport?
    /// The epoch in which the loss or a weight stopped being finite, for a diverged run.
    public var divergedAtEpoch: Int?
    /// Wall time from the first epoch to the end of training.
    public var seconds: Double
}

/// Which runs of a plan a process trains, and how.
public struct ExecutionOptions: Sendable {
    /// Runs trained at once, each on its own thread.
    public var jobs: Int
    /// Train only the runs whose position is ≡ `shard.index` mod `shard.count`.
    public var shard: RunIDSpace
    /// Train runs again even when the same experiment already finished in the database.
    public var rerun: Bool
    /// Positions of the plan not to train at all (see `PositionList`); those of other shards do not count.
    public var skipping: Set<Int>

    public init(jobs: Int = 1, shard: RunIDSpace = .all, rerun: Bool = false, skipping: Set<Int> = []) {
        self.jobs = jobs
        self.shard = shard
        self.rerun = rerun
        self.skipping = skipping
    }
}

/// What `RunExecutor.execute` did with the runs of its plan.
public struct ExecutionSummary: Sendable {
    /// Runs trained (each handed to `onResult` as it ended; not kept, so that memory does
    /// not grow with the plan).
    public var trained = 0
    /// Runs skipped because the same experiment already finished in the database.
    public var alreadyFinished = 0
    /// Runs skipped because `ExecutionOptions.skipping` lists their positions.
    public var listed = 0
    /// Runs skipped because a live process is training the same experiment.
    public var inProgressElsewhere = 0
    /// Runs skipped because an earlier run of this very plan is the same experiment (a spec
    /// given twice), which this process is training.
    public var repeatedInPlan = 0
    /// Runs of this process's share not started, after an interruption or a failure.
    public var notStarted = 0
    /// Runs trained that an interruption stopped after an epoch (counted in `trained` too).
    public var interrupted = 0
}

/// Trains the runs of a plan, several at once, and records each one as it goes.
///
/// Each worker takes the next run of the plan (of this shard), makes its start weights,
/// has it claimed in the store (skipped when the same experiment already finished or is in
/// flight elsewhere, unless `rerun`), trains it, and finishes it: completed, diverged (with
/// its epoch), interrupted (after a signal, keeping every finished epoch) or failed. A short
/// run trains while its claim is made (and, ended before it, is finished by the claims queue
/// once it is, while its worker goes on), and epochs go through a `RunRecorder`, so training
/// does not wait on the database. Only the runs in flight are in memory, with the data sets
/// they use, and trained runs waiting for their claims (see `deferredBytesLimit`).
///
/// Every run's result depends on its spec alone, never on the jobs, the shard or what
/// other runs do, so any schedule gives the same bits.
public final class RunExecutor: @unchecked Sendable {
    public let recorder: RunRecorder
    public let progress: any ProgressReporter
    public let interruption: InterruptionMonitor?
    /// Data sets up to this many points are stored with their runs (once per distinct
    /// set); larger ones are not, and pictures rebuild them from the spec instead.
    public static let storedPointLimit = 100_000

    /// `data` as it is stored with a run, or nil when it has more than `storedPointLimit` points.
    static func stored(_ data: Dataset) -> StoredDataset? {
        data.count <= storedPointLimit ? StoredDataset(data) : nil
    }

    /// Epochs a run may train before its claim is in, and their multiply-adds (about 0.1 s
    /// of training): then it waits for the claim (one that waits for another process's
    /// lock, say). A run that its claim skips has trained at most that for nothing.
    static let epochsBeforeClaim = 10_000
    static let workBeforeClaim = 100_000_000
    /// Runs whose epoch takes more multiply-adds than this (a millisecond or two) are
    /// claimed before they train: a claim takes a few milliseconds, so training meanwhile
    /// would gain them little, and a claim that skips the run would cost a whole epoch.
    static let speculativeEpochWork = 2_000_000
    /// A worker hands its run's epochs to the recorder and the progress display in groups
    /// of up to this many, or every `epochGroupInterval` seconds, rather
    /// than one by one: workers finishing tens of thousands of epochs a second each
    /// otherwise contend for the recorder's lock, and sleep on it a fifth of the time.
    static let epochGroupSize = 64
    static let epochGroupInterval = 0.005

    private let lock = NSLock()
    /// Held while a worker picks its next run and asks for its claim.
    private let claiming = NSLock()
    /// Makes the claims in the order they were asked for, the plan's: those waiting together
    /// in one transaction (see `makeClaims`).
    private let claims = DispatchQueue(label: "runner.claims")
    /// A claim asked for: the run's job, its ticket, and its position in the plan.
    private typealias AskedClaim = (job: TrainingJob, ticket: RunClaimTicket, position: Int)
    /// The claims asked for and not yet made, in the order asked.
    private var askedClaims: [AskedClaim] = []
    /// The positions of the runs that another live process was training when their claims
    /// were made (see `trainRunsLeftElsewhere`).
    private var heldElsewhere: [Int] = []
    private var pending: StrideToIterator<Int>?
    /// The positions of the plan passed over (`ExecutionOptions.skipping`).
    private var skipping: Set<Int> = []
    /// Runs held elsewhere, found abandoned and claimed, that wait for a thread (see `train(claimed:jobs:onResult:)`).
    private var lateRuns: ArraySlice<(TrainingJob, RunIdentity)> = []
    private var summary = ExecutionSummary()
    private var failure: (any Error)?
    /// Whether `failure` is set: read every epoch, without taking `lock`.
    private let failed = Atomic<Bool>(false)
    /// Whether the latest claim made started its run; true at the start of a plan (a resumed
    /// sweep then trains, for nothing, what a worker may train before its claim is in).
    private var lastClaimStarted = true
    /// Trained runs whose end waits for their claim, and the memory they hold (their epochs
    /// and weights, and the data sets their claims hold): a worker whose run ends before its
    /// claim is made goes on to the next run meanwhile (see `reserveDeferral`). After a
    /// signal no claim is made: such runs count as not started, their training lost.
    private var deferred = (runs: 0, bytes: 0)
    private var jobs = 1
    /// When the latest plan started, less a millisecond (the store keeps whole milliseconds).
    private var planStarted = Date.distantPast
    private let thisProcess = TrainingProcess.current
    /// Workers that have not yet run out of runs.
    private var workersTraining = 0
    /// How many trained runs may wait for their claims, per job, and the memory they may
    /// hold (see `deferred`) beyond one per job. Claims wait for the writer's commits (up to
    /// some 50 ms), in which a worker trains dozens of short runs; but workers should not run
    /// far ahead of the claims, which skip runs already done and keep the last commits small.
    static let deferredRunsPerJob = 16
    static let deferredBytesLimit = 32 << 20

    public init(recorder: RunRecorder, progress: any ProgressReporter, interruption: InterruptionMonitor?) {
        self.recorder = recorder
        self.progress = progress
        self.interruption = interruption
    }

    /// The positions of `plan` that `shard` trains, in plan order.
    public static func positions(of plan: RunPlan, shard: RunIDSpace) -> StrideTo<Int> {
        stride(from: shard.index, to: plan.count, by: shard.count)
    }

    /// Trains this shard's runs of `plan`, `options.jobs` at a time, handing each result to
    /// `onResult` as it ends; after an interruption no further run starts.
    ///
    /// - Throws: The first error that stopped a run (a database failure, say) after every
    ///   run in flight was stopped and recorded.
    public func execute(
        _ plan: RunPlan, options: ExecutionOptions, onWaiting: (@Sendable (_ runs: Int) -> Void)? = nil,
        onResult: @escaping @Sendable (RunResult) -> Void
    ) throws -> ExecutionSummary {
        let positions = Self.positions(of: plan, shard: options.shard)
        let skipping = options.skipping.filter { $0 >= 0 && $0 < plan.count && $0 % options.shard.count == options.shard.index }
        // The runs to train: the progress display counts these.
        let total = positions.underestimatedCount - skipping.count
        lock.withLock {
            begin(positions.makeIterator(), skipping: skipping)
            summary = ExecutionSummary()
            lastClaimStarted = true
            heldElsewhere = []
            summary.listed = skipping.count
            (deferred, jobs) = ((0, 0), options.jobs)
            planStarted = Date().addingTimeInterval(-0.001)
        }
        let data = DataCache.loadingData()
        progress.planStarted(total: total)
        let workers = max(1, min(options.jobs, total))
        lock.withLock { workersTraining = workers }
        Self.onThreads(workers) { [self] in
            defer { workerDone(of: workers) }
            do {
                var next = try claimNext(of: plan, options: options, data: data)
                while let (job, claim) = next {
                    if let trained = try train(job, claim: claim, deferringTo: { try self.conclude($0, onResult: onResult) }) {
                        try conclude(trained, onResult: onResult)
                    }
                    next = try claimNext(of: plan, options: options, data: data)
                }
            } catch {
                stopPlan(because: error)
            }
        }
        // The ends of runs that finished before their claims were made come with the claims.
        claims.sync {}
        if lock.withLock({ failure == nil }) && !shouldStop {
            do {
                try trainRunsLeftElsewhere(of: plan, options: options, data: data, onWaiting: onWaiting, onResult: onResult)
            } catch {
                stopPlan(because: error)
            }
        }
        return try lock.withLock {
            if let failure { throw failure }
            var summary = summary
            summary.notStarted = total - summary.trained - summary.alreadyFinished - summary.inProgressElsewhere - summary.repeatedInPlan
            return summary
        }
    }

    /// The next run of the plan to train, with its claim asked for, or nil when none is left
    /// or runs should stop. Claims are made in the order asked, so runs are recorded in plan
    /// order whatever the jobs.
    ///
    /// When the latest claim made started its run and the next run's epochs are short (see
    /// `speculativeEpochWork`), that run trains while its claim is made on the claims queue
    /// (a claim can wait a few milliseconds for a group commit). Otherwise the worker waits
    /// for the claim, made after those asked before it: so a resumed sweep trains nothing it
    /// skips, and runs already done are counted and passed over here.
    private func claimNext(of plan: RunPlan, options: ExecutionOptions, data: DataCache) throws -> (TrainingJob, RunClaimTicket)? {
        try claiming.withLock {
            while let position = nextPosition() {
                let job: TrainingJob
                do {
                    job = try Self.job(at: position, of: plan, data: data)
                } catch {
                    // Before another worker takes the next position.
                    stopPlan(because: error)
                    throw error
                }
                let speculative = lock.withLock { lastClaimStarted } && Self.epochWork(of: job) <= Self.speculativeEpochWork
                let ticket = RunClaimTicket()
                lock.withLock { askedClaims.append((job, ticket, position)) }
                if speculative {
                    claims.async { [self] in makeClaims(options: options) }
                    return (job, ticket)
                }
                // On this thread, which waits anyway (rather than waking the queue's).
                claims.sync { makeClaims(options: options) }
                if try ticket.wait() != nil {
                    return (job, ticket)
                }
            }
            return nil
        }
    }

    /// The run at `position` of `plan`, ready to train, with where its spec comes from.
    private static func job(at position: Int, of plan: RunPlan, data: DataCache) throws -> TrainingJob {
        var job = try TrainingJob(spec: plan[position], data: try data.value(for: plan[position]))
        job.source = plan.source(at: position)
        return job
    }

    /// Roughly the multiply-adds of one epoch of `job`: forward and backward through the
    /// hidden layer for every training point.
    private static func epochWork(of job: TrainingJob) -> Int {
        let perPoint = (job.training.dimension + 3).multipliedReportingOverflow(by: job.spec.model.hiddenUnits)
        let total = perPoint.partialValue.multipliedReportingOverflow(by: job.training.count)
        return perPoint.overflow || total.overflow ? .max : total.partialValue
    }

    /// Makes every claim asked for and not yet made, in the order asked, those that waited
    /// together in one transaction when their data is small (see `nextClaimBatch`), and settles
    /// their tickets; once runs should stop (`shouldStop`), settles them unclaimed (nil), so
    /// that their runs stay unstarted. A claim's error stops the plan at once.
    private func makeClaims(options: ExecutionOptions) {
        while let asked = nextClaimBatch() {
            makeClaims(asked, options: options)
        }
    }

    /// The claims asked for that the next transaction makes, oldest first, nil when none
    /// waits (see `claimBatchSize`).
    private func nextClaimBatch() -> [AskedClaim]? {
        lock.withLock {
            guard !askedClaims.isEmpty else { return nil }
            let count = Self.claimBatchSize(of: askedClaims.lazy.map(\.job))
            defer { askedClaims.removeFirst(count) }
            return Array(askedClaims.prefix(count))
        }
    }

    /// How many of `jobs`, claims asked for oldest first, one transaction makes: as many as
    /// store at most `batchPointLimit` points between them (at least one). A claim may store
    /// its data sets, a hundred bytes a point, while it holds the write lock; the store keeps
    /// each distinct set once, and none over `storedPointLimit`, so only those points count.
    static func claimBatchSize(of jobs: some Sequence<TrainingJob>) -> Int {
        var (count, points) = (0, 0)
        var counted: [DataSettings] = []
        for job in jobs {
            if !counted.contains(job.spec.data) {
                counted.append(job.spec.data)
                points += [job.training, job.validation].reduce(0) { sum, data in
                    sum + (data.map { $0.count <= storedPointLimit ? $0.count : 0 } ?? 0)
                }
            }
            if count > 0 && points > batchPointLimit { break }
            count += 1
        }
        return count
    }

    /// The most data points that one batch of claims may store.
    static let batchPointLimit = 20_000

    /// Makes `asked` in one transaction and settles their tickets (see `makeClaims(options:)`).
    private func makeClaims(_ asked: [AskedClaim], options: ExecutionOptions) {
        let outcomes: [Result<RunIdentity?, any Error>]
        if shouldStop {
            outcomes = asked.map { _ in .success(nil) }
        } else {
            do {
                let made = try recorder.claim(asked.map { newRun(for: $0.job) }, rerun: options.rerun, ids: options.shard)
                outcomes = made.map { .success(count($0)) }
                for (claim, made) in zip(asked, made) {
                    if case .inProgress(_, let process) = made, process != thisProcess {
                        lock.withLock { heldElsewhere.append(claim.position) }
                    }
                }
            } catch {
                stopPlan(because: error)
                outcomes = asked.map { _ in .failure(error) }
            }
        }
        for (claim, outcome) in zip(asked, outcomes) {
            claim.ticket.settle(outcome)
        }
    }

    /// How often `trainRunsLeftElsewhere` claims again the runs it waits for: soon at first
    /// (processes sharing a sweep wait for each other's last runs), then every 2 s.
    static func heldElsewherePollInterval(afterRound round: Int) -> TimeInterval {
        min(2, 0.05 * Double(1 << min(round, 6)))
    }

    /// How long `trainRunsLeftElsewhere` waits before it says so.
    static let heldElsewhereQuietWait: TimeInterval = 1

    /// Claims again the runs of this plan that another live process was training when their
    /// turn came: at once, then after `heldElsewherePollInterval(afterRound:)`, until each has
    /// ended there or is found abandoned (its process gone: at once on this host, after 10
    /// minutes without a heartbeat from another) and is then trained here; `onWaiting` is
    /// told how many it waits for once it has waited `heldElsewhereQuietWait`. So a plan ends
    /// with every run finished, even when that process was killed without a word: a Slurm
    /// task resubmitted on another node finds its predecessor's run `running`. A signal or a
    /// failed write ends the wait; the runs still held stay counted in `inProgressElsewhere`.
    private func trainRunsLeftElsewhere(
        of plan: RunPlan, options: ExecutionOptions, data: DataCache,
        onWaiting: (@Sendable (Int) -> Void)?, onResult: @escaping @Sendable (RunResult) -> Void
    ) throws {
        var waiting = lock.withLock { heldElsewhere }
        guard !waiting.isEmpty else { return }
        // The workers are done: commits need not hurry while this waits.
        recorder.commitPromptly(false)
        var (rounds, announced) = (0, false)
        let began = Date()
        while !waiting.isEmpty {
            if rounds > 0 {
                if !announced && Date().timeIntervalSince(began) >= Self.heldElsewhereQuietWait {
                    onWaiting?(waiting.count)
                    announced = true
                }
                let due = Date().addingTimeInterval(Self.heldElsewherePollInterval(afterRound: rounds))
                while Date() < due && !shouldStop { Thread.sleep(forTimeInterval: 0.01) }
            }
            if shouldStop {
                if interruption?.signalReceived == nil, let failure = recorder.failure { throw failure }
                return
            }
            var still: [Int] = []
            // In batches, so that a long wait list (processes sharing a large sweep) never
            // makes one long transaction or holds many jobs.
            for start in stride(from: 0, to: waiting.count, by: 64) {
                // After a signal no claim is made: the runs still held stay counted as such.
                guard !shouldStop else {
                    still += waiting[start...]
                    break
                }
                let batch = Array(waiting[start..<min(waiting.count, start + 64)])
                let jobs = try batch.map { try Self.job(at: $0, of: plan, data: data) }
                let claims = try recorder.claim(jobs.map(newRun(for:)), rerun: false, ids: options.shard)
                var claimed: [(TrainingJob, RunIdentity)] = []
                for (position, (job, claim)) in zip(batch, zip(jobs, claims)) {
                    switch claim {
                    case .inProgress(_, let process) where process != thisProcess:
                        still.append(position)
                    case .started(let identity):
                        lock.withLock { summary.inProgressElsewhere -= 1 }
                        claimed.append((job, identity))
                    case .inProgress, .finished(_, thisProcess, _):
                        // The same experiment given twice in the plan, its first copy trained here.
                        lock.withLock { (summary.inProgressElsewhere, summary.repeatedInPlan) = (summary.inProgressElsewhere - 1, summary.repeatedInPlan + 1) }
                        progress.runSkipped()
                    case .finished:
                        progress.runSkipped()
                    }
                }
                // A dead process on another host held as many runs as it trained at once.
                try train(claimed: claimed, jobs: options.jobs, onResult: onResult)
            }
            waiting = still
            rounds += 1
        }
    }

    /// Trains `runs`, claimed already, `jobs` at a time, and ends each; a run's error stops
    /// the others after their epoch and is thrown. Once runs should stop, those not started
    /// are ended at once, without an epoch, so that none is left `running` (unless its end
    /// cannot be written, and then the recorder marks it failed).
    private func train(claimed runs: [(TrainingJob, RunIdentity)], jobs: Int, onResult: @escaping @Sendable (RunResult) -> Void) throws {
        guard !runs.isEmpty else { return }
        lock.withLock { lateRuns = runs[...] }
        Self.onThreads(min(jobs, runs.count)) { [self] in
            do {
                while let (job, identity) = lock.withLock({ lateRuns.popFirst() }) {
                    if shouldStop {
                        // Claimed, not started: ended at once rather than after an epoch.
                        let (outcome, now) = (stoppedOutcome(of: identity.id), Date())
                        let result = RunResult(
                            identity: identity, name: job.spec.runName, status: outcome.status, epochsCompleted: 0,
                            finalEpoch: nil, divergedAtEpoch: nil, seconds: 0)
                        try conclude(TrainedRun(result: result, outcome: outcome, metrics: nil, weights: [], began: now, ended: now), onResult: onResult)
                    } else if let trained = try train(job, claim: RunClaimTicket(identity)) {
                        try conclude(trained, onResult: onResult)
                    }
                }
            } catch {
                stopPlan(because: error)
            }
        }
        lock.withLock { lateRuns = [] }
        if let failure = otherRunFailure { throw failure }
    }

    /// Runs `body` on `count` threads of its own, with stacks large enough for the kernel's
    /// buffers, and returns once every one has returned.
    private static func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        let finished = DispatchGroup()
        for _ in 0..<count {
            finished.enter()
            let thread = Thread {
                body()
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
    }

    /// Counts a worker that has no run left. While others still train and the workers fit
    /// the cores, the writer may use the core it frees: it commits promptly from now on, so
    /// that little is left to commit once the last run ends.
    private func workerDone(of workers: Int) {
        let othersTraining = lock.withLock {
            workersTraining -= 1
            return workersTraining > 0
        }
        if othersTraining && workers <= ProcessorAffinity.availableCores {
            recorder.commitPromptly()
        }
    }

    /// Starts handing out `positions`, passing over `skipping`, with no failure yet; call it holding `lock`.
    private func begin(_ positions: StrideToIterator<Int>, skipping: Set<Int>) {
        pending = positions
        self.skipping = skipping
        failure = nil
        failed.store(false, ordering: .releasing)
    }

    /// Keeps `error` as the one that stopped the plan, unless another came first: no further
    /// run starts, and the runs in flight stop after their epoch.
    private func stopPlan(because error: any Error) {
        lock.withLock {
            guard failure == nil else { return }
            failure = error
            failed.store(true, ordering: .releasing)
        }
    }

    /// The next position to train, or nil when none is left or runs should stop; those
    /// `skipping` lists are passed over.
    private func nextPosition() -> Int? {
        guard !shouldStop else { return nil }
        return lock.withLock {
            while let position = pending?.next() {
                if !skipping.contains(position) { return position }
            }
            return nil
        }
    }

    /// Trains one prepared run and records it, claiming it first unless `rerun`; returns once
    /// the run is written.
    ///
    /// - Returns: Its result, or nil when it was skipped (see `RunRecorder.claim`).
    public func execute(_ job: TrainingJob, rerun: Bool = true, ids: RunIDSpace = .all) throws -> RunResult? {
        guard let identity = count(try recorder.claim(newRun(for: job), rerun: rerun, ids: ids)),
              let trained = try train(job, claim: RunClaimTicket(identity))
        else { return nil }
        try record(trained)
        // Another run's end that could not be written is that run's worker's to report.
        try recorder.flush(run: identity.id)
        lock.withLock { summary.trained += 1 }
        return trained.result
    }

    /// Trains `jobs`, prepared runs (reruns, say), `workers` at a time, each as
    /// `execute(_:rerun:ids:)` does with `rerun`, and hands each result with its job's index
    /// to `onResult` once the run is written; after a signal or a failure no further run
    /// starts.
    ///
    /// - Throws: The first error that stopped a run, or that `onResult` threw.
    public func execute(
        _ jobs: [TrainingJob], workers: Int, onResult: @escaping @Sendable (_ index: Int, RunResult) throws -> Void
    ) throws {
        lock.withLock { begin(stride(from: 0, to: jobs.count, by: 1).makeIterator(), skipping: []) }
        Self.onThreads(max(1, min(workers, jobs.count))) { [self] in
            while let index = nextPosition() {
                do {
                    if let result = try execute(jobs[index]) { try onResult(index, result) }
                } catch {
                    stopPlan(because: error)
                }
            }
        }
        if let failure = otherRunFailure { throw failure }
    }

    /// The run `claim` started, or nil, counted, when it skipped it.
    private func count(_ claim: RunClaim) -> RunIdentity? {
        switch claim {
        case .finished(_, let process, let startedAt) where startedAt >= lock.withLock({ planStarted }) && process == thisProcess:
            // Finished since this plan started, by this process: a spec given twice, its first copy already done.
            lock.withLock { (summary.repeatedInPlan, lastClaimStarted) = (summary.repeatedInPlan + 1, false) }
        case .finished:
            lock.withLock { (summary.alreadyFinished, lastClaimStarted) = (summary.alreadyFinished + 1, false) }
        case .inProgress(_, let process) where process == thisProcess:
            lock.withLock { (summary.repeatedInPlan, lastClaimStarted) = (summary.repeatedInPlan + 1, false) }
        case .inProgress:
            // Shown as skipped once it has ended there (see `trainRunsLeftElsewhere`).
            lock.withLock { (summary.inProgressElsewhere, lastClaimStarted) = (summary.inProgressElsewhere + 1, false) }
            return nil
        case .started(let identity):
            lock.withLock { lastClaimStarted = true }
            return identity
        }
        progress.runSkipped()
        return nil
    }

    /// A run trained to its end, the end not yet queued for the store.
    private struct TrainedRun {
        var result: RunResult
        var outcome: RunOutcome
        var metrics: FinalMetrics?
        var weights: [WeightTensor]
        var began: Date
        var ended: Date
    }

    /// Trains a run while `claim` is made (if it is not in yet), its epochs queued for the
    /// store as they end (those that end before the claim is in, once it is); nil when the
    /// run was not claimed (skipped, or runs stopped first), whose training then stopped and
    /// is not recorded.
    ///
    /// With `deferringTo`, a run whose training ends before its claim is made does not wait
    /// for it (unless too many wait already, see `reserveDeferral`): the claims queue hands
    /// the trained run to `deferringTo` once the claim is made, and this returns nil at once.
    ///
    /// - Throws: The claim's error.
    private func train(
        _ job: TrainingJob, claim: RunClaimTicket, deferringTo: (@Sendable (TrainedRun) throws -> Void)? = nil
    ) throws -> TrainedRun? {
        let spec = job.spec
        let clock = ContinuousClock()
        let (began, beganDate) = (clock.now, Date())
        func elapsed() -> Double {
            let duration = clock.now - began
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        var identity: RunIdentity?
        var unclaimed = false
        /// The epochs that ended before the claim was in, for the store and for the progress display.
        var early: [EpochRecord] = []
        var earlyReports: [EpochReport] = []
        /// Takes the claim's outcome: the run starts for the store with its early epochs, or
        /// it was not claimed.
        func adopt(_ claimed: RunIdentity?) {
            guard let claimed else {
                unclaimed = true
                return
            }
            identity = claimed
            progress.runStarted(RunProgress(shortID: claimed.shortID, name: spec.runName, epochs: spec.training.epochs))
            recorder.record(contentsOf: early.map { epoch in
                var epoch = epoch
                epoch.runID = claimed.id
                return epoch
            })
            if !earlyReports.isEmpty { progress.epochsFinished(earlyReports, of: claimed.shortID) }
            (early, earlyReports) = ([], [])
        }
        /// The claimed run's epochs not yet handed to the recorder and the progress display,
        /// and when (in `elapsed()`) a group was last handed over (see `epochGroupSize`).
        var group: [EpochRecord] = []
        var groupReports: [EpochReport] = []
        var groupHandedAt = 0.0
        func handOverGroup() {
            guard let identity, !group.isEmpty else { return }
            recorder.record(contentsOf: group)
            progress.epochsFinished(groupReports, of: identity.shortID)
            group.removeAll(keepingCapacity: true)
            groupReports.removeAll(keepingCapacity: true)
            groupHandedAt = elapsed()
        }
        if let outcome = claim.outcome {
            adopt(try outcome.get())
            if unclaimed { return nil }
        }
        let earlyLimit = min(Self.epochsBeforeClaim, max(1, Self.workBeforeClaim / max(1, Self.epochWork(of: job))))
        let result = try job.train { report in
            if identity == nil {
                if early.count >= earlyLimit {
                    adopt(try claim.wait())
                } else if let outcome = claim.outcome {
                    adopt(try outcome.get())
                }
                if unclaimed { return .stop }
            }
            let seconds = elapsed()
            let epoch = EpochRecord(
                runID: identity?.id ?? "", epoch: report.epoch,
                trainLoss: report.training.loss, trainAccuracy: report.training.accuracy,
                validationLoss: report.validation?.loss, validationAccuracy: report.validation?.accuracy,
                elapsedSeconds: seconds)
            if identity != nil {
                group.append(epoch)
                groupReports.append(report)
                if group.count >= Self.epochGroupSize || seconds - groupHandedAt >= Self.epochGroupInterval {
                    handOverGroup()
                }
            } else {
                early.append(epoch)
                earlyReports.append(report)
            }
            return shouldStop ? .stop : .proceed
        }
        // Before the run's end is queued, which must follow its epochs. (Only a claim throws,
        // before the run has epochs of its own here.)
        handOverGroup()
        let (seconds, ended) = (elapsed(), Date())
        /// The trained run, once claimed as `identity`.
        func trained(as identity: RunIdentity) -> TrainedRun {
            let outcome: RunOutcome = switch result.outcome {
            case .completed: .completed
            case .stopped: stoppedOutcome(of: identity.id)
            case .diverged(let epoch): .diverged(atEpoch: epoch)
            }
            let last = result.lastEpoch
            let divergedAt: Int? = if case .diverged(let epoch) = result.outcome { epoch } else { nil }
            return TrainedRun(
                result: RunResult(
                    identity: identity, name: spec.runName, status: outcome.status, epochsCompleted: result.epochCount,
                    finalEpoch: last, divergedAtEpoch: divergedAt, seconds: seconds),
                outcome: outcome,
                metrics: last.map {
                    FinalMetrics(trainLoss: $0.training.loss, trainAccuracy: $0.training.accuracy,
                                 validationLoss: $0.validation?.loss, validationAccuracy: $0.validation?.accuracy)
                },
                weights: result.parameters.tensors.map(WeightTensor.init),
                began: beganDate, ended: ended)
        }
        if identity == nil && !unclaimed {
            let bytes = Self.bytesWaiting(job, epochs: early.count, weights: result.parameters)
            if let deferringTo, reserveDeferral(bytes: bytes) {
                let waiting = claim.whenSettled { [self] outcome in
                    defer { releaseDeferral(bytes: bytes) }
                    do {
                        adopt(try outcome.get())
                        if let identity { try deferringTo(trained(as: identity)) }
                    } catch {
                        stopPlan(because: error)
                    }
                }
                if waiting { return nil }
                releaseDeferral(bytes: bytes)
            }
            adopt(try claim.wait())
        }
        guard let identity else { return nil }
        return trained(as: identity)
    }

    /// Counts a trained run, reports it, and queues its end for the store.
    private func conclude(_ trained: TrainedRun, onResult: @Sendable (RunResult) -> Void) throws {
        lock.withLock {
            summary.trained += 1
            if trained.result.status == .interrupted { summary.interrupted += 1 }
        }
        // Reported first: a closed output (SIGPIPE) then stops the plan before another run is claimed.
        progress.runFinished(trained.result.identity.shortID) { onResult(trained.result) }
        try record(trained)
    }

    /// The memory a trained run of `job` holds while it waits for its claim: its `epochs`, its
    /// final `weights`, and the job's data sets, which its claim holds until it is made.
    static func bytesWaiting(_ job: TrainingJob, epochs: Int, weights: Parameters) -> Int {
        let values = [job.training, job.validation].compactMap { $0 }.reduce(0) { $0 + $1.features.count + $1.labels.count }
            + weights.tensors.reduce(0) { $0 + $1.values.count }
        return epochs * (MemoryLayout<EpochRecord>.stride + MemoryLayout<EpochReport>.stride) + values * MemoryLayout<Double>.stride
    }

    /// Lets a trained run holding `bytes` wait for its claim while its worker goes on: as
    /// long as fewer than `jobs` runs wait, or fewer than `deferredRunsPerJob` per job holding
    /// at most `deferredBytesLimit` with it; false otherwise (the worker then waits itself).
    private func reserveDeferral(bytes: Int) -> Bool {
        lock.withLock {
            let room = deferred.runs < jobs * Self.deferredRunsPerJob && deferred.bytes + bytes <= Self.deferredBytesLimit
            guard deferred.runs < jobs || room else { return false }
            deferred = (deferred.runs + 1, deferred.bytes + bytes)
            return true
        }
    }

    private func releaseDeferral(bytes: Int) {
        lock.withLock { deferred = (deferred.runs - 1, deferred.bytes - bytes) }
    }

    /// Queues the end of a trained run (weights, status, final metrics) for the store.
    private func record(_ trained: TrainedRun) throws {
        try recorder.finish(
            id: trained.result.identity.id, outcome: trained.outcome, metrics: trained.metrics, weights: trained.weights, at: trained.ended, trainingBegan: trained.began)
    }

    /// How a run stopped early ends: failed when its writes were refused, else interrupted,
    /// by the signal or by another run's failure.
    private func stoppedOutcome(of runID: String) -> RunOutcome {
        recorder.writeFailure(of: runID).map { .failed(message: $0) }
            ?? .interrupted(reason: interruption?.reason ?? otherRunFailure.map { "stopped because another run failed: \($0)" })
    }

    /// Whether runs in flight should stop after their epoch, and no further run start: a
    /// signal, another run's failure, or a database that refuses writes (such a run is
    /// recorded `failed`).
    private var shouldStop: Bool {
        interruption?.signalReceived != nil || failed.load(ordering: .acquiring) || recorder.isFailing
    }

    /// The error that stopped another run, if one did.
    private var otherRunFailure: (any Error)? {
        lock.withLock { failure }
    }

    private func newRun(for job: TrainingJob) -> NewRun {
        let key = job.spec.hyperparameters
        return NewRun(
            name: job.spec.runName, groupName: job.spec.group, specJSON: job.spec.canonicalJSON,
            hyperparameters: Hyperparameters(
                hiddenUnits: key.hiddenUnits, learningRate: key.learningRate, epochs: key.epochs,
                seed: Int(key.seed), dataset: key.dataSet, inputDimension: job.training.dimension,
                batchSize: key.batchSize, weightDecay: key.weightDecay, visitOrder: key.order,
                initialization: key.initialization, trainSize: job.training.count,
                validationSize: job.validation?.count ?? 0),
            programVersion: RunnerVersion.current,
            trainingData: Self.stored(job.training), validationData: job.validation.flatMap(Self.stored),
            specSource: job.source)
    }
}

/// The claim of one run, made on the executor's claims queue while the run trains.
private final class RunClaimTicket: @unchecked Sendable {
    private let condition = NSCondition()
    private var settled: Result<RunIdentity?, any Error>?
    /// What to do once settled, for a run that ended training before (see `whenSettled`).
    private var onSettled: ((Result<RunIdentity?, any Error>) -> Void)?

    /// A ticket to be settled by the claims queue.
    init() {}

    /// A ticket for a run already claimed.
    init(_ identity: RunIdentity) {
        settled = .success(identity)
    }

    /// Settles the claim: the run's ids, nil when it was not claimed (skipped, or runs
    /// stopped first), or the error that stopped it.
    func settle(_ outcome: Result<RunIdentity?, any Error>) {
        let body = condition.withLock {
            settled = outcome
            condition.broadcast()
            return onSettled.take()
        }
        body?(outcome)
    }

    /// Has `body` called with the claim's outcome when it is settled, on the thread that
    /// settles it; false, and `body` is not kept, when it is settled already.
    func whenSettled(_ body: @escaping (Result<RunIdentity?, any Error>) -> Void) -> Bool {
        condition.withLock {
            guard settled == nil else { return false }
            onSettled = body
            return true
        }
    }

    /// The claim's outcome once it is made, without waiting.
    var outcome: Result<RunIdentity?, any Error>? {
        condition.withLock { settled }
    }

    /// Waits for the claim: the run's ids, or nil when it was not claimed.
    func wait() throws -> RunIdentity? {
        try condition.withLock {
            while settled == nil { condition.wait() }
            return try settled!.get()
        }
    }
}

extension StoredDataset {
    /// The store's form of one of the core's data sets.
    init(_ data: Dataset) {
        self.init(dimension: data.dimension, features: data.features, labels: data.labels)
    }
}

extension WeightTensor {
    /// The store's form of one of the core's tensors.
    init(_ tensor: Tensor) {
        let shape = tensor.name == "Wi" ? [tensor.rows, tensor.columns] : tensor.name == "bo" ? [] : [tensor.rows]
        self.init(name: TensorName(rawValue: tensor.name)!, shape: shape, values: tensor.values)
    }
}
