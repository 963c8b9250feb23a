import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// What each run's epochs say, straight from `epochs`, as `run_summary` computed it before
/// migration 0007: id, epochs_completed, best_validation_accuracy, best_validation_epoch,
/// lowest_validation_loss, lowest_train_loss, best_train_accuracy, by id.
private let fromEpochs = """
    SELECT r.id,
        (SELECT count(*) FROM epochs e WHERE e.run_id = r.id),
        (SELECT max(e.validation_accuracy) FROM epochs e WHERE e.run_id = r.id),
        (SELECT e.epoch FROM epochs e WHERE e.run_id = r.id AND e.validation_accuracy IS NOT NULL
          ORDER BY e.validation_accuracy DESC, e.epoch LIMIT 1),
        (SELECT min(e.validation_loss) FROM epochs e WHERE e.run_id = r.id),
        (SELECT min(e.train_loss) FROM epochs e WHERE e.run_id = r.id),
        (SELECT max(e.train_accuracy) FROM epochs e WHERE e.run_id = r.id)
    FROM runs r ORDER BY r.id
    """

/// The same values as `run_summary` shows them.
private let fromView = """
    SELECT id, epochs_completed, best_validation_accuracy, best_validation_epoch,
           lowest_validation_loss, lowest_train_loss, best_train_accuracy
    FROM run_summary ORDER BY id
    """

private func rows(_ sql: String, _ path: String) throws -> [[DatabaseValue]] {
    try DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: sql).map { Array($0.databaseValues) } }
}

/// The ids of the runs that have a row in `run_epoch_summaries`.
private func summarized(_ path: String) throws -> Set<String> {
    try DatabaseQueue(path: path).read { db in Set(try String.fetchAll(db, sql: "SELECT run_id FROM run_epoch_summaries")) }
}

private func epoch(_ number: Int, _ runID: String, trainLoss: Double?, trainAccuracy: Double, validationLoss: Double?, validationAccuracy: Double?) -> EpochRecord {
    EpochRecord(
        runID: runID, epoch: number, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
        validationLoss: validationLoss, validationAccuracy: validationAccuracy, elapsedSeconds: 0.01 * Double(number))
}

@Suite("Summaries of each run's epochs (migration 0007)")
struct EpochSummaryTests {
    /// A store with a completed run whose best validation accuracy is tied (epochs 2 and 3),
    /// a diverged run (infinite training loss), a failed run without validation, a run with
    /// no epochs, and one still running; returns its path and the ids in that order.
    private func store(in folder: TemporaryFolder) throws -> (String, [String]) {
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let ids = try (1...5).map { try store.startRun(sampleRun(name: "run\($0)", seed: $0)).id }
        for (number, (validation, train)) in zip(1..., [(0.5, 0.6), (0.7, 0.8), (0.7, 0.9), (0.6, 0.85)]) {
            try store.recordEpoch(epoch(number, ids[0], trainLoss: 1 / Double(number), trainAccuracy: train, validationLoss: 2 / Double(number), validationAccuracy: validation))
            try store.recordEpoch(epoch(number, ids[4], trainLoss: 1, trainAccuracy: 0.5, validationLoss: 1, validationAccuracy: validation))
        }
        try store.recordEpoch(epoch(1, ids[1], trainLoss: 0.7, trainAccuracy: 0.5, validationLoss: 0.8, validationAccuracy: 0.5))
        try store.recordEpoch(epoch(2, ids[1], trainLoss: .infinity, trainAccuracy: 0.4, validationLoss: .infinity, validationAccuracy: 0.5))
        try store.recordEpoch(epoch(1, ids[2], trainLoss: 0.3, trainAccuracy: 0.75, validationLoss: nil, validationAccuracy: nil))
        try store.finishRun(id: ids[0], outcome: .completed, metrics: nil, weights: [])
        try store.finishRun(id: ids[1], outcome: .diverged(atEpoch: 2), metrics: nil, weights: [])
        try store.finishRun(id: ids[2], outcome: .failed(message: "test"), metrics: nil, weights: [])
        try store.finishRun(id: ids[3], outcome: .interrupted(reason: nil), metrics: nil, weights: [])
        store.close()
        return (path, ids)
    }

