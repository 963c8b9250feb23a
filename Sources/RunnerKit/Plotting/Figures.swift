import Foundation
import RunnerCore
import RunnerPlots
import RunnerStore

/// A problem drawing a run.
public enum FigureError: Error, Equatable, CustomStringConvertible {
    case noEpochs(runs: [String])
    case noWeights(run: String, status: String)
    case notTwoDimensional(run: String, dimension: Int)
    case needsOneRun(count: Int)
    case unreadableSpec(run: String, reason: String)
    case damagedWeights(run: String, reason: String)
    case noFinalMetrics(runs: [String])
    case notSwept(setting: String, swept: [String])
    /// More runs than `Figures.curveLimit` that cannot be drawn by setting.
    case tooManyCurves(count: Int, why: String)

    public var description: String {
        switch self {
        case .noEpochs(let runs):
            runs.count == 1 ? "run \(runs[0]) has no epochs to plot" : "none of the runs \(runs.joined(separator: ", ")) has epochs to plot"
        case .noWeights(let run, let status):
            "run \(run) has no final weights (status \(status)), so there is no decision boundary to draw"
        case .notTwoDimensional(let run, let dimension):
            "run \(run) has \(dimension)-dimensional inputs; decision boundaries are drawn for 2-D data only"
        case .needsOneRun(let count):
            "a decision boundary is drawn for exactly one run, but \(count) were given: name one run by its id, "
                + "or draw one boundary per setting with `runner report` and the same selection"
        case .unreadableSpec(let run, let reason):
            "cannot rebuild the data of run \(run) from its stored spec: \(reason)"
        case .damagedWeights(let run, let reason):
            "the stored weights of run \(run) do not make a network (\(reason)); they were edited outside runner: `runner rerun \(run)` trains the run again"
        case .noFinalMetrics(let runs):
            "no final accuracy to plot: run\(runs.count == 1 ? "" : "s") \(runs.joined(separator: ", ")) \(runs.count == 1 ? "has" : "have") no epochs"
        case let .tooManyCurves(count, why):
            "\(count) runs are too many to draw one by one (at most \(Figures.curveLimit)), and \(why); "
                + "choose fewer with --group, --tag, --status or --last, or runs that differ in at most two settings besides the seed"
        case .notSwept(let setting, let swept):
            "these runs all have the same \(setting), so a sweep summary over it would be a single point; "
                + (swept.isEmpty ? "they differ in no setting but their seed" : "they differ in \(swept.joined(separator: ", "))")
                + (SweepAxis.allCases.first { swept.contains(RunSettings.name(of: $0.settingPath)) }.map { "; try --x \($0.rawValue)" }
                    ?? "; a sweep summary plots learning_rate or hidden only: compare these with `runner compare --aggregate`, "
                    + "or draw their curves without --kind sweep")
        }
    }
}

/// The hyperparameter on the x axis of a sweep summary.
public enum SweepAxis: String, CaseIterable, Sendable {
    case learningRate = "learning_rate"
    case hidden

    /// The axis title.
    var title: String { self == .learningRate ? "learning rate" : "hidden units" }

    /// The setting on the axis, as a path in the resolved spec.
    var settingPath: String { self == .learningRate ? "training.learning_rate" : "model.hidden" }
}

/// Builds charts from what the database holds: epochs, weights and the stored
/// spec, from which the data set is regenerated (or its CSV re-read).
public struct Figures {
    public let store: ExperimentStore
    /// Data sets already read, by id: the runs of a sweep share theirs.
    private let datasets = DatasetCache()

    public init(store: ExperimentStore) {
        self.store = store
    }

