import Foundation
import Testing

@Suite("runner run against the seed's numpy trajectory")
struct GoldenTrajectoryTests {
    /// The golden vectors of the core's tests, computed with the seed's own numpy code.
    static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RunnerCoreTests/Fixtures/seed-reference.json")

    @Test("explicit start weights, CSV points and file order reproduce the golden 5-epoch trajectory")
    func goldenTrajectory() throws {
        // Given the golden trajectory's points as a CSV file and its start weights as a JSON file
        let golden = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.reference)) as? [String: Any])
        let trajectory = try #require(golden["trajectory"] as? [String: Any])
        let points = try #require(trajectory["points"] as? [[Double]])
        let perEpoch = try #require(trajectory["per_epoch"] as? [[String: Double]])
        let final = try #require(trajectory["final"] as? [String: Any])
        let sandbox = try Sandbox()
        try sandbox.write("points.csv", "x1,x2,label\n" + points.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n") + "\n")
        try sandbox.write("start.json", String(decoding: try JSONSerialization.data(withJSONObject: try #require(trajectory["initial"])), as: UTF8.self))
        let spec = try sandbox.spec("golden", """
            {"data": {"train_csv": "points.csv", "validation_fraction": null},
             "model": {"start_weights": "start.json"},
             "training": {"learning_rate": \(try #require(trajectory["learning_rate"] as? Double)), "epochs": 5, "order": "file"}}
            """)

        // When runner trains it
        let id = try #require(try sandbox.runSpec(spec).first)

        // Then every epoch's loss and accuracy and the final weights match numpy to 1e-10
        let epochs = try sandbox.sqlite("SELECT printf('%!.17g', train_loss), printf('%!.17g', train_accuracy) FROM epochs WHERE run_id = '\(id)' ORDER BY epoch")
        #expect(epochs.count == perEpoch.count)
        for (row, expected) in zip(epochs, perEpoch) {
            expectClose(Double(row[0]), expected["loss"]!, "loss")
            expectClose(Double(row[1]), expected["accuracy"]!, "accuracy")
        }
        let stored = try sandbox.sqlite("SELECT tensor, row, col, bits FROM weights WHERE run_id = '\(id)'")
        var weights: [String: Double] = [:]
        for row in stored { weights["\(row[0])[\(row[1])][\(row[2])]"] = double(bits: row[3]) }
        let wi = try #require(final["Wi"] as? [[Double]])
        for (j, values) in wi.enumerated() {
            for (k, value) in values.enumerated() { expectClose(weights["Wi[\(j)][\(k)]"], value, "Wi[\(j)][\(k)]") }
        }
        for (name, key) in [("bi", "bi"), ("Wo", "Wo")] {
            for (k, value) in try #require(final[key] as? [Double]).enumerated() { expectClose(weights["\(name)[\(k)][0]"], value, "\(name)[\(k)]") }
        }
        expectClose(weights["bo[0][0]"], try #require(final["bo"] as? Double), "bo")
        #expect(stored.count == wi.count * wi[0].count + 2 * wi[0].count + 1)
    }

    private func expectClose(_ actual: Double?, _ expected: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let actual else {
            Issue.record("\(what) missing", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(actual - expected) <= 1e-10 * max(abs(expected), 1e-300), "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
    }
}
