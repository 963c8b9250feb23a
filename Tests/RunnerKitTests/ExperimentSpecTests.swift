import Foundation
import RunnerCore
import RunnerStore
import Testing
@testable import RunnerKit

@Suite struct ExperimentSpecTests {
    @Test func canonicalJSONOfTheDefaultsIsPinned() throws {
        let run = try #require(try parseSpec("{}", name: "practical.json").first)
        #expect(run.canonicalJSON == #"{"data":{"generator":"double_moon","noise":0,"points":400,"seed":0,"validation_fraction":0.2},"group":"practical","model":{"hidden":7,"init":"he"},"name":"practical","run_name":"practical","swept":[],"training":{"batch_size":1,"epochs":100,"learning_rate":0.02,"order":"shuffle","seed":1,"weight_decay":0}}"#)
    }

    @Test func canonicalJSONRoundTripsEverySweptRun() throws {
        for run in try parseSpec(SweepTests.practical) + parseSpec(#"{"description": "d", "data": {"validation_fraction": [null, 0.3]}, "training": {"learning_rate": 0.1, "weight_decay": 1e-7}}"#) {
            let text = run.canonicalJSON
            let decoded = try ExperimentSpec(canonicalJSON: text)
            #expect(decoded == run)
            #expect(decoded.canonicalJSON == text)
        }
    }