    /// Loss and error per epoch of every run, overlaid, each labelled with the
    /// settings that set it apart (`h=5 lr=0.2 seed=3`).
    ///
    /// More runs than there are colours are drawn by setting instead, when at most
    /// two settings besides the seed differ: the mean over seeds with a band from
    /// the lowest to the highest run, coloured by the first setting and marked by
    /// the second (see `CurveEncoding`); runs that differ only in their seed make one
    /// mean curve. Other choices of more than `curveLimit` runs are refused
    /// (`tooManyCurves`): drawn one by one, they would make a file of many megabytes
    /// that no one can read.
    ///
    /// Runs without epochs (diverged in their first epoch, or just started)
    /// are left out, and the title says so; it is an error only when no run has any.
    public func learningCurves(_ runs: [RunSummary], title: String = "Learning curves") throws -> LearningCurveChart {
        let comparison = try Comparison(store: store, runs: runs)
        if runs.count > CurveEncoding.colorLimit, let chart = try curvesBySetting(comparison, title: title) { return chart }
        if runs.count > Self.curveLimit {
            guard runs.contains(where: { $0.epochsCompleted > 0 }) else { throw FigureError.noEpochs(runs: runs.map(\.shortID)) }
            let swept = comparison.differingSettings.filter { $0 != "training.seed" }.map(RunSettings.name(of:))
            let why = comparison.spansGroups ? "they span groups"
                : swept.count > 2 ? "they differ in \(swept.count) settings besides the seed (\(swept.joined(separator: ", ")))"
                : "their settings take too many values to tell apart by colour and marker"
            throw FigureError.tooManyCurves(count: runs.count, why: why)
        }
        let curves = try zip(runs, comparison.labels()).compactMap { run, label -> LearningCurveRun? in
            let epochs = try store.epochs(of: run.id)
            guard !epochs.isEmpty else { return nil }
            func points(_ value: (EpochRecord) -> Double?) -> [CurvePoint] {
                epochs.compactMap { epoch in value(epoch).map { CurvePoint(epoch: Double(epoch.epoch), value: $0) } }
            }
            return LearningCurveRun(
                label: label,
                trainLoss: points(\.trainLoss), validationLoss: points(\.validationLoss),
                trainAccuracy: points { $0.trainAccuracy }, validationAccuracy: points(\.validationAccuracy),
                divergedAtEpoch: run.divergedAtEpoch)
        }
        guard !curves.isEmpty else { throw FigureError.noEpochs(runs: runs.map(\.shortID)) }
        return LearningCurveChart(title: title + Self.omissionNote(runs.count - curves.count), runs: curves)
    }

    /// The most runs `learningCurves` draws one by one.
    public static let curveLimit = 200

    /// " (3 runs without epochs left out)", or nothing.
    static func omissionNote(_ omitted: Int) -> String {
        omitted == 0 ? "" : " (\(omitted) run\(omitted == 1 ? "" : "s") without epochs left out)"
    }

