import Foundation
import GRDB
import GRDBSQLite
import CSQLiteSwitches

/// SQLite copies the bound text before `sqlite3_bind_text` returns.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Binds `text` to parameter `index` of `statement`.
private func bindText(_ statement: SQLiteStatement, _ index: Int32, _ text: String) {
    _ = text.withCString { sqlite3_bind_text(statement, index, $0, -1, SQLITE_TRANSIENT) }
}

/// Binds `value` to parameter `index` of `statement`; nil and NaN, which SQLite cannot store, as NULL.
private func bindReal(_ statement: SQLiteStatement, _ index: Int32, _ value: Double?) {
    if let value, !value.isNaN { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
}

/// Epochs waiting in a connection's temporary table `staged_epochs` (see `ExperimentStore.stage`).
struct StagedEpochs {
    /// How many there are.
    let count: Int
    /// What they do to each run's `converged_at_epoch`, in the order of the runs' first epochs.
    let convergence: [(runID: String, change: ConvergenceChange)]

    init(_ epochs: [EpochRecord]) {
        count = epochs.count
        var order: [String] = []
        var changes: [String: ConvergenceChange] = [:]
        for epoch in epochs {
            if changes[epoch.runID] == nil { order.append(epoch.runID) }
            changes[epoch.runID, default: ConvergenceChange()].follow(epoch)
        }
        convergence = order.map { ($0, changes[$0]!) }
    }
}

/// What a run's new epochs, in order, do to its `converged_at_epoch`, as 0004's trigger sets
/// it epoch by epoch: an epoch with every training point right keeps an earlier value or sets
/// its own number, any other epoch clears it.
struct ConvergenceChange {
    /// The first epoch of the last run of epochs without a training error; nil when the last epoch has one.
    private var streakStart: Int?
    /// Whether every epoch so far was without error, so that an earlier value is kept.
    private var noErrorYet = true

    mutating func follow(_ epoch: EpochRecord) {
        if epoch.trainAccuracy == 1 {
            streakStart = streakStart ?? epoch.epoch
        } else {
            (streakStart, noErrorYet) = (nil, false)
        }
    }

    /// The value after these epochs when it was `stored` before them.
    func applied(to stored: Int?) -> Int? {
        guard let streakStart else { return nil }
        return noErrorYet ? stored ?? streakStart : streakStart
    }
}

/// A multi-row `INSERT` into `columns` of `table`: its SQL for each number of rows in `sizes`.
private struct RowInsert: Sendable {
    /// Rows per statement: a batch takes as many of the largest size as fit, then of the next.
    static let sizes = [64, 8, 1]
    let columnCount: Int
    /// The statement for each of `sizes`.
    let sql: [String]

    init(table: String, columns: [String]) {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        columnCount = columns.count
        sql = Self.sizes.map { rows in
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(Array(repeating: row, count: rows).joined(separator: ", "))"
        }
    }
}

extension ExperimentStore {
    /// Inserts a new run with status `running` and returns its ids.
    ///
    /// The id is a random lowercase UUID whose first 8 characters are unused by other runs.
    /// `created_at` is unique and increasing in a database: a run started within the same
    /// millisecond as the newest one is stamped 1 ms after it, so ordering by `created_at`
    /// is insertion order even for the fast runs of a sweep.
    @discardableResult
    public func startRun(_ run: NewRun, at requestedDate: Date = Date(), ids: RunIDSpace = .all) throws(StoreError) -> RunIdentity {
        try startRuns([run], at: requestedDate, ids: ids)[0]
    }

    /// Inserts each of `runs` as `startRun` does, in order and in one write transaction.
    public func startRuns(_ runs: [NewRun], at requestedDate: Date = Date(), ids: RunIDSpace = .all) throws(StoreError) -> [RunIdentity] {
        let data = try prepareData(of: runs)
        return try write { db in
            try zip(runs, data).map { run, data in try insert(run, data: data, at: requestedDate, ids: ids, db) }
        }
    }

    /// Starts `run` unless the same experiment — the same resolved spec on the same points —
    /// already finished in this database (`completed` or `diverged`: training is
    /// deterministic, so it would end the same way) or is being trained right now by a live
    /// process. The check and the insert are one write transaction, so processes sharing a
    /// database and a sweep train each experiment once.
    ///
    /// A `running` row of the same experiment whose process is gone is marked abandoned first
    /// (it stays as history, like interrupted and failed runs, which are trained again).
    public func claimRun(_ run: NewRun, at requestedDate: Date = Date(), ids: RunIDSpace = .all) throws(StoreError) -> RunClaim {
        try claimRuns([run], at: requestedDate, ids: ids)[0]
    }

    /// Claims each of `runs` as `claimRun` does, in order and in one write transaction, so
    /// that claims that waited for the lock together share a commit. Each run is checked
    /// against those before it: the second of two identical runs is in progress in this process.
    public func claimRuns(_ runs: [NewRun], at requestedDate: Date = Date(), ids: RunIDSpace = .all) throws(StoreError) -> [RunClaim] {
        let data = try prepareData(of: runs)
        return try write { db in
            try zip(runs, data).map { run, data in try claim(run, data: data, at: requestedDate, ids: ids, db) }
        }
    }

    /// `claimRun` inside the caller's transaction.
    private func claim(
        _ run: NewRun, data: (training: PreparedDataset?, validation: PreparedDataset?),
        at requestedDate: Date, ids: RunIDSpace, _ db: Database
    ) throws -> RunClaim {
        let rows = try Row.fetchAll(db.cachedStatement(sql: Self.sameExperimentQuery),
                                    arguments: [sha256Hex(run.specJSON), data.training?.id, data.validation?.id])
        for row in rows {
            let identity = RunIdentity(id: row["id"], shortID: row["short_id"])
            guard row["status"] as String == RunStatus.running.rawValue else {
                return .finished(identity, TrainingProcess(runRow: row), startedAt: Timestamp.date(from: row["started_at"]) ?? .distantPast)
            }
            if let reason = Self.abandonment(of: row, heartbeatTimeout: 600, now: requestedDate) {
                _ = try end(identity.id, as: .interrupted, reason: reason, at: requestedDate, db)
            } else {
                // A row whose process cannot be read is abandoned.
                return .inProgress(identity, TrainingProcess(runRow: row)!)
            }
        }
        return .started(try insert(run, data: data, at: requestedDate, ids: ids, db))
    }

    /// The runs of one experiment (spec hash, training and validation data ids) that a claim
    /// must not repeat, completed ones first. It searches `runs_by_spec_hash`: the unary +
    /// keeps SQLite from choosing the index on the data instead, which every run of a sweep
    /// shares, so that each claim read all of them (10,000 runs took 55 s instead of 10).
    static let sameExperimentQuery = """
        SELECT id, short_id, status, host, pid, pid_namespace, started_at, heartbeat_at FROM runs
        WHERE spec_hash = ? AND +training_data_id IS ? AND +validation_data_id IS ?
          AND status IN ('completed', 'diverged', 'running')
        ORDER BY status <> 'completed', created_at
        """

    private func prepareData(of runs: [NewRun]) throws(StoreError) -> [(training: PreparedDataset?, validation: PreparedDataset?)] {
        var data: [(training: PreparedDataset?, validation: PreparedDataset?)] = []
        for run in runs {
            data.append((try run.trainingData.map(preparedDatasets.prepared), try run.validationData.map(preparedDatasets.prepared)))
        }
        return data
    }

    private func insert(
        _ run: NewRun, data: (training: PreparedDataset?, validation: PreparedDataset?),
        at requestedDate: Date, ids: RunIDSpace, _ db: Database
    ) throws -> RunIdentity {
        var date = requestedDate
        if let newest = try String.fetchOne(db.cachedStatement(sql: "SELECT max(created_at) FROM runs")).flatMap(Timestamp.date(from:)),
           Timestamp.string(from: date) <= Timestamp.string(from: newest) {
            date = newest.addingTimeInterval(0.0015)  // lands in the next millisecond whatever the rounding
        }
        var (id, draws) = ("", 0)
        repeat {
            // A shard of n has 2^32 / n short ids: a small class can fill up.
            guard draws < 1_000 else {
                throw StoreError.database(path: path, message: "no short id of shard \(ids.index)/\(ids.count) is free after 1,000 draws; train this shard into another database")
            }
            (id, draws) = (ids.randomID(), draws + 1)
        } while try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE short_id = ?)"), arguments: [String(id.prefix(8))])!
        let record = Run(
            id: id, shortID: String(id.prefix(8)), name: run.name, groupName: run.groupName,
            status: .running, createdAt: date, startedAt: date, finishedAt: nil, heartbeatAt: date,
            specJSON: run.specJSON, specHash: sha256Hex(run.specJSON),
            hyperparameters: run.hyperparameters,
            finalTrainLoss: nil, finalTrainAccuracy: nil, finalValidationLoss: nil, finalValidationAccuracy: nil,
            divergedAtEpoch: nil, errorMessage: nil,
            programVersion: run.programVersion, host: run.process.host, pid: Int64(run.process.pid), pidNamespace: run.process.pidNamespace,
            trainingDataID: try data.training.map { try insert($0, db) },
            validationDataID: try data.validation.map { try insert($0, db) },
            specSourceID: try run.specSource.map { try insert($0, db) }, note: nil)
        try record.insert(db)
        return RunIdentity(id: record.id, shortID: record.shortID)
    }

    /// Commits one epoch's metrics at once (so an interrupted run keeps every finished epoch)
    /// and refreshes the run's heartbeat.
    public func recordEpoch(_ epoch: EpochRecord, at date: Date = Date()) throws(StoreError) {
        try write { db in
            try insert([epoch], db)
            try touch([epoch.runID], at: date, db)
        }
    }

    /// Tells readers the run's process is still alive; call it from a timer during long epochs.
    public func heartbeat(runID: String, at date: Date = Date()) throws(StoreError) {
        try write { db in try touch([runID], at: date, db) }
    }

    /// Inserts epoch rows with the schema's triggers (see `insertRows`).
    func insert(_ epochs: [EpochRecord], _ db: Database) throws {
        try insertRows(epochs, into: Self.epochInsert, db)
    }

    /// Copies `epochs` into this connection's temporary table `staged_epochs`, replacing what
    /// it held, without taking the database's write lock: `insert(_:_:)` then moves them into
    /// `epochs` in a write transaction that does little more than SQLite's own insert work.
    func stage(_ epochs: [EpochRecord]) throws(StoreError) -> StagedEpochs {
        try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                // Created once: GRDB empties its statement cache after any CREATE, even one that does nothing.
                if try !Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM sqlite_temp_schema WHERE name = 'staged_epochs')"))! {
                    try db.execute(sql: """
                        CREATE TEMP TABLE staged_epochs (
                            run_id TEXT, epoch INTEGER, train_loss REAL, train_accuracy REAL,
                            validation_loss REAL, validation_accuracy REAL, elapsed_seconds REAL)
                        """)
                }
                try db.cachedStatement(sql: "DELETE FROM temp.staged_epochs").execute()
                try insertRows(epochs, into: Self.stagedEpochInsert, db)
            }
        }
        return StagedEpochs(epochs)
    }

    /// Copies staged epochs into `epochs`, in the order they were given (the next `stage`
    /// empties the stage, outside the transaction).
    ///
    /// The schema's triggers on new epochs (0004's `epochs_track_convergence` and 0007's
    /// `epochs_insert_drops_summary`) cost as much per row as the insert itself, and their work
    /// for a run is the same whatever the number of its new epochs. So for a large batch, while
    /// they are the only triggers on `epochs` (no one added their own, which must fire), the
    /// rows go in with triggers off and their work is done once per run: `converged_at_epoch`
    /// is set as the trigger would leave it, and the run's summary is dropped. (Switching
    /// triggers makes SQLite compile the connection's statements again: not worth it for a
    /// few hundred rows.)
    ///
    /// Every run of the batch must exist, as the foreign key on `epochs.run_id` requires: it is
    /// checked here once per run, so that the recorder can commit with SQLite's per-row checks
    /// off; a missing run fails the insert as the foreign key would.
    func insert(_ staged: StagedEpochs, _ db: Database) throws {
        guard staged.count > 0 else { return }
        let runIDs = staged.convergence.map(\.runID)
        let existing = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) FROM runs WHERE id IN (SELECT value FROM json_each(?))"), arguments: [jsonText(runIDs)])
        guard existing == runIDs.count else {
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT_FOREIGNKEY, message: "FOREIGN KEY constraint failed")
        }
        let move = try db.cachedStatement(sql: "INSERT INTO epochs SELECT * FROM temp.staged_epochs ORDER BY rowid")
        if staged.count >= 1_000, try Self.epochTriggers(db) == Self.schemaEpochTriggers {
            try withTriggers(enabled: false, db) { try move.execute() }
            for (runID, change) in staged.convergence {
                let stored = try Int.fetchOne(db.cachedStatement(sql: "SELECT converged_at_epoch FROM runs WHERE id = ?"), arguments: [runID])
                let converged = change.applied(to: stored)
                if converged != stored {
                    try db.cachedStatement(sql: "UPDATE runs SET converged_at_epoch = ? WHERE id = ?").execute(arguments: [converged, runID])
                }
                try db.cachedStatement(sql: "DELETE FROM run_epoch_summaries WHERE run_id = ?").execute(arguments: [runID])
            }
        } else {
            try move.execute()
        }
    }

    /// The triggers the migrations put on `epochs`.
    static let schemaEpochTriggers = [
        "epochs_delete_drops_summary", "epochs_insert_drops_summary", "epochs_track_convergence", "epochs_update_drops_summary",
    ]

    /// The names of the triggers on `epochs`, temporary ones included, sorted.
    static func epochTriggers(_ db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'epochs'
            UNION ALL SELECT name FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = 'epochs'
            ORDER BY name
            """))
    }

    /// Runs `body` with the connection's triggers off unless `enabled` (they are on otherwise).
    func withTriggers<T>(enabled: Bool, _ db: Database, _ body: () throws -> T) rethrows -> T {
        guard !enabled else { return try body() }
        runner_sqlite3_set_triggers_enabled(db.sqliteConnection, 0)
        defer { runner_sqlite3_set_triggers_enabled(db.sqliteConnection, 1) }
        return try body()
    }

    private static let epochColumns = [
        "run_id", "epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "elapsed_seconds",
    ]
    private static let epochInsert = RowInsert(table: "epochs", columns: epochColumns)
    private static let stagedEpochInsert = RowInsert(table: "temp.staged_epochs", columns: epochColumns)

    /// Inserts `epochs` with `insert`, into `epochs` or the stage.
    private func insertRows(_ epochs: [EpochRecord], into insert: RowInsert, _ db: Database) throws {
        try insertRows(epochs.count, with: insert, db) { statement, row, first in
            let epoch = epochs[row]
            bindText(statement, first, epoch.runID)
            sqlite3_bind_int64(statement, first + 1, Int64(epoch.epoch))
            bindReal(statement, first + 2, epoch.trainLoss)
            bindReal(statement, first + 3, epoch.trainAccuracy)
            bindReal(statement, first + 4, epoch.validationLoss)
            bindReal(statement, first + 5, epoch.validationAccuracy)
            bindReal(statement, first + 6, epoch.elapsedSeconds)
        }
    }

    /// Inserts `count` rows with `insert`, binding their values through SQLite's C API
    /// (building GRDB's `StatementArguments` for each row cost more than SQLite's own work):
    /// `bind` binds row `row` from parameter `first` (1-based) on. Rows go as many to a
    /// statement as `RowInsert.sizes` allow, each size prepared once: SQLite's work to start
    /// and end a statement (with a statement journal, as triggers fire) cost as much as
    /// inserting a row.
    private func insertRows(
        _ count: Int, with insert: RowInsert, _ db: Database,
        bind: (_ statement: SQLiteStatement, _ row: Int, _ first: Int32) -> Void
    ) throws {
        var start = 0
        while start < count {
            let size = RowInsert.sizes.firstIndex { $0 <= count - start }!
            let rows = RowInsert.sizes[size]
            let statement = try db.cachedStatement(sql: insert.sql[size]).sqliteStatement
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            for row in 0..<rows {
                bind(statement, start + row, Int32(row * insert.columnCount + 1))
            }
            let code = sqlite3_step(statement)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            start += rows
        }
    }

    /// Refreshes the heartbeat of those of `runIDs` that are running.
    func touch(_ runIDs: some Collection<String>, at date: Date, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'")
        let stamp = Timestamp.string(from: date)
        for id in runIDs {
            try statement.execute(arguments: [stamp, id])
        }
    }

    /// Ends a running run in one transaction: its final weights, status, metrics and, for
    /// diverged or failed runs, the epoch or message that says why.
    ///
    /// Throws `runNotRunning` if the run already ended (unless it was marked interrupted by
    /// a reader while this very process was still training it), and `invalidWeights` if a tensor's
    /// shape does not fit; nothing is written then.
    ///
    /// `trainingBegan`, when training began (before the claim for runs that train while it
    /// is made), becomes its `started_at`, so that its duration is its training's.
    public func finishRun(
        id: String, outcome: RunOutcome, metrics: FinalMetrics?, weights: [WeightTensor],
        at date: Date = Date(), trainingBegan: Date? = nil
    ) throws(StoreError) {
        for tensor in weights {
            try tensor.validate()
        }
        try write { db in try finish(id: id, outcome: outcome, metrics: metrics, weights: weights, at: date, trainingBegan: trainingBegan, db) }
    }

    /// `finishRun` inside the caller's transaction; `weights` must be valid.
    func finish(
        id: String, outcome: RunOutcome, metrics: FinalMetrics?, weights: [WeightTensor], at date: Date, trainingBegan: Date?, _ db: Database
    ) throws {
        guard let run = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, error_message, host, pid, pid_namespace, started_at FROM runs WHERE id = ?"), arguments: [id])
        else {
            throw StoreError.runNotFound(reference: id)
        }
        let status: RunStatus
        do {
            status = try run.runStatus(of: id)
        } catch let error as ColumnDecodingError {
            // Only this run's end fails: a StoreError, as for a run that is not running.
            throw StoreError.database(path: path, message: error.description)
        }
        // A run another host's reader took for abandoned (its heartbeat looked stale) is
        // evidently alive when its own process finishes it: its result wins.
        let reapedButAlive = status == .interrupted && (run["error_message"] as String?)?.hasPrefix(Self.abandoned) == true
            && TrainingProcess(host: run["host"], pid: run["pid"], pidNamespace: run["pid_namespace"]) == .current
        guard status == .running || reapedButAlive else {
            throw StoreError.runNotRunning(id: id, status: status)
        }
        let (divergedAt, message): (Int?, String?) = switch outcome {
        case .completed: (nil, nil)
        case let .diverged(epoch): (epoch, nil)
        case let .interrupted(reason): (nil, reason)
        case let .failed(message): (nil, message)
        }
        // `started_at`, stamped by the claim, becomes when training began: before the claim
        // for a run that trains while it is claimed, after it for one claimed before its turn
        // (runs found abandoned are claimed together). The run never ends before it starts.
        // (Timestamps of one width compare as text.)
        let started: String = trainingBegan.map { Timestamp.string(from: $0) } ?? run["started_at"]
        let ended = max(Timestamp.string(from: date), started)
        // Only the columns that change: rewriting every column would rewrite the entries of
        // every index on `runs`.
        try db.cachedStatement(sql: """
            UPDATE runs SET status = ?, error_message = ?, started_at = ?, finished_at = ?, heartbeat_at = ?, diverged_at_epoch = ?,
                final_train_loss = ?, final_train_accuracy = ?, final_validation_loss = ?, final_validation_accuracy = ?
            WHERE id = ?
            """).execute(arguments: [
                outcome.status.rawValue, message, started, ended, ended, divergedAt,
                metrics?.trainLoss, metrics?.trainAccuracy, metrics?.validationLoss, metrics?.validationAccuracy, id,
            ])
        try insert(weights, runID: id, db)
    }

    /// Marks each running run of `reasons` (ids to error messages) `failed` with its message,
    /// in one transaction that changes only their rows: after a full disk refused a run's
    /// epochs, this small write usually still goes through.
    func markFailed(_ reasons: [String: String], at date: Date = Date()) throws(StoreError) {
        try write { db in
            for (id, reason) in reasons {
                _ = try end(id, as: .failed, reason: reason, at: date, db)
            }
        }
    }

    /// Sets `status` (`interrupted` or `failed`) and `reason` on `runID` if it is running,
    /// with the metrics of its last recorded epoch as its final ones; whether it was running.
    func end(_ runID: String, as status: RunStatus, reason: String?, at date: Date, _ db: Database) throws -> Bool {
        let stamp = Timestamp.string(from: date)
        try db.execute(
            sql: """
                UPDATE runs SET status = ?, finished_at = ?, heartbeat_at = ?, error_message = ?,
                    -- the metrics of its last recorded epoch, if any, as its final ones
                    (final_train_loss, final_train_accuracy, final_validation_loss, final_validation_accuracy) = (
                        SELECT train_loss, train_accuracy, validation_loss, validation_accuracy
                        FROM epochs WHERE run_id = runs.id ORDER BY epoch DESC LIMIT 1)
                WHERE id = ? AND status = 'running'
                """,
            arguments: [status.rawValue, stamp, stamp, reason, runID])
        return db.changesCount > 0
    }

    private static let weightInsert = RowInsert(table: "weights", columns: ["run_id", "tensor", "row", "col", "value", "bits"])

    /// Stores each value twice: as `value` for people (NULL for NaN) and as `bits`, exact.
    /// A run of h = 100 has 401 numbers (see `insertRows`).
    private func insert(_ weights: [WeightTensor], runID: String, _ db: Database) throws {
        let cells = weights.flatMap { tensor in tensor.values.indices.map { (tensor, $0) } }
        try insertRows(cells.count, with: Self.weightInsert, db) { statement, row, first in
            let (tensor, index) = cells[row]
            let (value, cell) = (tensor.values[index], tensor.cell(of: index))
            bindText(statement, first, runID)
            bindText(statement, first + 1, tensor.name.rawValue)
            sqlite3_bind_int64(statement, first + 2, Int64(cell.row))
            sqlite3_bind_int64(statement, first + 3, Int64(cell.col))
            bindReal(statement, first + 4, value)
            sqlite3_bind_int64(statement, first + 5, Int64(bitPattern: value.bitPattern))
        }
    }
}
