import Foundation
import RunnerPlots
import RunnerStore

extension Figures {
    /// How much of a large group a report shows, so that its size and the memory
    /// it takes stay bounded however many runs there are.
    public struct ReportLimits: Sendable {
        /// Rows of the runs table: all runs up to this many, else the best and worst half each.
        public var tableRows = 100
        /// Runs with learning curves.
        public var curves = 10
        /// Decision-boundary thumbnails: one per setting up to this many, else the best and worst half each.
        public var boundaries = 48

        public init() {}
    }

    /// One self-contained HTML page about `runs`.
    ///
    /// A single run gets its settings, its learning curves and its decision boundary
    /// at full size. Several runs get the comparison table (the best and worst runs
    /// when there are many), the mean ± std table when some settings were run with
    /// several seeds, the learning curves of the best runs, the sweep summary when
    /// the runs sweep the learning rate or the hidden size, and one boundary
    /// thumbnail per setting (its median run over seeds), laid out as the swept grid
    /// when two settings were swept. The page says what it summarised.
    ///
    /// - Parameter generatedAt: The line under the title, given by the caller
    ///   so the same input makes the same file.
    public func report(_ runs: [RunSummary], title: String, generatedAt: String, limits: ReportLimits = ReportLimits()) throws -> String {
        let comparison = try Comparison(store: store, runs: runs)
        if runs.count == 1 { return try singleRunReport(comparison, title: title, generatedAt: generatedAt) }
        let scores = comparison.entries.map { Self.score($0.summary) }
        let ranks = comparison.settingsRanks
        let order = scores.indices.sorted { (scores[$0], -ranks[$0]) > (scores[$1], -ranks[$1]) }

        // The table: every run, or the best and the worst, in table order.
        let table = comparison.table()
        var tableNote: String?
        var shownRows = Array(table.rows.indices)
        if runs.count > limits.tableRows {
            let half = limits.tableRows / 2
            shownRows = Array(order.prefix(half) + order.suffix(half)).sorted()
            tableNote = "The \(half) best and \(half) worst of \(runs.count) runs by final accuracy (validation, else training); "
                + "`runner compare` lists them all."
        }
        // The settings already say what a sweep's run names say; the best-epoch training metrics add little.
        let kept = table.headers.indices.filter {
            !["best_train_loss", "best_train_acc"].contains(table.headers[$0]) && (table.headers[$0] != "name" || comparison.spansGroups)
        }
        let runsTable = HTMLReport.Table(
            headers: kept.map { table.headers[$0] }, rows: shownRows.map { row in kept.map { table.rows[row][$0].text } })

        let replicates = comparison.replicateGroups()
        var aggregate: HTMLReport.Table?
        if replicates.count < runs.count {
            let means = comparison.aggregatedTable()
            aggregate = HTMLReport.Table(headers: means.headers, rows: means.rows.prefix(limits.tableRows).map { $0.map(\.text) })
        }

        // Curves by setting (mean over seeds) when the sweep allows it, else those of the best runs.
        var curves = runs.count > CurveEncoding.colorLimit ? try curvesBySetting(comparison, title: "Learning curves") : nil
        if curves == nil {
            let withEpochs = order.map { comparison.entries[$0].summary }.filter { $0.epochsCompleted > 0 }
            let curveRuns = Array(withEpochs.prefix(limits.curves))
            let curveTitle = (curveRuns.count < withEpochs.count
                ? "Learning curves of the \(curveRuns.count) best of \(withEpochs.count) runs (by final accuracy)"
                : "Learning curves") + Self.omissionNote(runs.count - withEpochs.count)
            curves = curveRuns.isEmpty ? nil : try learningCurves(curveRuns, title: curveTitle)
        }

        var summary: SweepSummaryChart?
        for axis in SweepAxis.allCases where summary == nil && !comparison.spansGroups && comparison.differingSettings.contains(axis.settingPath) {
            guard let chart = try? sweepSummary(comparison, axis: axis) else { continue }
            if Dictionary(grouping: chart.points, by: \.series).values.contains(where: { $0.count > 1 }) { summary = chart }
        }

        let (boundaries, layout, boundaryNote) = try boundaryThumbnails(comparison, ranks: ranks, replicates: replicates, limit: limits.boundaries)
        return try HTMLReport(
            title: title, generatedAt: generatedAt, table: runsTable, tableNote: tableNote, aggregate: aggregate,
            learningCurves: curves,
            sweepSummary: summary, decisionBoundaries: boundaries, boundaryLayout: layout, boundaryNote: boundaryNote
        ).html()
    }

    /// A run's score for choosing the best and worst: final validation accuracy, else training accuracy.
    static func score(_ run: RunSummary) -> Double {
        run.finalValidationAccuracy ?? run.finalTrainAccuracy ?? -1
    }

