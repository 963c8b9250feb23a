import Foundation
import GRDB
import Testing
@testable import RunnerStore

@Suite("Data sets stored with their runs")
struct DatasetTests {
    /// `count` points of `dimension` awkward features: tiny, huge, negative zero, then
    /// full-precision fractions spread over twelve decades (shifted by `seed`).
    private func points(_ count: Int, dimension: Int, seed: Int) -> StoredDataset {
        let awkward: [Double] = [-0.0, .leastNonzeroMagnitude, 1e308, -2.2250738585072014e-308, 0.1, 1.0 / 3]
        let features = (0..<(count * dimension)).map { i -> Double in
            guard i >= awkward.count else { return awkward[i] }
            let fraction = (Double(i + seed) * 0.6180339887498949).truncatingRemainder(dividingBy: 1) - 0.5
            return fraction * Double(sign: .plus, exponent: (i % 41) - 20, significand: 1)
        }
        return StoredDataset(dimension: dimension, features: features, labels: (0..<count).map { $0 % 3 == 0 ? 1 : -1 })
    }

    @Test("points read back bit for bit, and a data set used by several runs is stored once")
    func roundTrip() throws {
        // Given two runs on the same training points, one with a validation set
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let training = points(50, dimension: 3, seed: 1)
        let validation = points(10, dimension: 3, seed: 2)
        var first = sampleRun(name: "a")
        first.trainingData = training
        first.validationData = validation
        var second = sampleRun(name: "b")
        second.trainingData = training
        let a = try store.startRun(first)
        let b = try store.startRun(second)
        // Then each reads back exactly, and the shared set is stored once
        let stored = try store.datasets(of: a.id)
        #expect(stored.training?.features.map(\.bitPattern) == training.features.map(\.bitPattern))
        #expect(stored.training?.labels == training.labels)
        #expect(stored.validation == validation)
        #expect(try store.datasets(of: b.id).training == training)
        #expect(try store.datasets(of: b.id).validation == nil)
        let counts = try rawConnection(folder.file()).read { db in
            try (Int.fetchOne(db, sql: "SELECT count(*) FROM datasets")!, Int.fetchOne(db, sql: "SELECT count(*) FROM dataset_points")!)
        }
        #expect(counts == (2, 60))
    }

    @Test("points that are not a data set are refused before anything is written")
    func invalid() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        var run = sampleRun()
        run.trainingData = StoredDataset(dimension: 2, features: [1, 2, 3], labels: [1, -1])
        #expect(throws: StoreError.self) { try store.startRun(run) }
        run.trainingData = StoredDataset(dimension: 1, features: [1, .nan], labels: [1, -1])
        #expect(throws: StoreError.self) { try store.startRun(run) }
        run.trainingData = StoredDataset(dimension: 1, features: [1, 2], labels: [1, 0])
        #expect(throws: StoreError.self) { try store.startRun(run) }
        #expect(try store.runs().isEmpty)
    }

    @Test("a data set changed outside runner is reported, not silently used")
    func tampered() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        var run = sampleRun()
        run.trainingData = points(5, dimension: 2, seed: 3)
        let id = try store.startRun(run).id
        try rawConnection(folder.file()).write { db in
            try db.execute(sql: "UPDATE dataset_points SET features = '[0.5,0.5]' WHERE point = 2")
        }
        #expect(throws: StoreError.self) { try store.datasets(of: id) }
    }
}