    /// The mean curves of each setting over its seeds, coloured by one setting and
    /// marked by another (one curve when only seeds differ); nil when more settings
    /// differ, or too many values to tell apart.
    func curvesBySetting(_ comparison: Comparison, title: String) throws -> LearningCurveChart? {
        let swept = comparison.differingSettings.filter { $0 != "training.seed" }
        guard swept.count <= 2, !comparison.spansGroups else { return nil }
        let groups = comparison.replicateGroups()
        func values(_ path: String) -> [String] {
            Array(Set(groups.map { $0.setting[path] ?? "" })).sorted(by: RunSettings.precedes)
        }
        let colors = swept.isEmpty ? [] : values(swept[0]), markers = swept.count == 2 ? values(swept[1]) : []
        guard colors.count <= CurveEncoding.colorLimit, markers.count <= CurveEncoding.markerLimit else { return nil }
        var omitted = 0
        var curves: [LearningCurveRun] = []
        for group in groups {
            let members = group.entries.filter { $0.summary.epochsCompleted > 0 }
            omitted += group.entries.count - members.count
            guard !members.isEmpty else { continue }
            let spreads = try store.epochSpreads(of: members.map(\.summary.id))
            func series(_ metric: KeyPath<EpochSpread, EpochSpread.Spread?>) -> (mean: [CurvePoint], band: [CurveBand]) {
                let known = spreads.compactMap { spread in spread[keyPath: metric].map { (Double(spread.epoch), $0) } }
                return (known.map { CurvePoint(epoch: $0.0, value: $0.1.mean) },
                        members.count > 1 ? known.map { CurveBand(epoch: $0.0, low: $0.1.low, high: $0.1.high) } : [])
            }
            let metrics = [series(\.trainLoss), series(\.validationLoss), series(\.trainAccuracy), series(\.validationAccuracy)]
            curves.append(LearningCurveRun(
                label: swept.isEmpty ? (members.count == 1 ? "1 run" : "\(members.count) seeds")
                    : swept.map { "\(RunSettings.shortName(of: $0))=\(group.setting[$0] ?? "")" }.joined(separator: " "),
                trainLoss: metrics[0].mean, validationLoss: metrics[1].mean, trainAccuracy: metrics[2].mean,
                validationAccuracy: metrics[3].mean, bands: metrics.map(\.band),
                colorIndex: swept.isEmpty ? nil : colors.firstIndex(of: group.setting[swept[0]] ?? ""),
                markerIndex: swept.count == 2 ? markers.firstIndex(of: group.setting[swept[1]] ?? "") : nil))
        }
        guard !curves.isEmpty else { return nil }
        let seeds = groups.contains { $0.entries.count > 1 } ? ", mean over seeds" : ""
        guard !swept.isEmpty else {
            return LearningCurveChart(title: title + seeds + Self.omissionNote(omitted), runs: curves)
        }
        return LearningCurveChart(
            title: title + " by setting\(seeds)" + Self.omissionNote(omitted), runs: curves,
            encoding: CurveEncoding(
                colorTitle: RunSettings.name(of: swept[0]), colorValues: colors, ordered: colors.allSatisfy { Double($0) != nil },
                markerTitle: swept.count == 2 ? RunSettings.name(of: swept[1]) : nil, markerValues: markers))
    }

    /// The network's output over the data's range with the training points on top.
    ///
    /// A data set with a customary window (the practical's moons: [−4, 6] × [−5, 3])
    /// is drawn over that window, widened if a point lies outside it.
    ///
    /// Of more than `pointLimit` points, every k-th is drawn (the title says so);
    /// the misclassified count in the title is over all of them.
    ///
    /// - Parameter resolution: Grid nodes per axis.
    public func decisionBoundary(_ run: RunSummary, resolution: Int = 120, pointLimit: Int = 5_000) throws -> DecisionBoundaryChart {
        let (parameters, training, validation) = try networkAndData(run)
        func labelled(_ data: Dataset) -> [LabeledPoint] {
            let outputs = parameters.outputs(forFlatInputs: data.features)
            return (0..<data.count).map { i in
                LabeledPoint(
                    x: data.features[2 * i], y: data.features[2 * i + 1], label: Int(data.labels[i]),
                    misclassified: data.labels[i] * outputs[i] <= 0)
            }
        }
        let points = labelled(training)
        let validationPoints = validation.map(labelled) ?? []
        let range = DataGenerator(rawValue: run.hyperparameters.dataset)?.boundaryWindow.map { window in
            let finite = (points + validationPoints).filter { $0.x.isFinite && $0.y.isFinite }
            func covering(_ range: ClosedRange<Double>, _ values: [Double]) -> ClosedRange<Double> {
                min(range.lowerBound, values.min() ?? range.lowerBound)...max(range.upperBound, values.max() ?? range.upperBound)
            }
            return Self.equalSpans(x: covering(window.x, finite.map(\.x)), y: covering(window.y, finite.map(\.y)))
        } ?? DecisionBoundaryChart.paddedRange(of: points + validationPoints, equalSpans: true)
        let nodes = BoundaryGrid(xRange: range.x, yRange: range.y, nx: resolution, ny: resolution, values: [])
        let inputs = (0..<resolution).flatMap { row in (0..<resolution).flatMap { [nodes.x(column: $0), nodes.y(row: row)] } }
        let grid = BoundaryGrid(
            xRange: range.x, yRange: range.y, nx: resolution, ny: resolution,
            values: parameters.outputs(forFlatInputs: inputs))
        let errors = points.filter(\.misclassified).count
        func thinned(_ points: [LabeledPoint]) -> (points: [LabeledPoint], stride: Int) {
            let stride = (points.count + pointLimit - 1) / pointLimit
            return (stride > 1 ? Swift.stride(from: 0, to: points.count, by: stride).map { points[$0] } : points, stride)
        }
        let (drawn, stride) = thinned(points)
        // The rings mark misclassified points of both sets, so the title counts both.
        let validationErrors = validationPoints.isEmpty ? ""
            : " and \(validationPoints.filter(\.misclassified).count) of \(validationPoints.count) validation"
        let title = "\(run.shortID) \(run.name): \(errors) of \(points.count) training\(validationErrors) points misclassified"
            + (stride > 1 ? " (1 in \(stride) drawn)" : "")
            + (run.divergedAtEpoch.map { "; diverged at epoch \($0), last finite weights" } ?? "")
        return DecisionBoundaryChart(title: title, grid: grid, points: drawn, validationPoints: thinned(validationPoints).points)
    }

