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
    case noFinalMetrics(runs: [String])

    public var description: String {
        switch self {
        case .noEpochs(let runs):
            runs.count == 1 ? "run \(runs[0]) has no epochs to plot yet" : "none of the runs \(runs.joined(separator: ", ")) has epochs to plot yet"
        case .noWeights(let run, let status):
            "run \(run) has no final weights (status \(status)), so there is no decision boundary to draw"
        case .notTwoDimensional(let run, let dimension):
            "run \(run) has \(dimension)-dimensional inputs; decision boundaries are drawn for 2-D data only"
        case .needsOneRun(let count):
            "a decision boundary is drawn for exactly one run, but \(count) were given"
        case .unreadableSpec(let run, let reason):
            "cannot rebuild the data of run \(run) from its stored spec: \(reason)"
        case .noFinalMetrics(let runs):
            "no final accuracy to plot: run\(runs.count == 1 ? "" : "s") \(runs.joined(separator: ", ")) \(runs.count == 1 ? "has" : "have") no epochs yet"
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

    /// Loss and error per epoch of every run, overlaid.
    ///
    /// Runs without epochs (diverged in their first epoch, or just started)
    /// are left out; it is an error only when no run has any.
    public func learningCurves(_ runs: [RunSummary], title: String = "Learning curves") throws -> LearningCurveChart {
        let curves = try runs.compactMap { run -> LearningCurveRun? in
            let epochs = try store.epochs(of: run.id)
            guard !epochs.isEmpty else { return nil }
            func points(_ value: (EpochRecord) -> Double?) -> [CurvePoint] {
                epochs.compactMap { epoch in value(epoch).map { CurvePoint(epoch: Double(epoch.epoch), value: $0) } }
            }
            return LearningCurveRun(
                label: Self.label(run),
                trainLoss: points(\.trainLoss), validationLoss: points(\.validationLoss),
                trainAccuracy: points { $0.trainAccuracy }, validationAccuracy: points(\.validationAccuracy))
        }
        guard !curves.isEmpty else { throw FigureError.noEpochs(runs: runs.map(\.shortID)) }
        return LearningCurveChart(title: title, runs: curves)
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
        let (parameters, training) = try networkAndData(run)
        let outputs = parameters.outputs(forFlatInputs: training.features)
        let points = (0..<training.count).map { i in
            LabeledPoint(
                x: training.features[2 * i], y: training.features[2 * i + 1], label: Int(training.labels[i]),
                misclassified: training.labels[i] * outputs[i] <= 0)
        }
        let range = DataGenerator(rawValue: run.hyperparameters.dataset)?.boundaryWindow.map { window in
            let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
            func covering(_ range: ClosedRange<Double>, _ values: [Double]) -> ClosedRange<Double> {
                min(range.lowerBound, values.min() ?? range.lowerBound)...max(range.upperBound, values.max() ?? range.upperBound)
            }
            return (x: covering(window.x, finite.map(\.x)), y: covering(window.y, finite.map(\.y)))
        } ?? DecisionBoundaryChart.paddedRange(of: points)
        let nodes = BoundaryGrid(xRange: range.x, yRange: range.y, nx: resolution, ny: resolution, values: [])
        let inputs = (0..<resolution).flatMap { row in (0..<resolution).flatMap { [nodes.x(column: $0), nodes.y(row: row)] } }
        let grid = BoundaryGrid(
            xRange: range.x, yRange: range.y, nx: resolution, ny: resolution,
            values: parameters.outputs(forFlatInputs: inputs))
        let errors = points.filter(\.misclassified).count
        let stride = (points.count + pointLimit - 1) / pointLimit
        let drawn = stride > 1 ? Swift.stride(from: 0, to: points.count, by: stride).map { points[$0] } : points
        let title = "\(run.shortID) \(run.name): \(errors) of \(points.count) training points misclassified"
            + (stride > 1 ? " (1 in \(stride) drawn)" : "")
        return DecisionBoundaryChart(title: title, grid: grid, points: drawn)
    }

    /// Final validation error (or training error, for runs without a
    /// validation set) against `axis`, one line per value of the other
    /// hyperparameter, mean ± standard deviation over the runs sharing both.
    public func sweepSummary(_ runs: [RunSummary], axis: SweepAxis) throws -> SweepSummaryChart {
        // Runs without final metrics (still running, or stopped before an epoch) have nothing to show;
        // they must not turn the whole chart from validation to training error.
        let measured = runs.filter { $0.finalTrainAccuracy != nil }
        guard !measured.isEmpty else { throw FigureError.noFinalMetrics(runs: runs.map(\.shortID)) }
        let usesValidation = measured.allSatisfy { $0.finalValidationAccuracy != nil }
        let comparison = try Comparison(store: store, runs: measured)
        let lineSettings = comparison.differingSettings.filter { $0 != "training.seed" && $0 != axis.settingPath }
        var points: [(line: [String], point: SweepPoint)] = []
        for (_, members) in comparison.replicateGroups() {
            let settings = members[0].settings
            guard let x = settings.values[axis.settingPath].flatMap(Double.init) else { continue }
            let errors = members.compactMap { 1 - ((usesValidation ? $0.summary.finalValidationAccuracy : $0.summary.finalTrainAccuracy) ?? 1) }
            let (mean, deviation) = Statistics.meanAndStandardDeviation(errors)
            let line = lineSettings.map { settings.display($0) }
            let label = lineSettings.isEmpty ? "all runs"
                : zip(lineSettings, line).map { "\(RunSettings.name(of: $0))=\($1)" }.joined(separator: " ")
            points.append((line, SweepPoint(x: x, series: label, mean: mean, std: deviation, count: errors.count)))
        }
        // Lines in the order of their settings, numbers compared as numbers; points left to right.
        points.sort { a, b in
            if a.line != b.line {
                for (p, q) in zip(a.line, b.line) where p != q {
                    if let p = Double(p), let q = Double(q) { return p < q }
                    return p < q
                }
            }
            return a.point.x < b.point.x
        }
        let which = usesValidation ? "validation" : "training"
        return SweepSummaryChart(
            title: "Final \(which) error by \(axis.title)", points: points.map(\.point), xTitle: axis.title,
            seriesTitle: lineSettings.isEmpty ? "runs" : lineSettings.map(RunSettings.name(of:)).joined(separator: ", "),
            yTitle: "final \(which) error (fraction)")
    }

    /// The trained network of `run` and its training points, from the store.
    ///
    /// The points are those stored with the run; runs recorded before data
    /// sets were stored get theirs rebuilt from the stored spec instead.
    func networkAndData(_ run: RunSummary) throws -> (Parameters, Dataset) {
        let tensors = try store.weights(of: run.id)
        guard !tensors.isEmpty else { throw FigureError.noWeights(run: run.shortID, status: run.status.rawValue) }
        guard run.hyperparameters.inputDimension == 2 else {
            throw FigureError.notTwoDimensional(run: run.shortID, dimension: run.hyperparameters.inputDimension)
        }
        let parameters = try Parameters(storedTensors: tensors)
        if let id = try store.run(run.id).trainingDataID, let points = try datasets.dataset(id, from: store) {
            return (parameters, Dataset(points))
        }
        let stored = try store.run(run.id)
        do {
            let spec = try ExperimentSpec(canonicalJSON: stored.specJSON)
            return (parameters, try spec.loadData().training)
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

extension Figures {
    /// A run's label in a legend or under a thumbnail: its short id and what
    /// sets it apart. In a sweep, whose run names repeat the group name, that
    /// is the swept values ("1a2b3c4d hidden=7 learning_rate=0.2 seed=1").
    static func label(_ run: RunSummary) -> String {
        if let group = run.groupName, run.name.hasPrefix(group + " ") {
            return "\(run.shortID) \(run.name.dropFirst(group.count + 1))"
        }
        return "\(run.shortID) \(run.name)"
    }
}

extension DataGenerator {
    /// The window its decision boundaries are customarily drawn over, if it has one:
    /// the practical's `plot_decision_boundary.m` uses x ∈ [−4, 6], y ∈ [−5, 3].
    var boundaryWindow: (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        self == .practicalMoon ? (-4...6, -5...3) : nil
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
