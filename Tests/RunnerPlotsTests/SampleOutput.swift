import Foundation
import Testing

@testable import RunnerPlots

/// Writes one file per chart kind and a report for looking at them in a
/// browser: `RUNNER_PLOTS_SAMPLES=/tmp/plots-samples swift test --filter SampleOutput`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNNER_PLOTS_SAMPLES"] != nil))
struct SampleOutput {
    @Test func writeSamples() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["RUNNER_PLOTS_SAMPLES"]!)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let rates = [0.3, 0.1, 0.03, 0.01, 0.003]
        let few = rates.enumerated().map { Fixture.run("lr \($1), hidden 8, seed \($0)", rate: $1 / 2, final: 0.9 + $1 / 5, seed: UInt64($0)) }
        try write("curves.svg", try LearningCurveChart(title: "Learning curves", runs: few).svg())
        let many = (0..<120).map { Fixture.run("lr \(rates[$0 % 5]), hidden \(2 << ($0 % 6)), seed \($0 / 30)", rate: 0.02 + Double($0 % 7) * 0.03, seed: UInt64($0)) }
        try write("curves-many.svg", try LearningCurveChart(title: "Learning curves, 120 runs", runs: many).svg())

        let points = Fixture.circlePoints(count: 120)
        let range = DecisionBoundaryChart.paddedRange(of: points)
        let grid = BoundaryGrid(xRange: range.x, yRange: range.y, nx: 120, ny: 120, output: Fixture.circleOutput)
        let boundary = DecisionBoundaryChart(title: "Decision boundary — lr 0.1, hidden 8", grid: grid, points: points)
        try write("boundary.svg", try boundary.svg())
        try write("boundary-thumbnail.svg", try boundary.svg(style: .thumbnail))

        let sweep = SweepSummaryChart(title: "Final validation error by learning rate", points: Fixture.sweep(rates: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1], hidden: [2, 4, 8, 16, 32]), xTitle: "learning rate", seriesTitle: "hidden units")
        try write("sweep.svg", try sweep.svg())

        let report = HTMLReport(
            title: "Sweep <lr × hidden> & seeds",
            generatedAt: "Generated 2026-01-01 12:00 UTC by runner (sample)",
            table: .init(
                headers: ["run", "learning rate", "hidden", "seed", "final train error", "final validation error", "status"],
                rows: many.enumerated().map { index, run in
                    [run.label, "\(rates[index % 5])", "\(2 << (index % 6))", "\(index / 30)",
                     NumberFormat.fixed(1 - run.trainAccuracy.last!.value, decimals: 4),
                     NumberFormat.fixed(1 - run.validationAccuracy.last!.value, decimals: 4), index % 17 == 0 ? "diverged" : "ok"]
                }
            ),
            learningCurves: LearningCurveChart(title: "Learning curves", runs: many),
            sweepSummary: sweep,
            decisionBoundaries: many.map { run in
                let shifted = BoundaryGrid(xRange: range.x, yRange: range.y, nx: 40, ny: 40) { x, y in Fixture.circleOutput(x, y) + Double(run.label.count % 5) * 0.3 - 0.6 }
                return DecisionBoundaryChart(title: run.label, grid: shifted, points: points)
            }
        )
        try write("report.html", try report.html())
    }
}
