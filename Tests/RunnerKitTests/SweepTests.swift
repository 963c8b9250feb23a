import Foundation
import Testing
@testable import RunnerKit

@Suite struct SweepTests {
    static let practical = """
        {
          "name": "practical",
          "training": {"learning_rate": [2, 0.2, 0.02, 0.002], "seed": [1, 2, 3]},
          "model": {"hidden": [1, 2, 5, 7, 10, 100]}
        }
        """

    @Test func practicalSweepExpandsToSeventyTwoRunsInGridOrder() throws {
        let runs = try parseSpec(Self.practical)
        #expect(runs.count == 72)
        // Outer loop: model.hidden, then training.learning_rate, then training.seed (fixed field order).
        var expected: [(Int, Double, UInt64)] = []
        for hidden in [1, 2, 5, 7, 10, 100] {
            for rate in [2, 0.2, 0.02, 0.002] {
                for seed: UInt64 in [1, 2, 3] { expected.append((hidden, rate, seed)) }
            }
        }
        let actual = runs.map { ($0.model.hiddenUnits, $0.training.learningRate, $0.training.seed) }
        #expect(actual.elementsEqual(expected) { $0 == $1 })
        #expect(Set(runs.map(\.group)) == ["practical"])
        #expect(Set(runs.map(\.name)) == ["practical"])
        #expect(Set(runs.map(\.runName)).count == 72)
        #expect(runs[0].runName == "practical hidden=1 learning_rate=2 seed=1")
        #expect(runs[1].runName == "practical hidden=1 learning_rate=2 seed=2")
        #expect(runs[3].runName == "practical hidden=1 learning_rate=0.2 seed=1")
        #expect(runs[71].runName == "practical hidden=100 learning_rate=0.002 seed=3")
        #expect(runs[0].swept == [
            SweptParameter(field: "model.hidden", key: "hidden", value: "1"),
            SweptParameter(field: "training.learning_rate", key: "learning_rate", value: "2"),
            SweptParameter(field: "training.seed", key: "seed", value: "1"),
        ])
        #expect(runs[10].swept.map(\.value) == ["1", "0.002", "2"])
        // Unswept fields keep their defaults in every run.
        #expect(Set(runs.map(\.training.epochs)) == [100])
    }

    @Test func fileKeyOrderDoesNotChangeTheGrid() throws {
        let reordered = """
            {"model": {"hidden": [1, 2, 5, 7, 10, 100]}, "name": "practical",
             "training": {"seed": [1, 2, 3], "learning_rate": [2, 0.2, 0.02, 0.002]}}
            """
        #expect(try parseSpec(reordered) == parseSpec(Self.practical))
    }

    @Test func dataSeedHasItsOwnShortKeyAndDataFieldsLoopOutermost() throws {
        let runs = try parseSpec(#"{"name": "s", "training": {"seed": [1, 2]}, "data": {"seed": [5, 6], "generator": ["xor", "moons"]}}"#)
        #expect(runs.map(\.runName) == [
            "s generator=xor data_seed=5 seed=1", "s generator=xor data_seed=5 seed=2",
            "s generator=xor data_seed=6 seed=1", "s generator=xor data_seed=6 seed=2",
            "s generator=moons data_seed=5 seed=1", "s generator=moons data_seed=5 seed=2",
            "s generator=moons data_seed=6 seed=1", "s generator=moons data_seed=6 seed=2",
        ])
        // Each generator gets its own default noise.
        #expect(runs[0].data.source == .generator(.xor, points: 400, noise: 0.05))
        #expect(runs[4].data.source == .generator(.moons, points: 400, noise: 0.1))
    }

    @Test func aOneElementArrayStillCountsAsSwept() throws {
        let runs = try parseSpec(#"{"name": "one", "training": {"order": ["file"]}}"#)
        #expect(runs.map(\.runName) == ["one order=file"])
    }

    @Test func validationFractionCanSweepOverNull() throws {
        let runs = try parseSpec(#"{"name": "v", "data": {"validation_fraction": [0.1, null]}}"#)
        #expect(runs.map(\.data.validation) == [.fraction(0.1), .none])
        #expect(runs.map(\.runName) == ["v validation_fraction=0.1", "v validation_fraction=none"])
    }

    @Test func sweptCSVPathsKeepTheirWrittenFormInRunNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data/a.csv", csvText(points: 6))
        try folder.write("data/b.csv", csvText(points: 8))
        let runs = try parseSpec(#"{"name": "c", "data": {"train_csv": ["data/a.csv", "data/b.csv"]}}"#, folder: folder.path)
        #expect(runs.map(\.runName) == ["c train_csv=data/a.csv", "c train_csv=data/b.csv"])
        #expect(runs.map(\.data.source) == [.csv(path: "\(folder.path)/data/a.csv"), .csv(path: "\(folder.path)/data/b.csv")])
        #expect(runs.map(\.hyperparameters.dataSet) == ["a.csv", "b.csv"])
    }
}
