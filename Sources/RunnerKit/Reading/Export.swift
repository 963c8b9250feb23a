import Foundation
import RunnerStore

/// What `runner export` writes out.
public enum ExportContent: String, CaseIterable, Sendable {
    /// Every epoch's metrics.
    case epochs
    /// The final weights, one row per number.
    case weights
    /// The resolved spec, as stored.
    case spec
}

/// A problem with an export request.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    case specIsJSON(OutputFormat)
    case specNotJSON(run: String, id: String)
    case noEpochs(run: String, status: String)
    case noWeights(run: String, status: String)

    public var description: String {
        switch self {
        case .specIsJSON(let format):
            "the spec is a JSON document and cannot be exported as \(format.rawValue); use --format json"
        case let .specNotJSON(run, id):
            "run \(run): column spec_json does not hold a JSON object; correct it with sqlite3 (UPDATE runs SET spec_json = '…' WHERE id = '\(id)')"
        case let .noEpochs(run, status):
            "run \(run) has no epochs (status \(status)\(status == "running" ? ": none has ended yet" : ""))"
        case .noWeights(let run, let status):
            "run \(run) has no final weights (status \(status)); weights are written when a run ends"
        }
    }
}

/// Exports one run's data for other tools.
public enum Export {
    /// The export of `content` of run `reference` in `format`.
    ///
    /// Numbers are written with full precision (the shortest text that reads
    /// back as the same double), so weights survive a round trip.
    public static func render(store: ExperimentStore, reference: String, content: ExportContent, format: OutputFormat) throws -> String {
        let run = try store.run(reference)
        switch content {
        case .spec:
            guard format == .json else { throw ExportError.specIsJSON(format) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(run.specJSON.utf8)), object is [String: Any] else {
                throw ExportError.specNotJSON(run: run.shortID, id: run.id)
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        case .epochs:
            let epochs = try store.epochs(of: run.id)
            guard !epochs.isEmpty else { throw ExportError.noEpochs(run: run.shortID, status: run.status.rawValue) }
            return Table(
                headers: ["epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "elapsed_seconds"],
                rows: epochs.map { epoch in
                    [
                        Cell(String(epoch.epoch), isNumber: true), .exact(epoch.trainLoss),
                        .exact(epoch.trainAccuracy), .exact(epoch.validationLoss),
                        .exact(epoch.validationAccuracy), .exact(epoch.elapsedSeconds),
                    ]
                }).rendered(as: format)
        case .weights:
            let tensors = try store.weights(of: run.id)
            guard !tensors.isEmpty else { throw ExportError.noWeights(run: run.shortID, status: run.status.rawValue) }
            var rows: [[Cell]] = []
            for tensor in tensors {
                let columns = tensor.shape.count == 2 ? tensor.shape[1] : 1
                for (index, value) in tensor.values.enumerated() {
                    rows.append([
                        Cell(tensor.name.rawValue), Cell(String(index / columns), isNumber: true),
                        Cell(String(index % columns), isNumber: true), .exact(value),
                    ])
                }
            }
            return Table(headers: ["tensor", "row", "col", "value"], rows: rows).rendered(as: format)
        }
    }
}

extension QueryResult {
    /// The result as a table: integers and reals are numbers, NULL is an empty cell.
    public var table: Table {
        Table(headers: columns, rows: rows.map { $0.map(\.cell) })
    }
}

extension QueryValue {
    /// The value as a cell: integers and reals are numbers, NULL is empty, and an empty
    /// text is "" in JSON (not null).
    public var cell: Cell {
        switch self {
        case .integer, .real: Cell(description, isNumber: true)
        case .text(let text) where text.isEmpty: Cell("", json: "\"\"")
        default: Cell(description)
        }
    }
}

private extension Cell {
    /// A number printed in full in every format: the shortest text that reads back as it.
    static func exact(_ value: Double?) -> Cell {
        .number(value) { "\($0)" }
    }
}
