import Foundation
import Synchronization
import Testing
@testable import RunnerStore

@Suite("Deleting runs")
struct DeletingTests {
    /// A store with five runs: a and b share their training points and spec source; a alone
    /// has validation points and a tag; c has points and a source of its own, which e
    /// validates on; d has neither.
    private func store(in folder: TemporaryFolder) throws -> (ExperimentStore, [String: String]) {
        let store = try ExperimentStore(path: folder.file())
        let shared = StoredDataset(dimension: 2, features: [0.1, 0.2, 0.3, 0.4], labels: [1, -1])
        let source = StoredSpecSource(path: "/specs/ab.json", text: "{}")
        var runs: [String: NewRun] = [:]
        for (name, seed) in [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)] {
            runs[name] = sampleRun(name: name, seed: seed)
        }
        runs["a"]!.trainingData = shared
        runs["a"]!.validationData = StoredDataset(dimension: 2, features: [0.5, 0.6], labels: [1])
        runs["a"]!.specSource = source
        runs["b"]!.trainingData = shared
        runs["b"]!.specSource = source
        runs["c"]!.trainingData = StoredDataset(dimension: 2, features: [0.7, 0.8], labels: [-1])
        runs["c"]!.specSource = StoredSpecSource(path: "/specs/c.json", text: "{}")
        runs["e"]!.trainingData = runs["c"]!.trainingData
        runs["e"]!.validationData = runs["c"]!.trainingData
        var ids: [String: String] = [:]
        for (epochs, name) in ["a", "b", "c", "d", "e"].enumerated() {
            let id = try store.startRun(runs[name]!).id
            for epoch in 0..<(epochs + 2) {
                try store.recordEpoch(sampleEpoch(epoch + 1, runID: id))
            }
            try store.finishRun(id: id, outcome: .completed, metrics: nil, weights: [WeightTensor(name: .bo, shape: [], values: [1])])
            ids[name] = id
        }
        _ = try store.setTags([RunTag(key: "keep", value: "no")], on: [ids["a"]!])
        return (store, ids)
    }

    @Test("a dry run's counts, read without the write lock, are what the delete then removes")
    func previewMatchesDelete() throws {
        let choices = [["a"], ["b"], ["a", "b"], ["c"], ["e"], ["c", "e"], ["d"], ["a", "c", "d", "a"], ["a", "b", "c", "d", "e"]]
        for chosen in choices {
            let folder = TemporaryFolder()
            let (store, ids) = try store(in: folder)
            let runIDs = chosen.map { ids[$0]! } + ["ffffffff-0000-4000-8000-000000000000"]
            let preview = try store.deletion(ofRuns: runIDs)
            #expect(try store.deletion(ofRuns: runIDs) == preview, "a preview changes nothing")
            #expect(try store.deleteRuns(ids: runIDs) == preview, "\(chosen)")
            #expect(preview.runs == Set(chosen).count)
        }
        // The data sets and spec source go with the last run that uses them.
        let folder = TemporaryFolder()
        let (store, ids) = try store(in: folder)
        let a = try store.deletion(ofRuns: [ids["a"]!])
        #expect((a.epochs, a.weights, a.tags, a.datasets, a.specSources) == (2, 1, 1, 1, 0))
        let ab = try store.deletion(ofRuns: [ids["a"]!, ids["b"]!])
        #expect((ab.epochs, ab.datasets, ab.specSources) == (5, 2, 1))
    }

    @Test("a preview reads while another connection holds the write lock")
    func previewDoesNotWaitForTheLock() throws {
        let folder = TemporaryFolder()
        let (store, ids) = try store(in: folder)
        let other = try rawConnection(folder.file())
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            // A delete rolled back, as previews were made, waits for the lock as long as it is held.
            let counted = Mutex<Int?>(nil)
            let done = DispatchSemaphore(value: 0)
            Thread {
                counted.withLock { $0 = try? store.deletion(ofRuns: [ids["a"]!]).runs }
                done.signal()
            }.start()
            let answered = done.wait(timeout: .now() + 10) == .success
            #expect(answered, "the preview waited for the write lock")
            try db.execute(sql: "ROLLBACK")
            if !answered { done.wait() }
            #expect(counted.withLock { $0 } == 1)
        }
    }
}
