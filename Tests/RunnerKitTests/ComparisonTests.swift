import Foundation
import RunnerStore
import Testing
@testable import RunnerKit

@Suite("Comparing runs by their settings")
struct ComparisonTests {
    func specs(_ json: String) throws -> [ExperimentSpec] {
        try parseSpec(json)
    }

    /// Starts, without training it, another run of `spec` (on the same points) like the
    /// recorded run `model`, so that a test can write its epochs and end by hand.
    func startRun(of spec: ExperimentSpec, like model: RunResult, in store: ExperimentStore) throws -> RunIdentity {
        let job = try TrainingJob(spec: spec)
        return try store.startRun(NewRun(
            name: spec.runName, groupName: spec.group, specJSON: spec.canonicalJSON,
            hyperparameters: try store.run(model.identity.id).hyperparameters, programVersion: RunnerVersion.current,
            trainingData: StoredDataset(job.training), validationData: job.validation.map(StoredDataset.init)))
    }

    @Test("a spec run twice counts once, as its completed run, and other settings stay apart")
    func replicates() throws {
        // Given two seeds of two noise levels, one of them run twice
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        let runs = try specs(#"{"group": "g", "data": {"generator": "moons", "points": 40, "noise": [0.1, 0.3]}, "model": {"hidden": 3}, "training": {"epochs": 2, "seed": [1, 2]}}"#)
        for spec in runs { try record(spec, in: store) }
        try record(runs[0], in: store)

        // When they are compared
        let comparison = try Comparison(store: store, runs: store.runs(inGroup: "g").reversed())

        // Then the settings that differ are noise and seed, and each noise level has its two seeds once
        #expect(comparison.differingSettings == ["data.noise", "training.seed"])
        let groups = comparison.replicateGroups()
        #expect(groups.map(\.setting) == [["data.noise": "0.1"], ["data.noise": "0.3"]])
        #expect(groups.map(\.entries.count) == [2, 2])
    }

    @Test("settings are listed by value, numbers as numbers, whatever order their runs were made in")
    func settingsOrder() throws {
        // Given a sweep written in no order, its runs listed in several orders (as after a merge of shards)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        let sweep = #"{"group": "g", "data": {"points": 40}, "model": {"hidden": [10, 2, 100]}, "training": {"epochs": 1, "learning_rate": [0.2, 0.02], "seed": [1, 2]}}"#
        for spec in try specs(sweep) { try record(spec, in: store) }
        let runs = try store.runs(inGroup: "g")
        var generator = SystemRandomNumberGenerator()
        let orders = [runs, runs.reversed()] + (0..<5).map { _ in runs.shuffled(using: &generator) }

        // Then every order gives the same aggregated rows, hidden sizes 2, 10, 100 and each one's learning rates ascending
        let tables = try orders.map { try Comparison(store: store, runs: $0).aggregatedTable() }
        #expect(tables[0].rows.map { [$0[0].text, $0[1].text] }
            == [["2", "0.02"], ["2", "0.2"], ["10", "0.02"], ["10", "0.2"], ["100", "0.02"], ["100", "0.2"]])
        for table in tables.dropFirst() {
            #expect(table.rows.map { $0.map(\.text) } == tables[0].rows.map { $0.map(\.text) })
        }
    }

    @Test("setting values: numbers by value before text, text by code point")
    func valueOrder() {
        #expect(["moons", "10", "2", "1e-3", "-1", "circles"].sorted(by: RunSettings.precedes) == ["-1", "1e-3", "2", "10", "circles", "moons"])
        #expect(RunSettings.precedes(["2", "b"], ["10", "a"]))
        #expect(!RunSettings.precedes(["2", "b"], ["2", "a"]))
        #expect(!RunSettings.precedes(["2"], ["2"]))
        // "nan" reads as a Double but sorts as text, after the numbers, so the order stays total.
        #expect(["nan", "10", "moons", "2"].sorted(by: RunSettings.precedes) == ["2", "10", "moons", "nan"])
        #expect(RunSettings.precedes("1", "nan") && !RunSettings.precedes("nan", "1"))
    }

