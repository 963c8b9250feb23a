import Foundation
import GRDB

extension ExperimentStore {
    /// Inserts a new run with status `running` and returns its ids.
    ///
    /// The id is a random lowercase UUID whose first 8 characters are unused by other runs.
    /// `created_at` is unique and increasing in a database: a run started within the same
    /// millisecond as the newest one is stamped 1 ms after it, so ordering by `created_at`
    /// is insertion order even for the fast runs of a sweep.
    @discardableResult
    public func startRun(_ run: NewRun, at requestedDate: Date = Date()) throws(StoreError) -> RunIdentity {
        let trainingData = try run.trainingData.map(PreparedDataset.init)
        let validationData = try run.validationData.map(PreparedDataset.init)
        return try write { db in
            var date = requestedDate
            if let newest = try String.fetchOne(db, sql: "SELECT max(created_at) FROM runs").flatMap(Timestamp.date(from:)),
               Timestamp.string(from: date) <= Timestamp.string(from: newest) {
                date = newest.addingTimeInterval(0.0015)  // lands in the next millisecond whatever the rounding
            }
            var id: String
            repeat {
                id = UUID().uuidString.lowercased()
            } while try Run.filter(Column("short_id") == String(id.prefix(8))).fetchCount(db) > 0
            let record = Run(
                id: id, shortID: String(id.prefix(8)), name: run.name, groupName: run.groupName,
                status: .running, createdAt: date, startedAt: date, finishedAt: nil, heartbeatAt: date,
                specJSON: run.specJSON, specHash: sha256Hex(run.specJSON),
                hyperparameters: run.hyperparameters,
                finalTrainLoss: nil, finalTrainAccuracy: nil, finalValidationLoss: nil, finalValidationAccuracy: nil,
                divergedAtEpoch: nil, errorMessage: nil,
                programVersion: run.programVersion, host: run.process.host, pid: run.process.pid, pidNamespace: run.process.pidNamespace,
                trainingDataID: try trainingData.map { try insert($0, db) },
                validationDataID: try validationData.map { try insert($0, db) })
            try record.insert(db)
            return RunIdentity(id: record.id, shortID: record.shortID)
        }
    }

    /// Commits one epoch's metrics at once (so an interrupted run keeps every finished epoch)
    /// and refreshes the run's heartbeat.
    public func recordEpoch(_ epoch: EpochRecord, at date: Date = Date()) throws(StoreError) {
        try write { db in
            try epoch.insert(db)
            try touch(epoch.runID, at: date, db)
        }
    }

    /// Tells readers the run's process is still alive; call it from a timer during long epochs.
    public func heartbeat(runID: String, at date: Date = Date()) throws(StoreError) {
        try write { db in try touch(runID, at: date, db) }
    }

    /// Ends a running run in one transaction: its final weights, status, metrics and, for
    /// diverged or failed runs, the epoch or message that says why.
    ///
    /// Throws `runNotRunning` if the run already ended (unless it was marked interrupted by
    /// a reader while this very process was still training it), and `invalidWeights` if a tensor's
    /// shape does not fit; nothing is written then.
    public func finishRun(
        id: String, outcome: RunOutcome, metrics: FinalMetrics?, weights: [WeightTensor],
        at date: Date = Date()
    ) throws(StoreError) {
        for tensor in weights {
            try tensor.validate()
        }
        try write { db in
            guard var run = try Run.fetchOne(db, key: id) else {
                throw StoreError.runNotFound(reference: id)
            }
            // A run another host's reader took for abandoned (its heartbeat looked stale) is
            // evidently alive when its own process finishes it: its result wins.
            let reapedButAlive = run.status == .interrupted && run.errorMessage?.hasPrefix(Self.abandoned) == true
                && TrainingProcess(host: run.host, pid: run.pid, pidNamespace: run.pidNamespace) == .current
            guard run.status == .running || reapedButAlive else {
                throw StoreError.runNotRunning(id: id, status: run.status)
            }
            run.status = outcome.status
            run.errorMessage = nil
            run.finishedAt = date
            run.heartbeatAt = date
            run.finalTrainLoss = metrics?.trainLoss
            run.finalTrainAccuracy = metrics?.trainAccuracy
            run.finalValidationLoss = metrics?.validationLoss
            run.finalValidationAccuracy = metrics?.validationAccuracy
            switch outcome {
            case .completed:
                break
            case let .diverged(epoch):
                run.divergedAtEpoch = epoch
            case let .interrupted(reason):
                run.errorMessage = reason
            case let .failed(message):
                run.errorMessage = message
            }
            try run.update(db)
            try insert(weights, runID: id, db)
        }
    }

    /// Sets `interrupted` on `runID` if it is running; whether it was.
    func interrupt(_ runID: String, reason: String?, at date: Date, _ db: Database) throws -> Bool {
        let stamp = Timestamp.string(from: date)
        try db.execute(
            sql: """
                UPDATE runs SET status = 'interrupted', finished_at = ?, heartbeat_at = ?, error_message = ?,
                    -- the metrics of its last recorded epoch, if any, as its final ones
                    (final_train_loss, final_train_accuracy, final_validation_loss, final_validation_accuracy) = (
                        SELECT train_loss, train_accuracy, validation_loss, validation_accuracy
                        FROM epochs WHERE run_id = runs.id ORDER BY epoch DESC LIMIT 1)
                WHERE id = ? AND status = 'running'
                """,
            arguments: [stamp, stamp, reason, runID])
        return db.changesCount > 0
    }

    private func touch(_ runID: String, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'",
            arguments: [Timestamp.string(from: date), runID])
    }

    /// Stores each value twice: as `value` for people (NULL for NaN) and as `bits`, exact.
    private func insert(_ weights: [WeightTensor], runID: String, _ db: Database) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO weights (run_id, tensor, row, col, value, bits) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for tensor in weights {
            for (index, value) in tensor.values.enumerated() {
                let cell = tensor.cell(of: index)
                try statement.execute(arguments: [
                    runID, tensor.name, cell.row, cell.col,
                    value.isNaN ? nil : value, Int64(bitPattern: value.bitPattern),
                ])
            }
        }
    }
}