    @Test func canonicalJSONRoundTripsFilesAndStartWeights() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data/train.csv", csvText(points: 10))
        try folder.write("data/val.csv", csvText(points: 4))
        try folder.write("w.json", weightsJSON(d: 2, h: 3))
        let spec = #"{"data": {"train_csv": "data/train.csv", "validation_csv": "data/val.csv"}, "model": {"start_weights": "w.json"}}"#
        let run = try #require(try parseSpec(spec, folder: folder.path).first)
        #expect(run.canonicalJSON.contains(#""train_csv":"\#(folder.path)/data/train.csv""#))
        #expect(try ExperimentSpec(canonicalJSON: run.canonicalJSON) == run)
    }

    @Test func csvPathsAreResolvedAgainstTheSpecsFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data/train.csv", csvText(points: 10))
        let specPath = try folder.write("experiments/csv.json", #"{"data": {"train_csv": "../data/train.csv", "validation_fraction": 0.3}}"#)
        let run = try #require(try SpecFile.load(path: specPath).first)
        #expect(run.data.source == .csv(path: "\(folder.path)/data/train.csv"))
        #expect(run.hyperparameters.dataSet == "train.csv")
        let (training, validation) = try run.loadData()
        #expect(training.count == 7)
        #expect(validation?.count == 3)
        #expect(training.dimension == 2)
    }

    @Test func separateValidationCSVIsLoadedWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train.csv", csvText(points: 10))
        try folder.write("val.csv", csvText(points: 4))
        let run = try #require(try parseSpec(#"{"data": {"train_csv": "train.csv", "validation_csv": "val.csv"}}"#, folder: folder.path).first)
        let (training, validation) = try run.loadData()
        #expect(training == (try Dataset(csv: csvText(points: 10), path: "x")))
        #expect(validation == (try Dataset(csv: csvText(points: 4), path: "x")))
    }

    @Test func generatedDataIsDeterministicAndDependsOnlyOnTheDataSeed() throws {
        let runs = try parseSpec(#"{"data": {"seed": [3, 4]}, "training": {"seed": [1, 2]}}"#)
        let data = try runs.map { try $0.loadData() }
        // Same spec, same data.
        let again = try runs[0].loadData()
        #expect(again.training == data[0].training && again.validation == data[0].validation)
        // The training seed does not touch the data; the data seed does.
        #expect(data[0].training == data[1].training)
        #expect(data[0].training != data[2].training)
        #expect(data[0].training.count == 320 && data[0].validation?.count == 80)
        // Matches the documented recipe: one source of the data seed generates, then splits.
        var random = RandomSource(seed: 3)
        let all = DataGenerator.doubleMoon.generate(points: 400, noise: 0, random: &random)
        let split = all.split(validationFraction: 0.2, using: &random)
        #expect(split.training == data[0].training && split.validation == data[0].validation)
    }

    @Test func randomStartWeightsComeFromTheTrainingSeed() throws {
        let runs = try parseSpec(#"{"model": {"hidden": 4, "init": "xavier"}, "training": {"seed": [1, 2]}}"#)
        var random = runs[0].makeTrainingRandom()
        let first = try runs[0].startParameters(inputDimension: 2, random: &random)
        var expectedRandom = RandomSource(seed: 1)
        let expected = Parameters(inputDimension: 2, hiddenUnits: 4, initialization: .xavier, random: &expectedRandom)
        #expect(first == expected)
        // The caller's source has advanced exactly as far as the initialization drew.
        #expect(random.next() == expectedRandom.next())
        var other = runs[1].makeTrainingRandom()
        #expect(try runs[1].startParameters(inputDimension: 2, random: &other) != first)
    }

    @Test func startWeightsFromAFileAreCheckedAgainstTheData() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("w.json", weightsJSON(d: 2, h: 3))
        let run = try #require(try parseSpec(#"{"model": {"start_weights": "w.json", "hidden": 3}}"#, folder: folder.path).first)
        var random = run.makeTrainingRandom()
        let untouched = random
        let parameters = try run.startParameters(inputDimension: 2, random: &random)
        #expect(parameters.hiddenUnits == 3 && parameters.inputDimension == 2)
        #expect(parameters.bo == 0.5)
        var copy = untouched
        #expect(random.next() == copy.next())
        #expect(throws: ExperimentError("the start weights \(folder.path)/w.json are for 2 input features (Wi has 2 rows), but the data has 5")) {
            try run.startParameters(inputDimension: 5, random: &random)
        }
        var wrongHidden = run
        wrongHidden.model.hiddenUnits = 4
        #expect(throws: ExperimentError("the start weights \(folder.path)/w.json have 3 hidden units, but the spec asks for 4")) {
            try wrongHidden.startParameters(inputDimension: 2, random: &random)
        }
    }

    @Test func loadDataReportsFilesThatChangedSinceValidation() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train.csv", csvText(points: 10, dimension: 2))
        try folder.write("val.csv", csvText(points: 4, dimension: 2))
        let run = try #require(try parseSpec(#"{"data": {"train_csv": "train.csv", "validation_csv": "val.csv"}}"#, folder: folder.path).first)
        try folder.write("val.csv", csvText(points: 4, dimension: 3))
        #expect(throws: ExperimentError("the validation CSV \(folder.path)/val.csv has 3 features per point but the training data (\(folder.path)/train.csv) has 2; both need the same")) {
            try run.loadData()
        }
        try FileManager.default.removeItem(atPath: "\(folder.path)/train.csv")
        #expect(throws: ExperimentError("cannot read the training CSV \(folder.path)/train.csv: no such file")) {
            try run.loadData()
        }
    }

    @Test func numbersKeepTheirShortestForm() throws {
        let run = try #require(try parseSpec(#"{"training": {"learning_rate": 0.1, "weight_decay": 0.0001}, "data": {"noise": 0.30000000000000004}}"#).first)
        let json = run.canonicalJSON
        #expect(json.contains(#""learning_rate":0.1,"#))
        #expect(json.contains(#""weight_decay":0.0001}"#))
        #expect(json.contains(#""noise":0.30000000000000004,"#))
    }

    @Test func trainingJobFollowsTheSeedRecipeAndTrains() throws {
        let run = try #require(try parseSpec(#"{"data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 2, "seed": 5}}"#).first)
        let job = try TrainingJob(spec: run)
        let (training, validation) = try run.loadData()
        #expect(job.training == training && job.validation == validation)
        var random = RandomSource(seed: 5)
        #expect(job.startParameters == Parameters(inputDimension: 2, hiddenUnits: 3, initialization: .he, random: &random))
        var copy = job.random
        #expect(copy.next() == random.next())
        let result = job.train { _ in .proceed }
        #expect(result.epochCount == 2 && result.outcome == .completed)
        #expect(result == job.train { _ in .proceed }, "training a job twice gives the same result")
    }

    @Test("a trained run waiting for its claim counts its epochs, weights and data sets, which its claim holds")
    func bytesWaitingCountTheData() throws {
        // 40 and 40,040 points (a fifth for validation), h = 3: 13 weights
        let small = try TrainingJob(spec: try #require(try parseSpec(#"{"data": {"points": 40}, "model": {"hidden": 3}}"#).first))
        let large = try TrainingJob(spec: try #require(try parseSpec(#"{"data": {"points": 40040}, "model": {"hidden": 3}}"#).first))
        let perEpoch = MemoryLayout<EpochRecord>.stride + MemoryLayout<EpochReport>.stride
        #expect(RunExecutor.bytesWaiting(small, epochs: 10, weights: small.startParameters) == 10 * perEpoch + (40 * 3 + 13) * 8)
        #expect(RunExecutor.bytesWaiting(large, epochs: 0, weights: large.startParameters) - RunExecutor.bytesWaiting(small, epochs: 0, weights: small.startParameters)
                == 40_000 * 3 * 8)
    }

    @Test("claims share a transaction while the data sets they store, each counted once, hold at most 20,000 points")
    func claimBatches() throws {
        func jobs(points: Int, dataSeeds: [Int], validation: String = "0.2") throws -> [TrainingJob] {
            try dataSeeds.map { seed in
                let data = #"{"points": \#(points), "seed": \#(seed), "validation_fraction": \#(validation)}"#
                return try TrainingJob(spec: try #require(try parseSpec(#"{"data": \#(data), "model": {"hidden": 3}}"#).first))
            }
        }
        // 100 runs on one set of 400 points store it once: one batch
        #expect(RunExecutor.claimBatchSize(of: try Array(repeating: jobs(points: 400, dataSeeds: [0])[0], count: 100)) == 100)
        // sets of 8,000 points each: two fit, the third would make 24,000
        #expect(RunExecutor.claimBatchSize(of: try jobs(points: 8_000, dataSeeds: [1, 2, 3, 4])) == 2)
        // a larger set goes alone, and still goes
        #expect(RunExecutor.claimBatchSize(of: try jobs(points: 50_000, dataSeeds: [1, 2])) == 1)
        // sets over the stored limit are not stored: they do not count
        #expect(RunExecutor.claimBatchSize(of: try jobs(points: 100_100, dataSeeds: [1, 2, 3], validation: "null")) == 3)
    }
}
