import Foundation
import RunnerCore
import Testing
@testable import RunnerKit

/// `data.validation_points`: a validation set drawn anew from the training data's generator.
@Suite("Validation sets drawn from the generator")
struct ValidationPointsTests {
    @Test("validation_points resolves, stores and reads back in place of validation_fraction")
    func resolvesAndRoundTrips() throws {
        let run = try #require(try parseSpec(#"{"data": {"generator": "practical_moon", "points": 100, "validation_points": 50}}"#).first)
        #expect(run.data.source == .generator(.practicalMoon, points: 100, noise: 0))
        #expect(run.data.validation == .generated(points: 50))
        #expect(run.canonicalJSON.contains(#""validation_points":50"#))
        #expect(!run.canonicalJSON.contains("validation_fraction"))
        #expect(try ExperimentSpec(canonicalJSON: run.canonicalJSON) == run)
    }

    @Test("the validation points are a second draw after the training points, which stay as they are without them")
    func independentDraw() throws {
        let drawn = try #require(try parseSpec(#"{"data": {"generator": "practical_moon", "points": 100, "validation_points": 60, "seed": 4}}"#).first).loadData()
        let alone = try #require(try parseSpec(#"{"data": {"generator": "practical_moon", "points": 100, "validation_fraction": null, "seed": 4}}"#).first).loadData()
        #expect(drawn.training == alone.training)
        let validation = try #require(drawn.validation)
        #expect(validation.count == 60 && validation.labels.filter { $0 < 0 }.count == 30)
        // The same source goes on: exactly the next 60 points of that generator.
        var random = RandomSource(seed: 4)
        _ = DataGenerator.practicalMoon.generate(points: 100, noise: 0, random: &random)
        #expect(validation == DataGenerator.practicalMoon.generate(points: 60, noise: 0, random: &random))
        let trainingPoints = Set((0..<100).map { [drawn.training.features[2 * $0], drawn.training.features[2 * $0 + 1]] })
        #expect((0..<60).allSatisfy { !trainingPoints.contains([validation.features[2 * $0], validation.features[2 * $0 + 1]]) })
    }

    @Test("validation_points excludes the other validation sources and CSV training data")
    func exclusions() {
        let errors = specErrors(#"{"data": {"validation_points": 10, "validation_fraction": 0.3}}"#)
        #expect(errors.map(\.jsonPath) == ["$.data.validation_fraction"])
        #expect(errors[0].message.contains("'validation_fraction' cannot be combined with 'validation_points'"))
        let csv = specErrors(#"{"data": {"train_csv": "a.csv", "validation_csv": "b.csv", "validation_points": 10}}"#)
            .filter { $0.message.contains("cannot be combined") }
        #expect(csv.map(\.message) == [
            "'validation_points' cannot be combined with 'train_csv': 'validation_points' draws from the generator, and CSV data has none; use 'validation_csv' or 'validation_fraction'",
            "'validation_points' cannot be combined with 'validation_csv': the validation set comes either from 'validation_csv' or from the generator; remove one of them",
        ])
        #expect(specErrors(#"{"data": {"validation_points": 1}}"#).map(\.message) == ["expected an integer >= 2, found 1"])
    }
}
