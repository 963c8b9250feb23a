import Foundation
import Testing

@Suite("runner run against the seed's numpy trajectory")
struct GoldenTrajectoryTests {
    /// The golden vectors of the core's tests, computed with the seed's own numpy code.
    static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RunnerCoreTests/Fixtures/seed-reference.json")

    /// The golden trajectory, read with `JSONDecoder`: numbers that `JSONSerialization` parses
    /// are bridged to `Double` a bit off on Linux (0.30000000000000004 becomes 0.3000000000000001).
    struct Trajectory: Decodable {
        struct Weights: Codable {
            var Wi: [[Double]], bi: [Double], Wo: [Double], bo: Double
        }
        struct Epoch: Decodable { var loss: Double, accuracy: Double }
        var points: [[Double]]
        var initial: Weights
        var learning_rate: Double
        var per_epoch: [Epoch]
        var final: Weights
    }

    @Test("explicit start weights, CSV points and file order reproduce the golden 5-epoch trajectory")
    func goldenTrajectory() throws {
        // Given the golden trajectory's points as a CSV file and its start weights as a JSON file
        struct Reference: Decodable { var trajectory: Trajectory }
        let golden = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.reference)).trajectory
        let sandbox = try Sandbox()
        try sandbox.write("points.csv", "x1,x2,label\n" + golden.points.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n") + "\n")
        try sandbox.write("start.json", String(decoding: try JSONEncoder().encode(golden.initial), as: UTF8.self))
        let spec = try sandbox.spec("golden", """
            {"data": {"train_csv": "points.csv", "validation_fraction": null},
             "model": {"start_weights": "start.json"},
             "training": {"learning_rate": \(golden.learning_rate), "epochs": 5, "order": "file"}}
            """)

        // When runner trains it
        let id = try #require(try sandbox.runSpec(spec).first)

        // Then they are as close to numpy's as the core's own test finds them (GoldenVectorTests):
        // losses within 2 ulps, accuracies equal, final weights within 3 ulps
        let epochs = try sandbox.sqlite("SELECT printf('%!.17g', train_loss), printf('%!.17g', train_accuracy) FROM epochs WHERE run_id = '\(id)' ORDER BY epoch")
        #expect(epochs.count == golden.per_epoch.count)
        for (row, expected) in zip(epochs, golden.per_epoch) {
            expectWithin(2, ulpsOf: expected.loss, Double(row[0]), "loss")
            expectWithin(0, ulpsOf: expected.accuracy, Double(row[1]), "accuracy")
        }
        let stored = try sandbox.sqlite("SELECT tensor, row, col, bits FROM weights WHERE run_id = '\(id)'")
        var weights: [String: Double] = [:]
        for row in stored { weights["\(row[0])[\(row[1])][\(row[2])]"] = double(bits: row[3]) }
        for (j, values) in golden.final.Wi.enumerated() {
            for (k, value) in values.enumerated() { expectWithin(3, ulpsOf: value, weights["Wi[\(j)][\(k)]"], "Wi[\(j)][\(k)]") }
        }
        for (name, values) in [("bi", golden.final.bi), ("Wo", golden.final.Wo)] {
            for (k, value) in values.enumerated() { expectWithin(3, ulpsOf: value, weights["\(name)[\(k)][0]"], "\(name)[\(k)]") }
        }
        expectWithin(3, ulpsOf: golden.final.bo, weights["bo[0][0]"], "bo")
        #expect(stored.count == golden.final.Wi.count * golden.final.Wi[0].count + 2 * golden.final.bi.count + 1)
    }

    /// Expects `actual` within `bound` units in the last place of `expected`.
    private func expectWithin(_ bound: Double, ulpsOf expected: Double, _ actual: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let actual else {
            Issue.record("\(what) missing", sourceLocation: sourceLocation)
            return
        }
        let distance = actual == expected ? 0 : abs(actual - expected) / expected.ulp
        #expect(distance <= bound, "\(what): \(actual) vs \(expected) (\(distance) ulps apart)", sourceLocation: sourceLocation)
    }
}
