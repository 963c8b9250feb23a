import Foundation
import RunnerStore

/// Runs side by side, as `runner compare` shows them.
///
/// Only the settings whose values differ between the runs become columns,
/// like "show diff only" in MLflow's compare page; settings are read from each
/// run's resolved spec (see `RunSettings`). Metrics come from each run's
/// epochs: final values, the best values over all epochs, and the epoch of the
/// best validation accuracy.
public struct Comparison: Sendable {
    /// One run with its settings and the metrics derived from its epochs.
    public struct Entry: Sendable {
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
        /// Its tags, by key.
        public var tags: [RunTag]

        /// The epoch it converged at, once it completed: a run still running, interrupted or
        /// failed has not shown that its zero training error lasts to the end.
        var finalConvergedEpoch: Int? {
            summary.status == .completed ? summary.convergedAtEpoch : nil
        }
    }

    /// The runs, in the order given.
    public let entries: [Entry]

    /// The settings that take more than one value across the runs, as spec paths.
    public let differingSettings: [String]

    /// Each differing setting's value in each entry, as shown in a table (see `RunSettings.displayed`).
    private let shown: [String: [String]]

    /// Whether the runs come from more than one group (or some from none): then a
    /// group is part of what sets runs apart, and runs of two groups are never replicates.
    public let spansGroups: Bool

    /// Reads the spec and the best epochs of each of `runs`, in a few queries
    /// however many runs there are, and their specs on every core: `block` runs at a time,
    /// so that only their stored specs are held at once.
    public init(store: ExperimentStore, runs: [RunSummary], block: Int = 5_000) throws(StoreError) {
        var entries: [Entry] = []
        entries.reserveCapacity(runs.count)
        for start in stride(from: 0, to: runs.count, by: block) {
            entries += try Self.entries(of: Array(runs[start..<min(runs.count, start + block)]), in: store)
        }
        self.entries = entries
        let settings = entries.map(\.settings)
        differingSettings = RunSettings.differing(settings)
        shown = Dictionary(uniqueKeysWithValues: differingSettings.map { ($0, RunSettings.displayed($0, in: settings)) })
        spansGroups = Set(runs.map(\.groupName)).count > 1
    }

    /// The entries of `runs`, their specs read on every core.
    private static func entries(of runs: [RunSummary], in store: ExperimentStore) throws(StoreError) -> [Entry] {
        let facts = try store.comparisonFacts(of: runs.map(\.id))
        let tags = try store.tags(ofRuns: runs.map(\.id))
        return runs.concurrentMap { run in
            let fact = facts[run.id]
            return Entry(
                summary: run,
                settings: RunSettings(
                    specJSON: fact?.specJSON ?? "{}", trainingDataID: fact?.trainingDataID, validationDataID: fact?.validationDataID),
                experimentKey: [fact?.specHash, fact?.trainingDataID, fact?.validationDataID],
                bestTrainLoss: run.lowestTrainLoss,
                bestTrainAccuracy: run.bestTrainAccuracy,
                bestValidationLoss: run.lowestValidationLoss,
                bestValidationAccuracy: run.bestValidationAccuracy,
                bestValidationEpoch: run.bestValidationEpoch,
                tags: tags[run.id] ?? [])
        }
    }

    /// Each entry's place when the entries are ordered by group (when they span several)
    /// and differing settings, the training seed included (see `RunSettings.precedes`), and
    /// by their given order where those are alike: what ties between equal scores are
    /// broken by, so that the choice does not depend on when runs were made.
    public var settingsRanks: [Int] {
        let keys = entries.indices.map { index in orderKey(of: index, settings: differingSettings.map { displayed($0, at: index) }) }
        let order = entries.indices.sorted { a, b in keys[a] != keys[b] ? RunSettings.precedes(keys[a], keys[b]) : a < b }
        var ranks = Array(repeating: 0, count: entries.count)
        for (rank, index) in order.enumerated() { ranks[index] = rank }
        return ranks
    }

    /// What the `index`-th entry is ordered by: its group, when the runs span several, then
    /// `settings`, its displayed values of the settings in question.
    private func orderKey(of index: Int, settings: [String]) -> [String] {
        (spansGroups ? [entries[index].summary.groupName ?? ""] : []) + settings
    }

    /// The value of the differing setting `path` in the `index`-th entry, as a table shows it.
    public func displayed(_ path: String, at index: Int) -> String {
        shown[path]?[index] ?? ""
    }

