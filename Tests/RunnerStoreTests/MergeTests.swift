import Foundation
import GRDB
import Testing
@testable import RunnerStore

@Suite("Merging")
struct MergeTests {
    @Test("a source locked for a moment (a task opening or closing it) is waited for, not refused")
    func briefLockOnSource() throws {
        let folder = TemporaryFolder()
        let source = try ExperimentStore(path: folder.file("source.sqlite"))
        try source.finishRun(id: try source.startRun(sampleRun()).id, outcome: .completed, metrics: nil, weights: [])
        source.close()
        let locked = DispatchSemaphore(value: 0)
        let holder = Thread {
            let connection = try! rawConnection(folder.file("source.sqlite"))
            try! connection.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE")
                locked.signal()
                Thread.sleep(forTimeInterval: 0.5)
                try db.execute(sql: "COMMIT")
            }
        }
        holder.start()
        locked.wait()
        try ExperimentStore.checkMergeSource(folder.file("source.sqlite"), into: folder.file("target.sqlite"))
    }

    @Test("a source that a process starts writing to while it is read as immutable is read again, live")
    func writerStartsDuringRead() throws {
        let folder = TemporaryFolder()
        let path = folder.file("source.sqlite")
        let source = try ExperimentStore(path: path)
        try source.finishRun(id: try source.startRun(sampleRun()).id, outcome: .completed, metrics: nil, weights: [])
        source.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        var attempts = 0
        let counted = try DatabaseQueue().writeWithoutTransaction { db in
            try ExperimentStore.attach(path, db) { unchanged in
                attempts += 1
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM source.runs")!
                if attempts == 1 {
                    // A resubmitted task opens its shard and records a run meanwhile.
                    let writer = try ExperimentStore(path: path)
                    try writer.finishRun(id: try writer.startRun(sampleRun(seed: 2)).id, outcome: .completed, metrics: nil, weights: [])
                }
                try unchanged()
                return count
            }
        }
        #expect(attempts == 2 && counted == 2)
        // A source no one writes to is read once.
        attempts = 0
        _ = try DatabaseQueue().writeWithoutTransaction { db in
            try ExperimentStore.attach(folder.file("source.sqlite"), db) { unchanged in attempts += 1; try unchanged() }
        }
        #expect(attempts == 1)
        // A reader of the source (sqlite3) makes a `-wal` file and removes it on closing, leaving
        // the file as it was: the read is made again all the same, not failed.
        attempts = 0
        _ = try DatabaseQueue().writeWithoutTransaction { db in
            try ExperimentStore.attach(path, db) { unchanged in
                attempts += 1
                guard attempts == 1 else { return }
                _ = FileManager.default.createFile(atPath: path + "-wal", contents: Data())
                defer { try? FileManager.default.removeItem(atPath: path + "-wal") }
                try unchanged()
            }
        }
        #expect(attempts == 2)
    }

    @Test("an integrity check's report is one short line")
    func integrityReportOnOneLine() {
        let report = ExperimentStore.oneLine(["*** in database source ***\nPage 5: never used\nPage 6: never used", String(repeating: "x", count: 300), "c", "d"])
        #expect(report == "*** in database source *** Page 5: never used Page 6: never used; " + String(repeating: "x", count: 100) + "…; c; …")
    }

    @Test("a run the target's readers took for abandoned is brought up to date by its finished source, even with no new epoch")
    func reapedInTarget() throws {
        let folder = TemporaryFolder()
        let source = try ExperimentStore(path: folder.file("source.sqlite"))
        let target = try ExperimentStore(path: folder.file("target.sqlite"))
        let id = try source.startRun(sampleRun()).id
        for epoch in 1...3 { try source.recordEpoch(sampleEpoch(epoch, runID: id)) }
        // Merged while its epochs are in and its end is not; then reaped in the target.
        #expect(try target.merge(from: folder.file("source.sqlite")).added == 1)
        try rawConnection(folder.file("target.sqlite")).write { db in
            try db.execute(sql: "UPDATE runs SET status = 'interrupted', finished_at = heartbeat_at, error_message = 'abandoned: no heartbeat for 10 minutes'")
        }
        try source.finishRun(id: id, outcome: .completed, metrics: nil, weights: [WeightTensor(name: .bo, shape: [], values: [1])])
        #expect(try target.merge(from: folder.file("source.sqlite")).updated == 1)
        let row = try rawConnection(folder.file("target.sqlite")).read { db in
            try Row.fetchOne(db, sql: "SELECT status, (SELECT count(*) FROM weights) AS weights FROM runs")!
        }
        #expect(row["status"] as String == "completed" && row["weights"] as Int == 1)
        #expect(try target.merge(from: folder.file("source.sqlite")).changedNothing)
    }

    @Test("a merged run keeps its instant, or takes the first millisecond after it that no run of the target has")
    func creationInstants() throws {
        // Given a target with runs at T, T+1, T+2 and T+4 ms, and a source with runs at T, T+1, T+3 and T+10 ms
        let folder = TemporaryFolder()
        let instant = { (milliseconds: Double) in Date(timeIntervalSince1970: 1_800_000_000 + milliseconds / 1000) }
        let target = try ExperimentStore(path: folder.file("target.sqlite"))
        for (seed, milliseconds) in [0.0, 1, 2, 4].enumerated() {
            try target.startRun(sampleRun(seed: seed), at: instant(milliseconds))
        }
        let source = try ExperimentStore(path: folder.file("source.sqlite"))
        var copied: [String] = []
        for (seed, milliseconds) in [0.0, 1, 3, 10].enumerated() {
            copied.append(try source.startRun(sampleRun(seed: 10 + seed), at: instant(milliseconds)).id)
        }
        source.close()

        // When the source is merged into the target
        #expect(try target.merge(from: folder.file("source.sqlite")).added == 4)

        // Then, taken in the order they were created, they land on T+3, T+5, T+6 and T+10 ms
        let stamps = try rawConnection(folder.file("target.sqlite")).read { db in
            try copied.map { id in try String.fetchOne(db, sql: "SELECT created_at FROM runs WHERE id = ?", arguments: [id]) }
        }
        #expect(stamps == [3.0, 5, 6, 10].map { Timestamp.string(from: instant($0)) })
    }

    @Test("a merged run keeps its convergence epoch and gets its summary, copied whole or brought up to date")
    func convergenceAndSummaries() throws {
        // Given a source run whose training error reaches 0 at its third epoch, merged once
        // while it had two epochs and again once it finished with five
        let folder = TemporaryFolder()
        let source = try ExperimentStore(path: folder.file("source.sqlite"))
        let run = try source.startRun(sampleRun())
        func record(_ epochs: ClosedRange<Int>) throws {
            for epoch in epochs {
                var record = sampleEpoch(epoch, runID: run.id)
                record.trainAccuracy = epoch >= 3 ? 1 : 0.9
                try source.recordEpoch(record)
            }
        }
        try record(1...2)
        let target = try ExperimentStore(path: folder.file("target.sqlite"))
        #expect(try target.merge(from: folder.file("source.sqlite")).added == 1)
        try record(3...5)
        try source.finishRun(id: run.id, outcome: .completed, metrics: nil, weights: [])
        source.close()
        #expect(try target.merge(from: folder.file("source.sqlite")).updated == 1)
        let fresh = try ExperimentStore(path: folder.file("fresh.sqlite"))
        #expect(try fresh.merge(from: folder.file("source.sqlite")).added == 1)

        // Then both targets hold what the source's own triggers computed
        let facts = "SELECT converged_at_epoch, epochs_completed, best_train_accuracy FROM run_summary"
        let stored = "SELECT epochs_completed, best_train_accuracy FROM run_epoch_summaries"
        for store in [target, fresh] {
            #expect(try store.query(facts).rows == [[.integer(3), .integer(5), .real(1)]])
            #expect(try store.query(stored).rows == [[.integer(5), .real(1)]])
        }
    }
}