    /// Final validation error (or training error, for runs without a
    /// validation set) against `axis`, one line per value of the other
    /// hyperparameter, mean ± standard deviation over the runs sharing both.
    ///
    /// - Throws: `FigureError.notSwept` when the runs do not differ in `axis`.
    public func sweepSummary(_ runs: [RunSummary], axis: SweepAxis) throws -> SweepSummaryChart {
        // Runs without final metrics (still running, or stopped before an epoch) have nothing to show;
        // they must not turn the whole chart from validation to training error.
        let measured = runs.filter { $0.finalTrainAccuracy != nil }
        guard !measured.isEmpty else { throw FigureError.noFinalMetrics(runs: runs.map(\.shortID)) }
        return try sweepSummary(try Comparison(store: store, runs: measured), axis: axis)
    }

    /// The sweep summary of the compared runs that have final metrics.
    func sweepSummary(_ comparison: Comparison, axis: SweepAxis) throws -> SweepSummaryChart {
        let swept = comparison.differingSettings.filter { $0 != "training.seed" }
        guard swept.contains(axis.settingPath) else {
            throw FigureError.notSwept(setting: axis.title, swept: swept.map(RunSettings.name(of:)))
        }
        let measured = comparison.entries.map(\.summary).filter { $0.finalTrainAccuracy != nil }
        guard !measured.isEmpty else { throw FigureError.noFinalMetrics(runs: comparison.entries.map(\.summary.shortID)) }
        let usesValidation = measured.allSatisfy { $0.finalValidationAccuracy != nil }
        let lineSettings = swept.filter { $0 != axis.settingPath }
        var points: [(line: [String], point: SweepPoint)] = []
        for (setting, all) in comparison.replicateGroups() {
            let members = all.filter { $0.summary.finalTrainAccuracy != nil }
            guard !members.isEmpty else { continue }
            let settings = members[0].settings
            guard let x = settings[axis.settingPath].flatMap(Double.init) else { continue }
            let errors = members.compactMap { 1 - ((usesValidation ? $0.summary.finalValidationAccuracy : $0.summary.finalTrainAccuracy) ?? 1) }
            let (mean, deviation) = Statistics.meanAndStandardDeviation(errors)
            let line = lineSettings.map { setting[$0] ?? "" }
            let label = lineSettings.isEmpty ? "all runs"
                : zip(lineSettings, line).map { "\(RunSettings.shortName(of: $0))=\($1)" }.joined(separator: " ")
            points.append((line, SweepPoint(x: x, series: label, mean: mean, std: deviation, count: errors.count)))
        }
        // Lines in the order of their settings, numbers compared as numbers; points left to right.
        points.sort { a, b in a.line != b.line ? RunSettings.precedes(a.line, b.line) : a.point.x < b.point.x }
        let which = usesValidation ? "validation" : "training"
        return SweepSummaryChart(
            title: "Final \(which) error by \(axis.title)", points: points.map(\.point), xTitle: axis.title,
            seriesTitle: lineSettings.isEmpty ? "runs" : lineSettings.map(RunSettings.name(of:)).joined(separator: ", "),
            yTitle: "final \(which) error (fraction)")
    }

