import Foundation
import RunnerPlots
import RunnerStore

extension Figures {
    /// One self-contained HTML page about `runs`: the comparison table, the
    /// learning curves (of the `curveLimit` best runs, when there are more),
    /// the sweep summary when the runs sweep the learning rate
    /// or the hidden size (some line of it has two points or more), and a
    /// small decision boundary per 2-D run.
    ///
    /// - Parameter generatedAt: The line under the title, given by the caller
    ///   so the same input makes the same file.
    public func report(_ runs: [RunSummary], title: String, generatedAt: String, curveLimit: Int = 10) throws -> String {
        let comparison = try Comparison(store: store, runs: runs)
        let withEpochs = runs.filter { $0.epochsCompleted > 0 }
        // Beyond a handful, overlaid curves are a tangle: show the best runs, by final
        // validation accuracy (training accuracy without validation), in table order.
        let score = { (run: RunSummary) in run.finalValidationAccuracy ?? run.finalTrainAccuracy ?? 0 }
        let best = Set(withEpochs.enumerated().sorted { (score($0.element), -$0.offset) > (score($1.element), -$1.offset) }
            .prefix(curveLimit).map(\.element.id))
        let curveRuns = withEpochs.filter { best.contains($0.id) }
        let curveTitle = curveRuns.count < withEpochs.count
            ? "Learning curves of the \(curveRuns.count) best of \(withEpochs.count) runs (by final accuracy)"
            : "Learning curves"
        // The sweep summary shows final metrics: runs still running (or stopped before an epoch) have none.
        let finished = runs.filter { $0.finalTrainAccuracy != nil }
        var summary: SweepSummaryChart?
        for axis in SweepAxis.allCases where summary == nil && !finished.isEmpty {
            let chart = try sweepSummary(finished, axis: axis)
            if Dictionary(grouping: chart.points, by: \.series).values.contains(where: { $0.count > 1 }) { summary = chart }
        }
        let boundaries = try runs.filter { $0.hyperparameters.inputDimension == 2 && $0.epochsCompleted > 0 }
            .compactMap { run -> DecisionBoundaryChart? in
                do {
                    let chart = try decisionBoundary(run, resolution: 48)
                    return DecisionBoundaryChart(title: Self.label(run), grid: chart.grid, points: chart.points)
                } catch FigureError.noWeights, FigureError.unreadableSpec {
                    return nil  // nothing to draw: no weights yet, or data that can no longer be rebuilt
                }
            }
        // The comparison table without its widest columns, so it fits a page: the
        // differing settings already say what the name of a sweep's run says.
        let table = comparison.table()
        let kept = table.headers.indices.filter { !["name", "best_train_loss", "best_train_acc"].contains(table.headers[$0]) }
        return try HTMLReport(
            title: title, generatedAt: generatedAt,
            table: HTMLReport.Table(headers: kept.map { table.headers[$0] }, rows: table.rows.map { row in kept.map { row[$0].text } }),
            learningCurves: curveRuns.isEmpty ? nil : learningCurves(curveRuns, title: curveTitle),
            sweepSummary: summary,
            decisionBoundaries: boundaries
        ).html()
    }
}