    @Test("a column is found by its name, an aggregate's mean, or the spec's name of its setting")
    func columnNames() {
        let table = Table(headers: ["id", "lr", "seed", "val_acc_mean"], rows: [])
        #expect(["lr", "learning_rate", "training.learning_rate", "val_acc", "seed", "data.seed", "zzz"].map(table.column(named:))
            == ["lr", "lr", "lr", "val_acc_mean", "seed", "data.seed", "zzz"], "data.seed's column is data_seed, which this table lacks")
    }

    @Test("a completed run stands for its experiment rather than a later interrupted one")
    func completedWins() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        let spec = try #require(try specs(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 3}}"#).first)
        let completed = try record(spec, in: store)
        // A second run of the same spec on the same points that a signal stopped
        let interrupted = try startRun(of: spec, like: completed, in: store)
        try store.finishRun(id: interrupted.id, outcome: .interrupted(reason: "SIGINT"), metrics: nil, weights: [])

        let comparison = try Comparison(store: store, runs: store.runs(inGroup: "g").reversed())

        #expect(comparison.replicateGroups().map { $0.entries.map(\.summary.id) } == [[completed.identity.id]])
    }

    @Test("an aggregate counts as converged only completed runs: an interrupted one's zero error may not have lasted")
    func convergedOnlyWhenCompleted() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        let spec = try #require(try specs(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 3}}"#).first)
        let recorded = try record(spec, in: store)
        var ids: [String] = []
        for outcome in [RunOutcome.completed, .interrupted(reason: "SIGTERM")] {
            let run = try startRun(of: spec, like: recorded, in: store)
            for epoch in 1...2 {
                try store.recordEpoch(EpochRecord(runID: run.id, epoch: epoch, trainLoss: 0.1, trainAccuracy: 1, elapsedSeconds: 0.01))
            }
            try store.finishRun(id: run.id, outcome: outcome, metrics: nil, weights: [])
            ids.append(run.id)
        }
        for (id, converged) in zip(ids, ["1", "0"]) {
            let table = try Comparison(store: store, runs: [store.summaries(of: [id])[0]]).aggregatedTable(separateColumns: true)
            #expect(try store.summaries(of: [id])[0].convergedAtEpoch == 1, "each run's own column says where its error reached 0")
            let cells = Dictionary(uniqueKeysWithValues: zip(table.headers, table.rows.first?.map(\.text) ?? []))
            #expect(cells["converged"] == converged)
            #expect(cells["converged_epoch_mean"] == (converged == "1" ? "1" : ""))
        }
    }

    @Test("runs of one spec on an edited CSV are not replicates: a data_id column tells them apart")
    func editedData() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        let csv = (0..<20).map { "\(Double($0) / 10),\(Double($0 % 7) / 5),\($0 % 2)" }
        try folder.write("points.csv", csv.joined(separator: "\n"))
        let json = #"{"group": "g", "data": {"train_csv": "points.csv"}, "model": {"hidden": 3}, "training": {"epochs": 2}}"#
        try record(try #require(try parseSpec(json, folder: folder.path).first), in: store)
        try folder.write("points.csv", (csv.dropLast() + ["9,9,1"]).joined(separator: "\n"))
        try record(try #require(try parseSpec(json, folder: folder.path).first), in: store)

        let comparison = try Comparison(store: store, runs: store.runs(inGroup: "g").reversed())

        #expect(comparison.differingSettings == [RunSettings.storedPointsPath])
        #expect(comparison.table().headers.contains("data_id"))
        #expect(comparison.replicateGroups().count == 2)
    }

    @Test("start weights are a setting by file; their digest only tells apart runs of one edited file")
    func startWeightsDigest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        try folder.write("a.json", weightsJSON(d: 2, h: 3))
        try folder.write("b.json", weightsJSON(d: 2, h: 3).replacingOccurrences(of: "0.5}", with: "0.25}"))
        let sweep = #"{"group": "g", "data": {"points": 40}, "model": {"start_weights": ["a.json", "b.json"]}, "training": {"epochs": 1}}"#
        for spec in try parseSpec(sweep, folder: folder.path) { try record(spec, in: store) }
        #expect(try Comparison(store: store, runs: store.runs(inGroup: "g")).differingSettings == ["model.start_weights"])

        // a.json edited, the spec run again: the same file name, other weights.
        try folder.write("a.json", weightsJSON(d: 2, h: 3).replacingOccurrences(of: "0.5}", with: "0.75}"))
        try record(try #require(try parseSpec(sweep, folder: folder.path).first), in: store)
        let comparison = try Comparison(store: store, runs: store.runs(inGroup: "g"))
        #expect(comparison.differingSettings == ["model.start_weights", RunSettings.startWeightsDigestPath])
        #expect(comparison.table().headers.contains("weights_id"))
        #expect(comparison.entries.indices.allSatisfy { comparison.displayed(RunSettings.startWeightsDigestPath, at: $0).count == 8 }, "the first 8 hex digits")
    }

    @Test("a setting's mean and deviation have the same bits whatever order its runs come in")
    func statisticsIgnoreOrder() {
        // Summed left to right, these give a different last digit in different orders.
        let values = [0.5011111111111111, 0.1, 0.7, 0.30000000000000004, 1e-17, 0.6666666666666666, 0.2]
        let orders = (0..<200).map { _ in values.shuffled() }
        #expect(Set(orders.map { $0.reduce(0, +).bitPattern }).count > 1, "the values tell the orders apart")
        let reference = Statistics.meanAndStandardDeviation(values)
        for order in orders {
            let statistics = Statistics.meanAndStandardDeviation(order)
            #expect(statistics.mean.bitPattern == reference.mean.bitPattern
                && statistics.standardDeviation.bitPattern == reference.standardDeviation.bitPattern)
        }
    }
}