    /// The trained network of `run` and its training and validation points, from the store.
    ///
    /// The points are those stored with the run; runs recorded before data
    /// sets were stored get theirs rebuilt from the stored spec instead.
    func networkAndData(_ run: RunSummary) throws -> (Parameters, Dataset, Dataset?) {
        let tensors = try store.weights(of: run.id)
        guard !tensors.isEmpty else { throw FigureError.noWeights(run: run.shortID, status: run.status.rawValue) }
        guard run.hyperparameters.inputDimension == 2 else {
            throw FigureError.notTwoDimensional(run: run.shortID, dimension: run.hyperparameters.inputDimension)
        }
        let parameters: Parameters
        do {
            parameters = try Parameters(storedTensors: tensors)
        } catch {
            throw FigureError.damagedWeights(run: run.shortID, reason: "\(error)")
        }
        let stored = try store.run(run.id)
        if let id = stored.trainingDataID, let points = try datasets.dataset(id, from: store) {
            let validation = try stored.validationDataID.flatMap { try datasets.dataset($0, from: store) }
            return (parameters, Dataset(points), validation.map(Dataset.init))
        }
        do {
            let spec = try ExperimentSpec(canonicalJSON: stored.specJSON)
            let data = try spec.loadData()
            return (parameters, data.training, data.validation)
        } catch {
            throw FigureError.unreadableSpec(run: run.shortID, reason: "\(error)")
        }
    }
}

/// Data sets read from a store, kept for the life of one `Figures`.
private final class DatasetCache {
    private var byID: [String: StoredDataset] = [:]

    func dataset(_ id: String, from store: ExperimentStore) throws -> StoredDataset? {
        if let known = byID[id] { return known }
        let dataset = try store.dataset(id: id)
        byID[id] = dataset
        return dataset
    }
}

extension DataGenerator {
    /// The window its decision boundaries are customarily drawn over, if it has one:
    /// the practical's `plot_decision_boundary.m` uses x ∈ [−4, 6], y ∈ [−5, 3].
    var boundaryWindow: (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        self == .practicalMoon ? (-4...6, -5...3) : nil
    }
}

extension Figures {
    /// The ranges widened about their centres to the same span, so both axes share one scale.
    static func equalSpans(x: ClosedRange<Double>, y: ClosedRange<Double>) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let span = max(x.upperBound - x.lowerBound, y.upperBound - y.lowerBound)
        func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
            let centre = (range.lowerBound + range.upperBound) / 2
            return (centre - span / 2)...(centre + span / 2)
        }
        return (widened(x), widened(y))
    }
}

extension Parameters {
    /// The network whose weights the store holds (tensors `Wi`, `bi`, `Wo`, `bo`).
    public init(storedTensors tensors: [WeightTensor]) throws {
        func values(_ name: TensorName) -> [Double] {
            tensors.first { $0.name == name }?.values ?? []
        }
        let inputs = values(.Wi)
        let columns = tensors.first { $0.name == .Wi }?.shape.last ?? 0
        let rows = columns > 0 ? stride(from: 0, to: inputs.count, by: columns).map { Array(inputs[$0..<($0 + columns)]) } : []
        try self.init(wi: rows, bi: values(.bi), wo: values(.Wo), bo: values(.bo).first ?? 0)
    }
}
