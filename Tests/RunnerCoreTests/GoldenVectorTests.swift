import Foundation
import RunnerCore
import Testing

/// The golden vectors were computed with the seed's own numpy `gradient_nn`
/// (the Kronecker-product version) in float64; see `Fixtures/seed-reference.json`.
struct GoldenReference: Decodable {
    struct GradientCase: Decodable {
        var h: Int
        var X: [Double]
        var Y: Double
        var Wi: [[Double]], bi: [Double], Wo: [Double], bo: Double
        var loss: Double
        var grad_Wi: [[Double]], grad_bi: [Double], grad_Wo: [Double], grad_bo: Double
    }
    struct Trajectory: Decodable {
        struct Epoch: Decodable { var loss: Double, accuracy: Double }
        var points: [[Double]]
        var initial: Parameters
        var learning_rate: Double
        var epochs: Int
        var per_epoch: [Epoch]
        var final: Parameters
    }
    var gradients: [GradientCase]
    var trajectory: Trajectory

    static func load() throws -> GoldenReference {
        let url = try #require(Bundle.module.url(forResource: "seed-reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(GoldenReference.self, from: Data(contentsOf: url))
    }
}

/// |actual − expected| ≤ tolerance·|expected|; an expected zero must be matched exactly.
func expectClose(_ actual: Double, _ expected: Double, relative tolerance: Double, _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = expected == 0 ? abs(actual) : abs(actual - expected) / abs(expected)
    #expect(error <= tolerance, "\(what()): got \(actual), expected \(expected) (relative error \(error))", sourceLocation: sourceLocation)
}

@Suite("Golden vectors from the seed's numpy code")
struct GoldenVectorTests {
    @Test("loss and every gradient component match to 1e-12")
    func gradients() throws {
        let reference = try GoldenReference.load()
        #expect(reference.gradients.count == 6)
        for (n, golden) in reference.gradients.enumerated() {
            let parameters = try Parameters(wi: golden.Wi, bi: golden.bi, wo: golden.Wo, bo: golden.bo)
            let (loss, gradient) = parameters.gradient(at: golden.X, label: golden.Y)
            expectClose(loss, golden.loss, relative: 1e-12, "case \(n) loss")
            for (j, row) in golden.grad_Wi.enumerated() {
                for (k, value) in row.enumerated() {
                    expectClose(gradient.wi[j][k], value, relative: 1e-12, "case \(n) grad Wi[\(j)][\(k)]")
                }
            }
            for (k, value) in golden.grad_bi.enumerated() {
                expectClose(gradient.bi[k], value, relative: 1e-12, "case \(n) grad bi[\(k)]")
            }
            for (k, value) in golden.grad_Wo.enumerated() {
                expectClose(gradient.wo[k], value, relative: 1e-12, "case \(n) grad Wo[\(k)]")
            }
            expectClose(gradient.bo, golden.grad_bo, relative: 1e-12, "case \(n) grad bo")
        }
    }

    @Test("the 5-epoch SGD trajectory is reproduced to 1e-10")
    func trajectory() throws {
        let golden = try GoldenReference.load().trajectory
        let data = Dataset(points: golden.points.map { Array($0.dropLast()) }, labels: golden.points.map { $0.last! })
        var random = RandomSource(seed: 0)
        let options = TrainingOptions(learningRate: golden.learning_rate, epochs: golden.epochs, order: .file)

        let result = golden.initial.trained(on: data, options: options, random: &random)

        #expect(result.outcome == .completed)
        #expect(result.epochs.count == golden.per_epoch.count)
        for (report, expected) in zip(result.epochs, golden.per_epoch) {
            expectClose(report.training.loss, expected.loss, relative: 1e-10, "epoch \(report.epoch) loss")
            expectClose(report.training.accuracy, expected.accuracy, relative: 1e-10, "epoch \(report.epoch) accuracy")
        }
        for (actual, expected) in zip(result.parameters.values, golden.final.values) {
            expectClose(actual, expected, relative: 1e-10, "final weight")
        }
    }
}
