import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// The recorder writes large batches of epochs through a stage, with the schema's epoch
/// triggers off and their work done once per run; what it leaves must be what the triggers
/// leave when the same epochs are recorded one by one.
@Suite("Recorder batches")
struct RecorderBatchTests {
    /// Epoch `number` of `runID`: every training point right from `perfectFrom` on, and in
    /// the stretch `earlyStreak`; NaN losses now and then, stored as NULL.
    private func epoch(_ number: Int, of runID: String, perfectFrom: Int, earlyStreak: Range<Int>) -> EpochRecord {
        var record = sampleEpoch(number, runID: runID)
        record.trainAccuracy = number >= perfectFrom || earlyStreak.contains(number) ? 1 : 0.9
        record.validationAccuracy = Double(number % 97) / 96
        if number % 1_000 == 7 { record.trainLoss = .nan }
        return record
    }

    /// Three runs whose training error vanishes at different epochs, one of them across the
    /// recorder's batch of 20,000 epochs: (epochs, perfectFrom, earlyStreak).
    private let runs: [(epochs: Int, perfectFrom: Int, earlyStreak: Range<Int>)] = [
        (25_000, 19_990, 100..<300), (3_000, 4_000, 10..<2_000), (1_500, 1_400, 0..<0),
    ]

    /// Records `runs` into a new store at `path`, through a recorder, or one epoch per
    /// transaction (where the schema's triggers do all the work); returns the run ids.
    private func record(at path: String, throughRecorder: Bool) throws -> [String] {
        let store = try ExperimentStore(path: path)
        let recorder = RunRecorder(store: store, commitInterval: 60)
        var ids: [String] = []
        for (index, run) in runs.enumerated() {
            guard case .started(let identity) = try recorder.claim(sampleRun(seed: index), rerun: true) else {
                throw StoreError.runNotFound(reference: "new run")
            }
            ids.append(identity.id)
            for number in 1...run.epochs {
                let epoch = epoch(number, of: identity.id, perfectFrom: run.perfectFrom, earlyStreak: run.earlyStreak)
                if throughRecorder { recorder.record(epoch) } else { try store.recordEpoch(epoch) }
            }
            try recorder.finish(id: identity.id, outcome: .completed, metrics: nil, weights: [])
        }
        try recorder.close()
        // Now, rather than when the recorder's thread lets go of it: closing folds the log into
        // the file under an exclusive lock, which a reader opening it meanwhile would meet.
        store.close()
        return ids
    }

    /// What a run's rows say, by run id: its convergence, its summary and its epochs.
    private func contents(of path: String, runIDs: [String]) throws -> [[DatabaseValue]] {
        try DatabaseQueue(path: path).read { db in
            var contents: [[DatabaseValue]] = []
            for id in runIDs {
                let convergence = try Row.fetchOne(db, sql: "SELECT converged_at_epoch FROM runs WHERE id = ?", arguments: [id])
                let summary = try Row.fetchOne(db, sql: "SELECT * FROM run_epoch_summaries WHERE run_id = ?", arguments: [id])
                let epochs = try Row.fetchAll(db, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [id])
                contents.append(convergence.map { Array($0.databaseValues) } ?? [])
                contents.append(summary.map { Array($0.databaseValues.dropFirst()) } ?? [])
                contents += epochs.map { Array($0.databaseValues.dropFirst()) }
            }
            return contents
        }
    }

    @Test("large batches leave the epochs, converged_at_epoch and summaries that the triggers leave")
    func sameAsTriggers() throws {
        // Given the same runs recorded through the recorder, and one epoch per transaction
        let folder = TemporaryFolder()
        let batched = try record(at: folder.file("batched.sqlite"), throughRecorder: true)
        let single = try record(at: folder.file("single.sqlite"), throughRecorder: false)
        // Then every stored value is the same
        let expected = try contents(of: folder.file("single.sqlite"), runIDs: single)
        #expect(try contents(of: folder.file("batched.sqlite"), runIDs: batched) == expected)
        // And the convergence is the first epoch of the last streak without error
        let converged = try DatabaseQueue(path: folder.file("batched.sqlite")).read { db in
            try batched.map { try Int.fetchOne(db, sql: "SELECT converged_at_epoch FROM runs WHERE id = ?", arguments: [$0]) }
        }
        #expect(converged == [19_990, nil, 1_400])
    }

