import Foundation
import RunnerStore

/// Runs side by side, as `runner compare` shows them.
///
/// Only hyperparameters whose values differ between the runs become columns,
/// like "show diff only" in MLflow's compare page. Metrics come from each
/// run's epochs: final values, the best values over all epochs, and the epoch
/// of the best validation accuracy.
public struct Comparison {
    /// One run with the metrics derived from its epochs.
    public struct Entry {
        public var summary: RunSummary
        public var bestTrainLoss: Double?
        public var bestTrainAccuracy: Double?
        public var bestValidationLoss: Double?
        public var bestValidationAccuracy: Double?
        public var bestValidationEpoch: Int?
    }

    /// A hyperparameter that may become a column.
    struct Parameter: Sendable {
        let name: String
        let value: @Sendable (Hyperparameters) -> String
    }

    static let parameters: [Parameter] = [
        Parameter(name: "data") { $0.dataset },
        Parameter(name: "hidden") { String($0.hiddenUnits) },
        Parameter(name: "lr") { Format.parameter($0.learningRate) },
        Parameter(name: "epochs") { String($0.epochs) },
        Parameter(name: "batch") { String($0.batchSize) },
        Parameter(name: "decay") { Format.parameter($0.weightDecay) },
        Parameter(name: "order") { $0.visitOrder },
        Parameter(name: "init") { $0.initialization },
        Parameter(name: "train_size") { String($0.trainSize) },
        Parameter(name: "seed") { String($0.seed) },
    ]

    public let entries: [Entry]

    /// Reads the epochs of `runs` to derive their best metrics.
    public init(store: ExperimentStore, runs: [RunSummary]) throws(StoreError) {
        var entries: [Entry] = []
        for run in runs {
            let epochs = try store.epochs(of: run.id)
            let bestValidation = epochs.filter { $0.validationAccuracy != nil }
                .max { ($0.validationAccuracy!, -$0.epoch) < ($1.validationAccuracy!, -$1.epoch) }
            entries.append(Entry(
                summary: run,
                bestTrainLoss: epochs.compactMap(\.trainLoss).min(),
                bestTrainAccuracy: epochs.map(\.trainAccuracy).max(),
                bestValidationLoss: epochs.compactMap(\.validationLoss).min(),
                bestValidationAccuracy: bestValidation?.validationAccuracy,
                bestValidationEpoch: bestValidation?.epoch))
        }
        self.entries = entries
    }

    /// The hyperparameters that take more than one value across the runs.
    var differing: [Parameter] {
        Self.parameters.filter { parameter in
            Set(entries.map { parameter.value($0.summary.hyperparameters) }).count > 1
        }
    }

    /// One row per run: id, name, differing hyperparameters, status and metrics.
    public func table() -> Table {
        let differing = differing
        let headers = ["id", "name"] + differing.map(\.name) + [
            "status", "train_loss", "train_acc", "val_loss", "val_acc",
            "best_train_loss", "best_train_acc", "best_val_loss", "best_val_acc", "best_epoch", "seconds",
        ]
        let rows = entries.map { entry -> [Cell] in
            let run = entry.summary
            return [Cell(run.shortID), Cell(run.name)]
                + differing.map { parameterCell($0.value(run.hyperparameters)) }
                + [
                    Cell(RunListing.statusText(run)),
                    .number(run.finalTrainLoss, Format.metric), .number(run.finalTrainAccuracy, Format.accuracy),
                    .number(run.finalValidationLoss, Format.metric), .number(run.finalValidationAccuracy, Format.accuracy),
                    .number(entry.bestTrainLoss, Format.metric), .number(entry.bestTrainAccuracy, Format.accuracy),
                    .number(entry.bestValidationLoss, Format.metric), .number(entry.bestValidationAccuracy, Format.accuracy),
                    .number(entry.bestValidationEpoch) { String($0) },
                    .number(run.durationSeconds) { String(format: "%.2f", $0) },
                ]
        }
        return Table(headers: headers, rows: rows)
    }

    /// Runs grouped by every differing hyperparameter except the seed: the
    /// number of runs and the mean ± standard deviation of each final metric
    /// over them. This is how a sweep over several seeds is read.
    public func aggregatedTable() -> Table {
        let settings = differing.filter { $0.name != "seed" }
        var order: [[String]] = []
        var groups: [[String]: [Entry]] = [:]
        for entry in entries {
            let key = settings.map { $0.value(entry.summary.hyperparameters) }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        let metrics: [(String, (Entry) -> Double?, (Double) -> String)] = [
            ("train_loss", { $0.summary.finalTrainLoss }, Format.metric),
            ("train_acc", { $0.summary.finalTrainAccuracy }, Format.accuracy),
            ("val_loss", { $0.summary.finalValidationLoss }, Format.metric),
            ("val_acc", { $0.summary.finalValidationAccuracy }, Format.accuracy),
            ("best_val_acc", { $0.bestValidationAccuracy }, Format.accuracy),
        ]
        let headers = settings.map(\.name) + ["runs"] + metrics.map(\.0)
        let rows = order.map { key -> [Cell] in
            let members = groups[key]!
            return key.map(parameterCell) + [Cell(String(members.count), isNumber: true)]
                + metrics.map { _, value, format in
                    let values = members.compactMap(value)
                    guard !values.isEmpty else { return Cell("") }
                    let (mean, deviation) = Statistics.meanAndStandardDeviation(values)
                    return Cell("\(format(mean)) ± \(format(deviation))")
                }
        }
        return Table(headers: headers, rows: rows)
    }

    private func parameterCell(_ text: String) -> Cell {
        Cell(text, isNumber: Double(text) != nil)
    }
}

/// Small statistics shared by comparisons and plots.
public enum Statistics {
    /// The mean and the sample standard deviation (n − 1; 0 for a single value).
    public static func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }
}

extension Table {
    /// The rows ordered by the column named `column` (numbers numerically,
    /// empty cells last), ascending unless `descending`.
    ///
    /// - Throws: `TableError.unknownColumn` naming the columns there are.
    public func sorted(by column: String, descending: Bool = false) throws(TableError) -> Table {
        guard let index = headers.firstIndex(of: column) else {
            throw .unknownColumn(column, available: headers)
        }
        let sortedRows = rows.enumerated().sorted { a, b in
            let (x, y) = (a.element[index], b.element[index])
            if x.isEmpty != y.isEmpty { return y.isEmpty }
            if x.isEmpty { return a.offset < b.offset }
            let ascending: Bool
            if let p = Double(x.text.split(separator: " ").first ?? ""), let q = Double(y.text.split(separator: " ").first ?? ""), p != q {
                ascending = p < q
            } else if x.text != y.text {
                ascending = x.text < y.text
            } else {
                return a.offset < b.offset
            }
            return descending ? !ascending : ascending
        }.map(\.element)
        return Table(headers: headers, rows: sortedRows)
    }
}

/// A problem with a table request.
public enum TableError: Error, Equatable, CustomStringConvertible {
    case unknownColumn(String, available: [String])

    public var description: String {
        switch self {
        case let .unknownColumn(column, available):
            "no column named '\(column)' to sort by; the columns are: \(available.joined(separator: ", "))"
        }
    }
}
