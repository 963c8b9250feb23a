import Foundation
import Testing
@testable import RunnerStore

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("eight connections writing epochs at once lose nothing and never see 'database is locked'")
    func concurrentWriters() throws {
        // Given one database and eight runs
        let folder = TemporaryFolder()
        let path = folder.file()
        let setup = try ExperimentStore(path: path)
        let runs = try (0..<8).map { try setup.startRun(sampleRun(name: "writer-\($0)", seed: $0)) }
        let epochCount = 40
        // When eight threads, each with its own connection, record epochs and finish simultaneously
        let errors = runOnThreads(8) { index in
            let store = try ExperimentStore(path: path)
            for epoch in 1...epochCount {
                try store.recordEpoch(sampleEpoch(epoch, runID: runs[index].id))
            }
            try store.finishRun(
                id: runs[index].id, outcome: .completed,
                metrics: FinalMetrics(trainLoss: 0.1, trainAccuracy: 0.9),
                weights: [WeightTensor(name: .bo, shape: [], values: [Double(index)])])
        }
        // Then there was no error and every row is there
        #expect(errors == [])
        for run in runs {
            #expect(try setup.epochs(of: run.id).map(\.epoch) == Array(1...epochCount))
            #expect(try setup.run(run.id).status == .completed)
        }
    }

    @Test("eight connections opening a brand-new file at once all succeed and migrate it once")
    func concurrentCreation() throws {
        // Given a path where no database exists yet
        let folder = TemporaryFolder()
        let path = folder.file()
        // When eight threads open it at the same moment and each starts a run
        let errors = runOnThreads(8) { index in
            let store = try ExperimentStore(path: path)
            try store.startRun(sampleRun(name: "opener-\(index)"))
        }
        // Then none failed, the migrations were applied once, and all runs are there in WAL mode
        #expect(errors == [])
        let store = try ExperimentStore(path: path, access: .readOnly)
        #expect(try store.query("SELECT count(*) FROM schema_migrations").rows == [[.integer(Int64(Migration.bundled.count))]])
        #expect(try store.runs().count == 8)
        #expect(try journalMode(path) == "wal")
    }
}
