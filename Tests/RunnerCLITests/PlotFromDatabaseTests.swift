import Foundation
import Testing

@Suite("pictures come from the database")
struct PlotFromDatabaseTests {
    @Test("a CSV run's decision boundary is drawn from its stored points after the CSV is gone")
    func boundaryWithoutTheCSV() throws {
        // Given a run trained on a CSV file
        let sandbox = try Sandbox()
        let rows = (0..<40).map { i -> String in
            let (x, y) = (Double(i % 8) / 4 - 1, Double(i / 8) / 2 - 1)
            return "\(x),\(y),\(x * y > 0 ? 1 : 0)"
        }
        try sandbox.write("points.csv", "x,y,label\n" + rows.joined(separator: "\n") + "\n")
        let spec = try sandbox.spec("csv", #"{"data": {"train_csv": "points.csv", "validation_fraction": null}, "model": {"hidden": 4}, "training": {"epochs": 3}}"#)
        let id = try #require(try sandbox.runSpec(spec).first)
        let before = try sandbox.succeed("plot", id, "--kind", "boundary", "--out", "before.svg")
        #expect(before.status == 0)

        // When the CSV file is deleted
        try FileManager.default.removeItem(at: sandbox.url.appendingPathComponent("points.csv"))

        // Then the same picture is drawn from the database
        try sandbox.succeed("plot", id, "--kind", "boundary", "--out", "after.svg")
        #expect(sandbox.contents("after.svg") == sandbox.contents("before.svg"))
        #expect(try sandbox.count("SELECT count(*) FROM dataset_points") == 40)
    }
}