    private func singleRunReport(_ comparison: Comparison, title: String, generatedAt: String) throws -> String {
        let entry = comparison.entries[0]
        let run = entry.summary
        var rows = entry.settings.paths.map { [RunSettings.name(of: $0), entry.settings.display($0)] }
        rows += [
            ["run", "\(run.shortID) \(run.name)"], ["group", run.groupName ?? "-"], ["status", RunListing.statusText(run)],
            ["epochs run", String(run.epochsCompleted)],
        ]
        rows += [
            ("final train_loss", run.finalTrainLoss.map(Format.metric)), ("final train_acc", run.finalTrainAccuracy.map(Format.accuracy)),
            ("final val_loss", run.finalValidationLoss.map(Format.metric)), ("final val_acc", run.finalValidationAccuracy.map(Format.accuracy)),
        ].compactMap { name, value in value.map { [name, $0] } }
        var boundary: DecisionBoundaryChart?
        if run.hyperparameters.inputDimension == 2, run.epochsCompleted > 0 {
            do { boundary = try decisionBoundary(run) } catch FigureError.noWeights, FigureError.unreadableSpec {}
        }
        return try HTMLReport(
            title: title, generatedAt: generatedAt, settings: HTMLReport.Table(headers: ["setting", "value"], rows: rows),
            learningCurves: run.epochsCompleted > 0 ? learningCurves([run]) : nil, fullBoundary: boundary
        ).html()
    }

    /// One thumbnail per replicate group (its median run), at most `limit` (the best and
    /// worst groups by mean score), as the swept grid when two settings were swept; seeds
    /// with equal scores in the order of `ranks` (`Comparison.settingsRanks`).
    private func boundaryThumbnails(
        _ comparison: Comparison, ranks: [Int], replicates: [(setting: [String: String], entries: [Comparison.Entry])], limit: Int
    ) throws -> ([DecisionBoundaryChart], HTMLReport.BoundaryLayout?, String?) {
        let drawable = replicates.map { group in
            (setting: group.setting, members: group.entries.filter { $0.summary.hyperparameters.inputDimension == 2 && $0.summary.epochsCompleted > 0 })
        }.filter { !$0.members.isEmpty }
        guard !drawable.isEmpty else { return ([], nil, nil) }
        let mean = drawable.map { group in group.members.map { Self.score($0.summary) }.reduce(0, +) / Double(group.members.count) }
        var chosen = Array(drawable.indices)
        var note: String?
        if drawable.count > limit {
            let order = chosen.sorted { (mean[$0], -$0) > (mean[$1], -$1) }
            chosen = Array(order.prefix(limit / 2) + order.suffix(limit / 2)).sorted()
            note = "The \(limit / 2) best and \(limit / 2) worst of \(drawable.count) settings by mean final accuracy."
        }
        let settings = comparison.differingSettings.filter { $0 != "training.seed" }
        let rank = Dictionary(zip(comparison.entries.map(\.summary.id), ranks), uniquingKeysWith: min)
        var charts: [DecisionBoundaryChart] = []
        var chartOfGroup: [Int: Int] = [:]
        for index in chosen {
            // Seeds with equal scores in settings order, so that the same run is drawn however the sweep was scheduled.
            let members = drawable[index].members.sorted {
                (Self.score($0.summary), rank[$0.summary.id] ?? 0) < (Self.score($1.summary), rank[$1.summary.id] ?? 0)
            }
            let median = members[members.count / 2].summary
            let chart: DecisionBoundaryChart
            do { chart = try decisionBoundary(median, resolution: 48, pointLimit: 200) } catch FigureError.noWeights, FigureError.unreadableSpec, FigureError.damagedWeights { continue }
            let setting = settings.map { "\(RunSettings.shortName(of: $0))=\(drawable[index].setting[$0] ?? "")" }.joined(separator: " ")
            let seeds = members.count > 1 ? " (median of \(members.count) runs)" : ""
            chartOfGroup[index] = charts.count
            charts.append(DecisionBoundaryChart(
                title: (setting.isEmpty ? "" : setting + " · ") + median.shortID + seeds,
                grid: chart.grid, points: chart.points, validationPoints: chart.validationPoints))
        }
        let boundaryNote = note ?? (drawable.contains { $0.members.count > 1 } ? "One run per setting: the median over seeds by final accuracy." : nil)
        guard settings.count == 2, note == nil, !comparison.spansGroups else { return (charts, nil, boundaryNote) }
        func values(_ path: String) -> [String] {
            Array(Set(drawable.map { $0.setting[path] ?? "" })).sorted(by: RunSettings.precedes)
        }
        let (rowValues, columnValues) = (values(settings[0]), values(settings[1]))
        let cells = rowValues.map { row in
            columnValues.map { column in
                drawable.indices.first { drawable[$0].setting[settings[0]] == row && drawable[$0].setting[settings[1]] == column }
                    .flatMap { chartOfGroup[$0] }
            }
        }
        let layout = HTMLReport.BoundaryLayout(
            rowTitle: RunSettings.name(of: settings[0]), columnTitle: RunSettings.name(of: settings[1]),
            rowLabels: rowValues, columnLabels: columnValues, cells: cells)
        return (charts, layout, boundaryNote)
    }
}
