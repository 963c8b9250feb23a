import Foundation
import RunnerCore
import RunnerStore

/// Everything `runner show` prints about one run.
public struct RunDetails {
    public let run: Run
    public let epochs: [EpochRecord]
    public let weights: [WeightTensor]
    /// The run as `run_summary` shows it (for what it derives from the epochs).
    public let summary: RunSummary
    /// Its tags, by key.
    public let tags: [RunTag]
    /// The spec file it came from, when recorded.
    public let source: StoredSpecSource?

    /// Reads the run `reference` (full id or unique prefix) with its epochs, weights, tags and spec source.
    public init(store: ExperimentStore, reference: String) throws(StoreError) {
        run = try store.run(reference)
        epochs = try store.epochs(of: run.id)
        weights = try store.weights(of: run.id)
        summary = try store.summaries(of: [run.id])[0]
        tags = try store.tags(ofRuns: [run.id])[run.id] ?? []
        source = try store.specSource(of: run.id)
    }

    /// At most this many epoch rows are printed; the rest are summarised.
    public static let epochRowLimit = 20

    /// The report: header, resolved spec, loss curves as sparklines, epochs and weights.
    public func text() -> String {
        var lines: [String] = []
        let key = run.hyperparameters
        lines.append("Run \(run.shortID)  \(run.name)")
        lines.append("  id          \(run.id)")
        lines.append("  group       \(run.groupName ?? "-")")
        lines.append("  status      \(statusLine)")
        lines.append("  started     \(Format.timestamp(run.startedAt)) UTC on \(run.host) (pid \(run.pid)), runner \(run.programVersion)")
        lines.append("  data        \(key.dataset): \(key.trainSize) training and \(key.validationSize) validation points, d = \(key.inputDimension)")
        lines.append("  network     h = \(key.hiddenUnits), init \(key.initialization)")
        lines.append("  training    lr \(Format.parameter(key.learningRate)), \(key.epochs) epoch\(key.epochs == 1 ? "" : "s"), seed \(key.seed), order \(key.visitOrder), batch \(key.batchSize), weight decay \(Format.parameter(key.weightDecay))")
        if !epochs.isEmpty { lines.append("  converged   \(convergenceLine)") }
        if let message = run.errorMessage { lines.append("  message     \(message)") }
        if !tags.isEmpty { lines.append("  tags        \(RunListing.tagsCell(tags).text)") }
        if let note = run.note { lines.append("  note        \(note)") }
        if let source {
            let git = source.gitCommit.map { " (git \($0.prefix(12))\(source.gitDirty == true ? ", uncommitted changes" : ""))" } ?? ""
            lines.append("  spec file   \(source.path)\(git)")
            if !source.overrides.isEmpty {
                lines.append("  overrides   \(source.overrides.map { "--set \($0)" }.joined(separator: " "))")
            }
        }
        lines.append("")
        lines.append("Spec (resolved)")
        lines.append(prettySpec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        if !epochs.isEmpty {
            lines.append("")
            lines.append("Curves (epoch 1 → \(epochs.count))")
            lines.append(contentsOf: curves)
            lines.append("")
            lines.append(epochTable)
        }
        if !weights.isEmpty {
            lines.append("Final weights")
            for tensor in weights {
                lines.append(contentsOf: describe(tensor))
            }
        }
        return Table.visibleControlCharacters(lines.joined(separator: "\n")) + "\n"
    }

    private var statusLine: String {
        var text = run.status.rawValue
        if let epoch = run.divergedAtEpoch { text += " at epoch \(epoch)" }
        if let finished = run.finishedAt {
            text += ", \(epochs.count) epoch\(epochs.count == 1 ? "" : "s") in \(Format.duration(finished.timeIntervalSince(run.startedAt)))"
        }
        return text
    }

    private var convergenceLine: String {
        guard let epoch = summary.convergedAtEpoch else { return "no: the last epoch misclassifies training points" }
        let step = summary.convergedAtStep.map { " (step \($0))" } ?? ""
        return "at epoch \(epoch)\(step): zero training error from then on"
    }

    private var prettySpec: String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(run.specJSON.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return run.specJSON }
        return String(decoding: data, as: UTF8.self)
    }

