import Foundation
import RunnerStore

/// Runs side by side, as `runner compare` shows them.
///
/// Only the settings whose values differ between the runs become columns,
/// like "show diff only" in MLflow's compare page; settings are read from each
/// run's resolved spec (see `RunSettings`). Metrics come from each run's
/// epochs: final values, the best values over all epochs, and the epoch of the
/// best validation accuracy.
public struct Comparison {
    /// One run with its settings and the metrics derived from its epochs.
    public struct Entry {
        /// The run as `run_summary` shows it.
        public var summary: RunSummary
        /// The settings of its resolved spec.
        public var settings: RunSettings
        /// The points it trained and validated on, when they are stored, with its spec's hash:
        /// two runs alike in all three are the same experiment run twice.
        var experimentKey: [String?]
        /// The lowest training loss of any epoch.
        public var bestTrainLoss: Double?
        /// The highest training accuracy of any epoch.
        public var bestTrainAccuracy: Double?
        /// The lowest validation loss of any epoch.
        public var bestValidationLoss: Double?
        /// The highest validation accuracy of any epoch.
        public var bestValidationAccuracy: Double?
        /// The first epoch that reached `bestValidationAccuracy`.
        public var bestValidationEpoch: Int?
    }

    /// The runs, in the order given.
    public let entries: [Entry]

    /// Reads the spec and epochs of each of `runs`.
    public init(store: ExperimentStore, runs: [RunSummary]) throws(StoreError) {
        var entries: [Entry] = []
        for run in runs {
            let epochs = try store.epochs(of: run.id)
            let bestValidation = epochs.filter { $0.validationAccuracy != nil }
                .max { ($0.validationAccuracy!, -$0.epoch) < ($1.validationAccuracy!, -$1.epoch) }
            let stored = try store.run(run.id)
            entries.append(Entry(
                summary: run,
                settings: RunSettings(specJSON: stored.specJSON, trainingDataID: stored.trainingDataID, validationDataID: stored.validationDataID),
                experimentKey: [stored.specHash, stored.trainingDataID, stored.validationDataID],
                bestTrainLoss: epochs.compactMap(\.trainLoss).min(),
                bestTrainAccuracy: epochs.map(\.trainAccuracy).max(),
                bestValidationLoss: epochs.compactMap(\.validationLoss).min(),
                bestValidationAccuracy: bestValidation?.validationAccuracy,
                bestValidationEpoch: bestValidation?.epoch))
        }
        self.entries = entries
    }

    /// The settings that take more than one value across the runs, as spec paths.
    public var differingSettings: [String] {
        RunSettings.differing(entries.map(\.settings))
    }

    /// One row per run: id, name, differing settings, status and metrics.
    public func table() -> Table {
        let differing = differingSettings
        let headers = ["id", "name"] + differing.map(RunSettings.name(of:)) + [
            "status", "train_loss", "train_acc", "val_loss", "val_acc",
            "best_train_loss", "best_train_acc", "best_val_loss", "best_val_acc", "best_epoch", "seconds",
        ]
        let rows = entries.map { entry -> [Cell] in
            let run = entry.summary
            return [Cell(run.shortID), Cell(run.name)]
                + differing.map { settingCell(entry.settings.display($0, among: entries.map(\.settings))) }
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

    /// The runs grouped by every differing setting except the training seed,
    /// in order of first appearance, with each setting's displayed value. The
    /// same experiment run twice (same resolved spec, same stored points) counts
    /// once: as its most recent completed run, or its most recent run if none completed.
    public func replicateGroups() -> [(setting: [String: String], entries: [Entry])] {
        let settings = differingSettings.filter { $0 != "training.seed" }
        let all = entries.map(\.settings)
        var order: [[String?]] = []
        var groups: [[String?]: [Entry]] = [:]
        for entry in entries {
            let key = settings.map { entry.settings.values[$0] }
            if groups[key] == nil { order.append(key) }
            if let index = groups[key]?.firstIndex(where: { $0.experimentKey == entry.experimentKey }) {
                if Self.preferred(entry, over: groups[key]![index]) { groups[key]![index] = entry }
            } else {
                groups[key, default: []].append(entry)
            }
        }
        return order.map { key in
            let members = groups[key]!
            return (Dictionary(uniqueKeysWithValues: settings.map { ($0, members[0].settings.display($0, among: all)) }), members)
        }
    }

    /// Whether `entry` should stand for its experiment rather than `other`: a completed run
    /// over one that is not, then the more recent.
    private static func preferred(_ entry: Entry, over other: Entry) -> Bool {
        let (completed, otherCompleted) = (entry.summary.status == .completed, other.summary.status == .completed)
        if completed != otherCompleted { return completed }
        return (entry.summary.createdAt ?? .distantPast) > (other.summary.createdAt ?? .distantPast)
    }

    /// One row per setting (see `replicateGroups`): the number of runs and the
    /// mean ± sample standard deviation of each final metric over them. This
    /// is how a sweep over several seeds is read.
    ///
    /// - Parameter separateColumns: Mean and standard deviation as two number
    ///   columns each (`val_acc_mean`, `val_acc_std`), for CSV and JSON; otherwise
    ///   one "mean ± std" column per metric.
    public func aggregatedTable(separateColumns: Bool = false) -> Table {
        let settings = differingSettings.filter { $0 != "training.seed" }
        let metrics: [(String, (Entry) -> Double?, (Double) -> String)] = [
            ("train_loss", { $0.summary.finalTrainLoss }, Format.metric),
            ("train_acc", { $0.summary.finalTrainAccuracy }, Format.accuracy),
            ("val_loss", { $0.summary.finalValidationLoss }, Format.metric),
            ("val_acc", { $0.summary.finalValidationAccuracy }, Format.accuracy),
            ("best_val_acc", { $0.bestValidationAccuracy }, Format.accuracy),
        ]
        let metricHeaders = metrics.flatMap { name, _, _ in separateColumns ? ["\(name)_mean", "\(name)_std"] : [name] }
        let headers = settings.map(RunSettings.name(of:)) + ["runs"] + metricHeaders
        let rows = replicateGroups().map { setting, members -> [Cell] in
            settings.map { settingCell(setting[$0] ?? "") } + [Cell(String(members.count), isNumber: true)]
                + metrics.flatMap { _, value, format -> [Cell] in
                    let values = members.compactMap(value)
                    let statistics = values.isEmpty ? nil : Statistics.meanAndStandardDeviation(values)
                    if separateColumns {
                        return [.number(statistics?.mean, format), .number(statistics?.standardDeviation, format)]
                    }
                    return [statistics.map { Cell("\(format($0.mean)) ± \(format($0.standardDeviation))") } ?? Cell("")]
                }
        }
        return Table(headers: headers, rows: rows)
    }

    private func settingCell(_ text: String) -> Cell {
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