    @Test("a run is summarized when it stops running, with the values its epochs give")
    func summarizedWhenFinished() throws {
        let folder = TemporaryFolder()
        let (path, ids) = try store(in: folder)
        #expect(try summarized(path) == Set(ids.prefix(4)))
        #expect(try rows(fromView, path) == rows(fromEpochs, path))
        let summaries = try ExperimentStore(path: path, access: .readOnly).summaries(of: ids)
        #expect(summaries[0].bestValidationAccuracy == 0.7 && summaries[0].bestValidationEpoch == 2, "the first epoch at the best")
        #expect(summaries[0].lowestTrainLoss == 0.25 && summaries[0].bestTrainAccuracy == 0.9 && summaries[0].epochsCompleted == 4)
        #expect(summaries[1].lowestTrainLoss == 0.7 && summaries[1].lowestValidationLoss == 0.8)
        #expect(summaries[2].bestValidationAccuracy == nil && summaries[2].bestValidationEpoch == nil && summaries[2].lowestValidationLoss == nil)
        #expect(summaries[3].epochsCompleted == 0 && summaries[3].lowestTrainLoss == nil)
        #expect(summaries[4].epochsCompleted == 4 && summaries[4].bestValidationEpoch == 2, "a running run's values come from its epochs")
    }

    @Test("inserting, changing or deleting a finished run's epochs drops its summary; run_summary then reads the epochs")
    func editedEpochs() throws {
        let folder = TemporaryFolder()
        let (path, ids) = try store(in: folder)
        let edits = [
            "DELETE FROM epochs WHERE run_id = '\(ids[0])' AND epoch = 2",
            "UPDATE epochs SET validation_accuracy = 0.95 WHERE run_id = '\(ids[1])' AND epoch = 2",
            "INSERT INTO epochs (run_id, epoch, train_loss, train_accuracy, elapsed_seconds) VALUES ('\(ids[2])', 2, 0.1, 1, 0.5)",
        ]
        for (index, edit) in edits.enumerated() {
            try DatabaseQueue(path: path).write { try $0.execute(sql: edit) }
            #expect(try !summarized(path).contains(ids[index]), "\(edit)")
            #expect(try rows(fromView, path) == rows(fromEpochs, path), "\(edit)")
        }
        let summaries = try ExperimentStore(path: path, access: .readOnly).summaries(of: ids)
        #expect(summaries[0].bestValidationEpoch == 3 && summaries[1].bestValidationAccuracy == 0.95 && summaries[2].bestTrainAccuracy == 1)
        #expect(try summarized(path) == [ids[3]], "the run without edits keeps its summary")
        // A run deleted in the sqlite3 shell (foreign keys off) leaves no summary behind.
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM runs WHERE id = '\(ids[3])'")
        }
        #expect(try summarized(path).isEmpty)
    }

    @Test("migration 0007 summarizes the runs already finished, not the running ones")
    func backfill() throws {
        // Given a database at migration 0006 with a completed run and a running one
        let folder = TemporaryFolder()
        let path = folder.file()
        let connection = try DatabaseQueue(path: path)
        _ = try Migrator(migrations: Migration.bundled.filter { $0.version < 7 }, path: path).prepare(connection)
        let ids = ["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"]
        try connection.write { db in
            for (id, status) in zip(ids, ["completed", "running"]) {
                try db.execute(sql: """
                    INSERT INTO runs (id, short_id, name, status, created_at, started_at, heartbeat_at, finished_at,
                                      spec_json, spec_hash, hidden_units, learning_rate, epochs, seed, dataset,
                                      input_dimension, batch_size, weight_decay, visit_order, initialization,
                                      train_size, validation_size, program_version, host, pid)
                    VALUES (?1, substr(?1, 1, 8), 'old', ?3, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
                            '2026-01-01T00:00:01.000Z', CASE ?3 WHEN 'running' THEN NULL ELSE '2026-01-01T00:00:01.000Z' END, '{}', ?4, 7, 0.02, 3, 1, 'practical_moon',
                            2, 1, 0, 'replacement', 'uniform', 10, 10, 'test', 'host', 1)
                    """, arguments: [id, nil, status, String(repeating: "0", count: 64)])
                for (number, accuracy) in zip(1..., [0.6, 0.8, 0.8]) {
                    try epoch(number, id, trainLoss: 1 / Double(number), trainAccuracy: accuracy, validationLoss: 1, validationAccuracy: accuracy).insert(db)
                }
            }
        }
        try connection.close()
        let expected = try rows(fromEpochs, path)
        // When the store opens it
        #expect(try ExperimentStore(path: path).migrationsApplied == [7, 8, 9])
        // Then the completed run is summarized, with the values of its epochs
        #expect(try summarized(path) == [ids[0]])
        #expect(try rows(fromView, path) == expected)
        #expect(expected[0][3] == 2.databaseValue, "best_validation_epoch: the first at the best")
    }
}