    /// The two losses on one scale and the two accuracies on another, so each
    /// pair can be compared by the heights of its bars.
    private var curves: [String] {
        let pairs: [[(String, [Double])]] = [
            [("train loss    ", epochs.compactMap(\.trainLoss)), ("val loss      ", epochs.compactMap(\.validationLoss))],
            [("train accuracy", epochs.map(\.trainAccuracy)), ("val accuracy  ", epochs.compactMap(\.validationAccuracy))],
        ]
        return pairs.flatMap { pair -> [String] in
            let finite = pair.flatMap(\.1).filter(\.isFinite)
            let scale = finite.min().map { $0...finite.max()! }
            return pair.compactMap { label, values in
                guard let first = values.first, let last = values.last else { return nil }
                return "  \(label)  \(Sparkline.draw(values, scale: scale))  \(Format.metric(first)) → \(Format.metric(last))"
            }
        }
    }

    private var epochTable: String {
        var shown = epochs
        var note = ""
        if epochs.count > Self.epochRowLimit {
            let step = Double(epochs.count - 1) / Double(Self.epochRowLimit - 1)
            shown = (0..<Self.epochRowLimit).map { epochs[Int((Double($0) * step).rounded())] }
            note = "(\(Self.epochRowLimit) of \(epochs.count) epochs; `runner export \(run.shortID) --what epochs` prints all)\n"
        }
        let table = Table(
            headers: ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "seconds"],
            rows: shown.map { epoch in
                [
                    Cell(String(epoch.epoch), isNumber: true), .number(epoch.trainLoss, Format.metric),
                    .number(epoch.trainAccuracy, Format.accuracy), .number(epoch.validationLoss, Format.metric),
                    .number(epoch.validationAccuracy, Format.accuracy), .number(epoch.elapsedSeconds) { Format.printf("%.3f", $0) },
                ]
            })
        return "Epochs\n" + table.rendered(as: .table) + note
    }

    /// Values printed per tensor; larger tensors show their first rows and a summary.
    public static let weightValueLimit = 32

    private func describe(_ tensor: WeightTensor) -> [String] {
        let shape = tensor.shape.isEmpty ? "scalar" : "[" + tensor.shape.map(String.init).joined(separator: "×") + "]"
        let columns = tensor.shape.count == 2 ? tensor.shape[1] : max(tensor.values.count, 1)
        let rowLength = min(columns, 8)
        let shownRows = max(1, Self.weightValueLimit / rowLength)
        let rows = stride(from: 0, to: tensor.values.count, by: columns).prefix(shownRows).map { start in
            let row = tensor.values[start..<min(start + columns, tensor.values.count)]
            return "    " + row.prefix(rowLength).map(Self.weight).joined(separator: " ") + (row.count > rowLength ? " …" : "")
        }
        guard tensor.values.count > Self.weightValueLimit else { return ["  \(tensor.name.rawValue) \(shape)"] + rows }
        let finite = tensor.values.filter(\.isFinite)
        let statistics = finite.isEmpty ? [] : [("min", finite.min()!), ("mean", finite.reduce(0, +) / Double(finite.count)), ("max", finite.max()!)]
        let summary = finite.isEmpty ? "no finite values"
            : statistics.map { "\($0) \(Self.weight($1).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
        return ["  \(tensor.name.rawValue) \(shape): \(tensor.values.count) values, \(summary)"] + rows
            + ["    (first values shown; `runner export \(run.shortID) --what weights` prints all)"]
    }

    private static func weight(_ value: Double) -> String {
        abs(value) < 1e5 || !value.isFinite ? Format.printf("% .5f", value) : Format.printf("% .4e", value)
    }
}