    @Test("the connection's triggers are on again after a batch")
    func triggersBackOn() throws {
        // Given runs recorded in large batches, so finished and summarized
        let folder = TemporaryFolder()
        let ids = try record(at: folder.file(), throughRecorder: true)
        let store = try ExperimentStore(path: folder.file())
        #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run_epoch_summaries") } == 3)
        // When the same process adds an epoch to one of them
        try store.recordEpoch(epoch(30_000, of: ids[0], perfectFrom: 1, earlyStreak: 0..<0))
        // Then the schema's trigger drops its summary, as for any other writer
        #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run_epoch_summaries") } == 2)
    }

    @Test("a trigger a user put on epochs fires for every epoch of a large batch")
    func userTriggersFire() throws {
        // Given a database where someone counts new epochs with a trigger of their own
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        try rawConnection(folder.file()).write { db in
            try db.execute(sql: """
                CREATE TABLE epoch_log (epoch INTEGER);
                CREATE TRIGGER log_epochs AFTER INSERT ON epochs BEGIN INSERT INTO epoch_log VALUES (NEW.epoch); END;
                """)
        }
        // When the recorder writes 5,000 epochs in one batch
        let recorder = RunRecorder(store: store, commitInterval: 60)
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        for number in 1...5_000 { recorder.record(epoch(number, of: run.id, perfectFrom: 1, earlyStreak: 0..<0)) }
        try recorder.close()
        // Then their trigger saw each one
        #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT epoch) FROM epoch_log") } == 5_000)
    }

