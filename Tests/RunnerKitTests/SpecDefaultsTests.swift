import Foundation
import RunnerCore
import Testing
@testable import RunnerKit

@Suite struct SpecDefaultsTests {
    @Test func emptySpecGetsEveryDefaultAndTheFileName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("practical-default.json", "{}")
        let runs = try SpecFile.load(path: path)
        try #require(runs.count == 1)
        let run = runs[0]
        #expect(run.name == "practical-default")
        #expect(run.runName == "practical-default")
        #expect(run.group == "practical-default")
        #expect(run.description == nil)
        #expect(run.swept.isEmpty)
        #expect(run.data == DataSettings(source: .generator(.doubleMoon, points: 400, noise: 0), seed: 0, validation: .fraction(0.2)))
        #expect(run.model == ModelSettings(hiddenUnits: 7, start: .random(.he)))
        #expect(run.training == TrainingSettings(learningRate: 0.02, epochs: 100, seed: 1, order: .shuffle, batchSize: 1, weightDecay: 0))
        #expect(run.trainingOptions == TrainingOptions(learningRate: 0.02, epochs: 100, order: .shuffle, batchSize: 1, weightDecay: 0))
    }

    @Test func explicitValuesOverrideDefaults() throws {
        let runs = try parseSpec("""
            {
              "name": "practical", "group": "g", "description": "free text",
              "data": {"generator": "spiral", "points": 50, "noise": 0.25, "seed": 9, "validation_fraction": null},
              "model": {"hidden": 3, "init": "uniform"},
              "training": {"learning_rate": 2, "epochs": 5, "seed": 4, "order": "replacement", "batch_size": 8, "weight_decay": 0.001}
            }
            """)
        let run = try #require(runs.first)
        #expect(run.name == "practical" && run.group == "g" && run.description == "free text")
        #expect(run.data == DataSettings(source: .generator(.spiral, points: 50, noise: 0.25), seed: 9, validation: .none))
        #expect(run.model == ModelSettings(hiddenUnits: 3, start: .random(.uniform)))
        #expect(run.training == TrainingSettings(learningRate: 2, epochs: 5, seed: 4, order: .replacement, batchSize: 8, weightDecay: 0.001))
    }

    @Test func noiseDefaultsToTheGeneratorsOwn() throws {
        let run = try #require(try parseSpec(#"{"data": {"generator": "gaussians"}}"#).first)
        #expect(run.data.source == .generator(.gaussians, points: 400, noise: DataGenerator.gaussians.defaultNoise))
    }

    @Test func groupDefaultsToTheName() throws {
        let run = try #require(try parseSpec(#"{"name": "mine"}"#).first)
        #expect(run.group == "mine")
    }

    @Test func wholeNumbersWrittenAsDecimalsAreIntegers() throws {
        let run = try #require(try parseSpec(#"{"model": {"hidden": 7.0}, "training": {"epochs": 1e3, "seed": 9007199254740992}}"#).first)
        #expect(run.model.hiddenUnits == 7)
        #expect(run.training.epochs == 1000)
        #expect(run.training.seed == 1 << 53)
    }

    @Test func hyperparametersForTheDatabase() throws {
        let run = try #require(try parseSpec(#"{"model": {"init": "xavier"}, "training": {"seed": 3}}"#).first)
        #expect(run.hyperparameters == ExperimentHyperparameters(
            hiddenUnits: 7, learningRate: 0.02, epochs: 100, seed: 3, dataSet: "double_moon",
            batchSize: 1, weightDecay: 0, order: "shuffle", initialization: "xavier"))
    }
}