    /// Each run's label in a legend: the settings that set it apart, compactly
    /// (`h=5 lr=0.2 seed=3`), never cut; the short id and name when no setting differs.
    public func labels() -> [String] {
        entries.indices.map { index in
            let differing = differingSettings.map { "\(RunSettings.shortName(of: $0))=\(displayed($0, at: index))" }
            let run = entries[index].summary
            return differing.isEmpty ? "\(run.shortID) \(run.name)" : differing.joined(separator: " ")
        }
    }

    /// One row per run: id, name (and group, when the runs span several), tags (when a run
    /// has any), differing settings, status and metrics. With `separateColumns` (for CSV and
    /// JSON) a diverged run's epoch gets a column of its own instead of following its status.
    public func table(separateColumns: Bool = false) -> Table {
        let differing = differingSettings
        let tagged = entries.contains { !$0.tags.isEmpty }
        let headers = ["id", "name"] + (spansGroups ? ["group"] : []) + (tagged ? ["tags"] : []) + differing.map(RunSettings.name(of:))
            + RunListing.statusHeaders(separate: separateColumns) + [
            "train_loss", "train_acc", "val_loss", "val_acc",
            "best_train_loss", "best_train_acc", "best_val_loss", "best_val_acc", "best_epoch", "converged", "seconds",
        ]
        let rows = Array(entries.indices).concurrentMap { index -> [Cell] in
            let entry = entries[index]
            let run = entry.summary
            return [Cell(run.shortID), Cell(run.name)] + (spansGroups ? [Cell(run.groupName ?? "")] : [])
                + (tagged ? [RunListing.tagsCell(entry.tags)] : [])
                + differing.map { settingCell(displayed($0, at: index)) }
                + RunListing.statusCells(run, separate: separateColumns)
                + [
                    .number(run.finalTrainLoss, Format.metric), .number(run.finalTrainAccuracy, Format.accuracy),
                    .number(run.finalValidationLoss, Format.metric), .number(run.finalValidationAccuracy, Format.accuracy),
                    .number(entry.bestTrainLoss, Format.metric), .number(entry.bestTrainAccuracy, Format.accuracy),
                    .number(entry.bestValidationLoss, Format.metric), .number(entry.bestValidationAccuracy, Format.accuracy),
                    .number(entry.bestValidationEpoch) { String($0) },
                    .number(run.convergedAtEpoch) { String($0) },
                    .number(run.durationSeconds) { String(format: "%.2f", $0) },
                ]
        }
        return Table(headers: headers, rows: rows)
    }

    /// The runs grouped by their group (when they span several) and every differing
    /// setting except the training seed, with each setting's displayed value. The same
    /// experiment run twice (same resolved spec, same stored points) counts once: as its
    /// most recent completed run, or its most recent run if none completed.
    ///
    /// The groups come ordered by their group name and settings (see `RunSettings.precedes`),
    /// not by when their runs were made, so that a sweep trained in one go and the same
    /// sweep merged from shards list them alike; members keep the order of `entries`.
    public func replicateGroups() -> [(setting: [String: String], entries: [Entry])] {
        let settings = differingSettings.filter { $0 != "training.seed" }
        var order: [[String?]] = []
        var groups: [[String?]: (first: Int, members: [Entry], byExperiment: [[String?]: Int])] = [:]
        for (index, entry) in entries.enumerated() {
            let key = (spansGroups ? [entry.summary.groupName] : []) + settings.map { entry.settings[$0] }
            if groups[key] == nil {
                order.append(key)
                groups[key] = (index, [], [:])
            }
            if let known = groups[key]!.byExperiment[entry.experimentKey] {
                if Self.preferred(entry, over: groups[key]!.members[known]) { groups[key]!.members[known] = entry }
            } else {
                groups[key]!.byExperiment[entry.experimentKey] = groups[key]!.members.count
                groups[key]!.members.append(entry)
            }
        }
        let shown = order.map { key in
            let group = groups[key]!
            let values = settings.map { displayed($0, at: group.first) }
            return (orderKey: orderKey(of: group.first, settings: values), setting: Dictionary(uniqueKeysWithValues: zip(settings, values)), entries: group.members)
        }
        return shown.sorted { RunSettings.precedes($0.orderKey, $1.orderKey) }.map { ($0.setting, $0.entries) }
    }

