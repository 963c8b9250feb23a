import Foundation
import RunnerPlots
import RunnerStore

extension Figures {
    /// One self-contained HTML page about `runs`: the comparison table, the
    /// learning curves, the sweep summary when the runs vary the learning rate
    /// or the hidden size, and a small decision boundary per 2-D run.
    ///
    /// - Parameter generatedAt: The line under the title, given by the caller
    ///   so the same input makes the same file.
    public func report(_ runs: [RunSummary], title: String, generatedAt: String) throws -> String {
        let comparison = try Comparison(store: store, runs: runs)
        let withEpochs = runs.filter { $0.epochsCompleted > 0 }
        // The sweep summary shows final metrics: runs still running (or stopped before an epoch) have none.
        let finished = runs.filter { $0.finalTrainAccuracy != nil }
        let learningRates = Set(finished.map(\.hyperparameters.learningRate))
        let hiddenSizes = Set(finished.map(\.hyperparameters.hiddenUnits))
        let axis: SweepAxis? = learningRates.count > 1 ? .learningRate : hiddenSizes.count > 1 ? .hidden : nil
        let boundaries = try runs.filter { $0.hyperparameters.inputDimension == 2 && $0.epochsCompleted > 0 }
            .compactMap { run -> DecisionBoundaryChart? in
                do {
                    let chart = try decisionBoundary(run, resolution: 48)
                    return DecisionBoundaryChart(title: Self.label(run), grid: chart.grid, points: chart.points)
                } catch FigureError.noWeights {
                    return nil
                }
            }
        // The comparison table without its widest columns, so it fits a page: the
        // differing settings already say what the name of a sweep's run says.
        let table = comparison.table()
        let kept = table.headers.indices.filter { !["name", "best_train_loss", "best_train_acc"].contains(table.headers[$0]) }
        return try HTMLReport(
            title: title, generatedAt: generatedAt,
            table: HTMLReport.Table(headers: kept.map { table.headers[$0] }, rows: table.rows.map { row in kept.map { row[$0].text } }),
            learningCurves: withEpochs.isEmpty ? nil : learningCurves(withEpochs),
            sweepSummary: try axis.map { try sweepSummary(finished, axis: $0) },
            decisionBoundaries: boundaries
        ).html()
    }
}
