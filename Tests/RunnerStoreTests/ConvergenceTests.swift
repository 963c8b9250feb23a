import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// `converged_at_epoch`: the first epoch from which the training error is 0 and stays 0.
@Suite("Convergence")
struct ConvergenceTests {
    /// Records a run whose epochs have these training accuracies, finishes it, and reads its summary back.
    private func summary(trainAccuracies: [Double], batchSize: Int = 1) throws -> RunSummary {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        var run = sampleRun()
        run.hyperparameters.batchSize = batchSize
        let identity = try store.startRun(run)
        for (index, accuracy) in trainAccuracies.enumerated() {
            try store.recordEpoch(sampleEpoch(index + 1, runID: identity.id).with(trainAccuracy: accuracy))
        }
        try store.finishRun(id: identity.id, outcome: .interrupted(reason: "test"), metrics: nil, weights: [])
        return try #require(try ExperimentStore(path: folder.file(), access: .readOnly).runs().first)
    }

    @Test("a run whose training error never reaches 0 has not converged")
    func never() throws {
        let run = try summary(trainAccuracies: [0.5, 0.9, 0.999])
        #expect(run.convergedAtEpoch == nil)
        #expect(run.convergedAtStep == nil)
    }

    @Test("a run at zero training error from its first epoch converged at epoch 1, after one epoch of steps")
    func atOnce() throws {
        let run = try summary(trainAccuracies: [1, 1, 1])
        #expect(run.convergedAtEpoch == 1)
        #expect(run.convergedAtStep == 800, "800 training points, one per step")
    }

    @Test("reaching zero error and losing it again does not count; the last time it is reached does")
    func reachedThenLost() throws {
        #expect(try summary(trainAccuracies: [0.9, 1, 1, 0.99]).convergedAtEpoch == nil)
        let regained = try summary(trainAccuracies: [0.9, 1, 0.99, 1, 1], batchSize: 3)
        #expect(regained.convergedAtEpoch == 4)
        #expect(regained.convergedAtStep == 4 * 267, "ceil(800 / 3) updates per epoch")
    }

    @Test("a run without epochs has not converged")
    func noEpochs() throws {
        #expect(try summary(trainAccuracies: []).convergedAtEpoch == nil)
    }

    @Test("migration 0004 computes converged_at_epoch for the runs already recorded")
    func backfill() throws {
        // Given a database at migration 0002 with two runs' epochs: one converged at epoch 2, one lost it
        let folder = TemporaryFolder()
        let path = folder.file()
        let older = Migration.bundled.filter { $0.version < 4 }
        let connection = try DatabaseQueue(path: path)
        _ = try Migrator(migrations: older, path: path).prepare(connection)
        let curves: [String: [Double]] = ["aaaaaaaa-0000-0000-0000-000000000001": [0.9, 1, 1], "bbbbbbbb-0000-0000-0000-000000000002": [1, 1, 0.9]]
        try connection.write { db in
            for (id, accuracies) in curves {
                try db.execute(sql: """
                    INSERT INTO runs (id, short_id, name, status, created_at, started_at, finished_at, heartbeat_at,
                                      spec_json, spec_hash, hidden_units, learning_rate, epochs, seed, dataset,
                                      input_dimension, batch_size, weight_decay, visit_order, initialization,
                                      train_size, validation_size, program_version, host, pid)
                    VALUES (?, substr(?, 1, 8), 'old', 'completed', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
                            '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z', '{}', ?, 7, 0.02, 3, 1, 'practical_moon',
                            2, 1, 0, 'replacement', 'uniform', 10, 0, 'test', 'host', 1)
                    """, arguments: [id, id, String(repeating: "0", count: 64)])
                for (index, accuracy) in accuracies.enumerated() {
                    try sampleEpoch(index + 1, runID: id).with(trainAccuracy: accuracy).insert(db)
                }
            }
        }
        try connection.close()
        // When the store opens it (and applies 0004)
        let store = try ExperimentStore(path: path)
        // Then the first run converged at epoch 2 (step 20), the second did not
        let runs = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.shortID, $0) })
        #expect(runs["aaaaaaaa"]?.convergedAtEpoch == 2)
        #expect(runs["aaaaaaaa"]?.convergedAtStep == 20)
        #expect(runs["bbbbbbbb"].map { $0.convergedAtEpoch == nil } == true)
    }
}

extension EpochRecord {
    func with(trainAccuracy: Double) -> EpochRecord {
        var copy = self
        copy.trainAccuracy = trainAccuracy
        return copy
    }
}