    /// Whether `entry` should stand for its experiment rather than `other`: a completed run
    /// over one that is not, then the more recent.
    private static func preferred(_ entry: Entry, over other: Entry) -> Bool {
        let (completed, otherCompleted) = (entry.summary.status == .completed, other.summary.status == .completed)
        if completed != otherCompleted { return completed }
        return (entry.summary.createdAt ?? .distantPast) > (other.summary.createdAt ?? .distantPast)
    }

    /// One row per setting (see `replicateGroups`): the number of runs, how many
    /// of them converged (completed with zero training error to the end), and the mean ± sample
    /// standard deviation of each final metric over them (of the convergence
    /// epoch, over the runs that converged). This is how a sweep over several
    /// seeds is read.
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
            ("converged_epoch", { $0.finalConvergedEpoch.map(Double.init) }, Format.metric),
        ]
        let metricHeaders = metrics.flatMap { name, _, _ in separateColumns ? ["\(name)_mean", "\(name)_std"] : [name] }
        let headers = (spansGroups ? ["group"] : []) + settings.map(RunSettings.name(of:)) + ["runs", "converged"] + metricHeaders
        let rows = replicateGroups().map { setting, members -> [Cell] in
            (spansGroups ? [Cell(members[0].summary.groupName ?? "")] : [])
                + settings.map { settingCell(setting[$0] ?? "") }
                + [members.count, members.filter { $0.finalConvergedEpoch != nil }.count].map { Cell(String($0), isNumber: true) }
                + metrics.flatMap { _, value, format -> [Cell] in
                    let values = members.compactMap(value)
                    let statistics = values.isEmpty ? nil : Statistics.meanAndStandardDeviation(values)
                    if separateColumns {
                        return [.number(statistics?.mean, format), .number(statistics?.standardDeviation, format)]
                    }
                    // One value has no spread to show.
                    guard let statistics else { return [Cell("")] }
                    return [Cell(format(statistics.mean) + (values.count == 1 ? "" : " ± \(format(statistics.standardDeviation))"))]
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
    ///
    /// The values are summed in ascending order, so the result has the same bits whatever
    /// order they come in: the runs of a sweep merged from shards, listed in another order
    /// than when trained in one go, aggregate to the same digits.
    public static func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
        let sorted = values.sorted()
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        guard sorted.count > 1 else { return (mean, 0) }
        let variance = sorted.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(sorted.count - 1)
        return (mean, variance.squareRoot())
    }
}

extension Table {
    /// The column a user means by `name`: that column; an aggregate's `name_mean`, where CSV
    /// and JSON give means and deviations columns of their own; or the column of the setting
    /// a spec calls `name` (`learning_rate` is `lr`, `training.seed` is `seed`). Else `name`.
    public func column(named name: String) -> String {
        if headers.contains(name) { return name }
        if headers.contains(name + "_mean") { return name + "_mean" }
        // Last first, so that `seed` is the training seed before the data seed.
        let setting = RunSettings.columns.last { ($0.path == name || $0.path.hasSuffix("." + name)) && headers.contains($0.name) }
        return setting.map(\.name) ?? name
    }

    /// The rows ordered by the column named `column` (numbers numerically,
    /// empty cells last), ascending unless `descending`; rows alike in it keep the
    /// order of `tieRanks` (each row's place), or else their own.
    ///
    /// - Throws: `TableError.unknownColumn` naming the columns there are.
    public func sorted(by column: String, descending: Bool = false, tieRanks: [Int]? = nil) throws(TableError) -> Table {
        guard let index = headers.firstIndex(of: column) else {
            throw .unknownColumn(column, available: headers)
        }
        let rank = tieRanks ?? Array(rows.indices)
        let sortedRows = rows.enumerated().sorted { a, b in
            let (x, y) = (a.element[index], b.element[index])
            if x.isEmpty != y.isEmpty { return y.isEmpty }
            if x.isEmpty { return rank[a.offset] < rank[b.offset] }
            let ascending: Bool
            if let p = Double(x.text.split(separator: " ").first ?? ""), let q = Double(y.text.split(separator: " ").first ?? ""), p != q {
                ascending = p < q
            } else if x.text != y.text {
                ascending = x.text < y.text
            } else {
                return rank[a.offset] < rank[b.offset]
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
            "no column named '\(column)' to sort by"
                + (closestMatch(to: column, among: available).map { "; did you mean '\($0)'?" } ?? "")
                + " (the columns are: \(available.joined(separator: ", ")))"
        }
    }
}
