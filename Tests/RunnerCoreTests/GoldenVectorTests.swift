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

/// How far `actual` is from `expected`, in units in the last place of `expected`
/// (−0 and +0 are equal, as numbers).
func ulps(_ actual: Double, _ expected: Double) -> Double {
    actual == expected ? 0 : abs(actual - expected) / expected.ulp
}

/// Expects `actual` within `bound` ulps of `expected`.
func expectWithin(_ bound: Double, ulpsOf expected: Double, _ actual: Double, _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    let distance = ulps(actual, expected)
    #expect(distance <= bound, "\(what()): got \(actual), expected \(expected) (\(distance) ulps apart)", sourceLocation: sourceLocation)
}

/// The core computes the seed's formulas but not bit for bit numpy's arithmetic: its `exp`
/// is its own (`PortableMath`, so that every machine gets the same bits), its loss is the
/// stable softplus, it sums Wo·H four lanes at a time, and its Wi gradient multiplies
/// x·(g·Wo) where the seed multiplies g·(Wo·x). So the bounds below are the distances
/// measured, in ulps: a change of kernel that moves a result further from the seed's fails
/// here (one that changes any bit fails `PinnedResultsTests`).
@Suite("Golden vectors from the seed's numpy code")
struct GoldenVectorTests {
    @Test("loss and every gradient component are within one ulp of numpy's")
    func gradients() throws {
        let reference = try GoldenReference.load()
        #expect(reference.gradients.count == 6)
        for (n, golden) in reference.gradients.enumerated() {
            let parameters = try Parameters(wi: golden.Wi, bi: golden.bi, wo: golden.Wo, bo: golden.bo)
            let (loss, gradient) = parameters.gradient(at: golden.X, label: golden.Y)
            expectWithin(1, ulpsOf: golden.loss, loss, "case \(n) loss")
            for (j, row) in golden.grad_Wi.enumerated() {
                for (k, value) in row.enumerated() {
                    expectWithin(1, ulpsOf: value, gradient.wi[j][k], "case \(n) grad Wi[\(j)][\(k)]")
                }
            }
            for (k, value) in golden.grad_bi.enumerated() {
                expectWithin(1, ulpsOf: value, gradient.bi[k], "case \(n) grad bi[\(k)]")
            }
            for (k, value) in golden.grad_Wo.enumerated() {
                expectWithin(1, ulpsOf: value, gradient.wo[k], "case \(n) grad Wo[\(k)]")
            }
            expectWithin(1, ulpsOf: golden.grad_bo, gradient.bo, "case \(n) grad bo")
        }
    }

    @Test("the 5-epoch SGD trajectory: losses within 2 ulps, accuracies equal, final weights within 3 ulps")
    func trajectory() throws {
        let golden = try GoldenReference.load().trajectory
        let data = Dataset(points: golden.points.map { Array($0.dropLast()) }, labels: golden.points.map { $0.last! })
        var random = RandomSource(seed: 0)
        let options = TrainingOptions(learningRate: golden.learning_rate, epochs: golden.epochs, order: .file)

        let result = golden.initial.trained(on: data, options: options, random: &random)

        #expect(result.outcome == .completed)
        #expect(result.epochs.count == golden.per_epoch.count)
        for (report, expected) in zip(result.epochs, golden.per_epoch) {
            expectWithin(2, ulpsOf: expected.loss, report.training.loss, "epoch \(report.epoch) loss")
            #expect(report.training.accuracy == expected.accuracy, "epoch \(report.epoch) accuracy")
        }
        for (actual, expected) in zip(result.parameters.values, golden.final.values) {
            expectWithin(3, ulpsOf: expected, actual, "final weight")
        }
    }
}