    @Test("a run's end goes in with the next commit, even with no epoch queued")
    func endingCommittedWithoutEpochs() throws {
        // Given a recorder that commits every 50 ms and refreshes heartbeats once an hour,
        // and a run whose epochs are all written
        let folder = TemporaryFolder()
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()), commitInterval: 0.05, heartbeatInterval: 3_600)
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        recorder.record(epoch(1, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        let reader = try DatabaseQueue(path: folder.file())
        func stored(_ sql: String) throws -> String? { try reader.read { try String.fetchOne($0, sql: sql) } }
        #expect(try waitFor { try stored("SELECT count(*) FROM epochs") == "1" })
        // When it ends, with nothing else queued
        try recorder.finish(id: run.id, outcome: .completed, metrics: nil, weights: [])
        // Then it is stored completed without a flush, not an hour later
        #expect(try waitFor { try stored("SELECT status FROM runs") == "completed" })
        try recorder.close()
    }

    @Test("told to commit promptly (a core is free at the end of a plan), a recorder commits what is queued without waiting for its interval")
    func promptCommits() throws {
        // Given a recorder that commits once a minute, and a run's first epoch queued
        let folder = TemporaryFolder()
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()), commitInterval: 60)
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        recorder.record(epoch(1, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        let reader = try DatabaseQueue(path: folder.file())
        func storedEpochs() throws -> Int? { try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM epochs") } }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try storedEpochs() == 0)
        // When it is told to commit promptly
        recorder.commitPromptly()
        // Then the epoch is stored well before the minute is up, and so is the next one
        #expect(try waitFor { try storedEpochs() == 1 })
        recorder.record(epoch(2, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        #expect(try waitFor { try storedEpochs() == 2 })
        try recorder.finish(id: run.id, outcome: .completed, metrics: nil, weights: [])
        try recorder.close()
    }

    @Test("training that outpaces a writer whose commits go through is told so once, and loses nothing")
    func fallingBehindReported() throws {
        // Given a recorder that holds at most 10 queued epochs, whose first commit went through
        let folder = TemporaryFolder()
        let reports = Reports()
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()), commitInterval: 0.05, maximumQueued: 10) { reports.add($0) }
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        recorder.record(epoch(1, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        try recorder.flush()
        // When 200 more epochs come faster than commits every 50 ms take them
        for number in 2...201 { recorder.record(epoch(number, of: run.id, perfectFrom: 1, earlyStreak: 0..<0)) }
        try recorder.close()
        // Then it was said once, with the size of the queue, and every epoch is stored
        #expect(reports.values == [10])
        #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM epochs") } == 201)
    }

    @Test("a writer waiting for another process's lock is not taken for one that falls behind")
    func lockWaitIsNotFallingBehind() throws {
        // Given a recorder that holds at most 10 queued epochs, whose first commit went through
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let reports = Reports()
        let recorder = RunRecorder(store: store, commitInterval: 0.05, maximumQueued: 10) { reports.add($0) }
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        recorder.record(epoch(1, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        try recorder.flush()
        // and sqlite3 holding the write lock for 3 s
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [folder.file(), "BEGIN IMMEDIATE;", ".shell sleep 3", "COMMIT;"]
        try holder.run()
        #expect(try waitFor { LockHolder.writer(of: folder.file())?.pid == holder.processIdentifier })
        // When the writer takes some epochs and waits for that lock, and the queue fills meanwhile
        recorder.record(epoch(2, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        #expect(try waitFor { store.lockWaiting.isWaiting })
        for number in 3...13 { recorder.record(epoch(number, of: run.id, perfectFrom: 1, earlyStreak: 0..<0)) }
        holder.waitUntilExit()
        try recorder.close()
        // Then nothing was said (the lock wait has its own message), and every epoch is stored
        #expect(reports.values.isEmpty)
        #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM epochs") } == 13)
    }

    @Test("epochs of a run deleted meanwhile are refused as the foreign key refuses them, large batch or small; the checks are on again after")
    func deletedRunRefused() throws {
        for epochs in [10, 1_500] {
            // Given a run whose epochs wait in the recorder, and its row deleted by another connection
            let folder = TemporaryFolder()
            let store = try ExperimentStore(path: folder.file())
            let recorder = RunRecorder(store: store, commitInterval: 60)
            guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
            for number in 1...epochs { recorder.record(epoch(number, of: run.id, perfectFrom: 1, earlyStreak: 0..<0)) }
            try DatabaseQueue(path: folder.file()).write { try $0.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [run.id]) }
            // When they are committed
            let error = #expect(throws: StoreError.self) { try recorder.flush() }
            // Then nothing is written, with the foreign key's error, and the connection checks foreign keys again
            #expect(error?.description.contains("FOREIGN KEY") == true, "\(String(describing: error))")
            #expect(try DatabaseQueue(path: folder.file()).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM epochs") } == 0)
            #expect(throws: StoreError.self) { try store.recordEpoch(sampleEpoch(1, runID: run.id)) }
            #expect(throws: StoreError.self) { try recorder.close() }
        }
    }

    @Test("a run whose status was edited into nonsense fails only its own end, naming it; the run ending with it is recorded")
    func editedStatusFailsOnlyItsEnd() throws {
        // Given two runs ending in one commit, one of them given a status the schema does not know
        let (folder, store, recorder, ids) = try twoRunsEndingTogether(epochs: 5)
        // When they are committed
        let error = #expect(throws: StoreError.self) { try recorder.close() }
        store.close()
        // Then only the edited run's end fails, saying which run and what to correct; the other is completed
        #expect(error?.description.contains("run \(ids[0].prefix(8)): column status holds \"bogus\"") == true, "\(String(describing: error))")
        let rows = try DatabaseQueue(path: folder.file()).read { db in
            try ids.map { try String.fetchOne(db, sql: "SELECT status || ' ' || (SELECT count(*) FROM epochs WHERE run_id = ?) FROM runs WHERE id = ?", arguments: [$0, $0]) }
        }
        #expect(rows == ["bogus 5", "completed 5"])
    }

    @Test("flush writes what was queued before it, while another thread goes on queueing epochs")
    func flushWhileAnotherThreadQueues() throws {
        // Given a recorder with two runs, one of which another thread feeds epochs as fast as it can
        let folder = TemporaryFolder()
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()), commitInterval: 0.05, maximumQueued: 50_000)
        guard case .started(let first) = try recorder.claim(sampleRun(seed: 1), rerun: true),
              case .started(let second) = try recorder.claim(sampleRun(seed: 2), rerun: true)
        else { throw StoreError.runNotFound(reference: "new run") }
        let (stop, fed) = (Reports(), Reports())
        let feeder = Thread {
            var number = 0
            while stop.values.isEmpty {
                number += 1
                recorder.record(self.epoch(number, of: second.id, perfectFrom: 1, earlyStreak: 0..<0))
                if number == 100_000 { fed.add(number) }
            }
        }
        feeder.start()
        #expect(try waitFor { !fed.values.isEmpty })
        // When the first run's epochs and end are queued and flushed
        for number in 1...3 { recorder.record(epoch(number, of: first.id, perfectFrom: 1, earlyStreak: 0..<0)) }
        try recorder.finish(id: first.id, outcome: .completed, metrics: nil, weights: [])
        try recorder.flush()
        // Then the first run is written, its epochs with it, though the other thread still queues
        let written = try DatabaseQueue(path: folder.file()).read { db in
            try Row.fetchOne(db, sql: "SELECT status, (SELECT count(*) FROM epochs WHERE run_id = runs.id) AS epochs FROM runs WHERE id = ?", arguments: [first.id])
        }
        #expect(written?["status"] == "completed" && written?["epochs"] == 3, "\(String(describing: written))")
        stop.add(0)
        #expect(try waitFor { feeder.isFinished })
        try recorder.finish(id: second.id, outcome: .completed, metrics: nil, weights: [])
        try recorder.close()
    }

    @Test("flush writes a run's end queued after its epochs were written")
    func flushWritesALoneEnd() throws {
        let folder = TemporaryFolder()
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()), commitInterval: 60)
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        recorder.record(epoch(1, of: run.id, perfectFrom: 1, earlyStreak: 0..<0))
        try recorder.flush()
        // Nothing but the end is queued now.
        try recorder.finish(id: run.id, outcome: .completed, metrics: nil, weights: [])
        try recorder.flush()
        let status = try DatabaseQueue(path: folder.file()).read { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = ?", arguments: [run.id]) }
        #expect(status == "completed")
        try recorder.close()
    }

    @Test("flush(run:) throws only that run's failed end; the other run's failure waits for its own flush or close")
    func flushThrowsOnlyItsRunsFailure() throws {
        // Given two runs whose ends go in one commit, the first edited into a status the schema does not know
        let (folder, store, recorder, ids) = try twoRunsEndingTogether(epochs: 1)
        defer { withExtendedLifetime(folder) {} }
        // When the second run's worker flushes, then the first's
        try recorder.flush(run: ids[1])
        let error = #expect(throws: StoreError.self) { try recorder.flush(run: ids[0]) }
        // Then only the first's flush fails, naming it; close reports it too
        #expect(error?.description.contains("run \(ids[0].prefix(8))") == true, "\(String(describing: error))")
        #expect(throws: StoreError.self) { try recorder.close() }
        store.close()
    }

    /// Two runs of `epochs` epochs each, recorded and ended but not yet committed (the
    /// recorder commits once a minute), the first of them since given a status the schema
    /// does not know, so that its end fails.
    private func twoRunsEndingTogether(epochs: Int) throws -> (TemporaryFolder, ExperimentStore, RunRecorder, [String]) {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let recorder = RunRecorder(store: store, commitInterval: 60)
        var ids: [String] = []
        for seed in [1, 2] {
            guard case .started(let run) = try recorder.claim(sampleRun(seed: seed), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
            for number in 1...epochs { recorder.record(sampleEpoch(number, runID: run.id)) }
            try recorder.finish(id: run.id, outcome: .completed, metrics: nil, weights: [])
            ids.append(run.id)
        }
        try DatabaseQueue(path: folder.file()).write {
            try $0.execute(sql: "PRAGMA ignore_check_constraints = 1; UPDATE runs SET status = 'bogus' WHERE id = ?", arguments: [ids[0]])
        }
        return (folder, store, recorder, ids)
    }

    /// What `onFallingBehind` was told, in order.
    private final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var told: [Int] = []
        func add(_ value: Int) { lock.withLock { told.append(value) } }
        var values: [Int] { lock.withLock { told } }
    }

    /// Whether `condition` holds within 30 s, checked every 10 ms.
    private func waitFor(_ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}
