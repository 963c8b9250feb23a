import RunnerStore

/// The tables `runner list` prints.
public enum RunListing {
    /// One row per run: ids, name, group, tags, status, key hyperparameters, final metrics and
    /// when it was created. With `separateColumns` (for CSV and JSON, whose columns never
    /// change) a diverged run's epoch gets a column of its own, the tags column is there even
    /// when no run has tags, and `created` is a plain key; for people it says "created (UTC)".
    public static func table(_ runs: [RunSummary], tags: [String: [RunTag]] = [:], separateColumns: Bool = false) -> Table {
        let tagged = separateColumns || tags.values.contains { !$0.isEmpty }
        return Table(
            headers: ["id", "name", "group"] + (tagged ? ["tags"] : []) + statusHeaders(separate: separateColumns)
                + ["hidden", "lr", "epochs", "seed", "data", "train_acc", "val_acc", separateColumns ? "created" : "created (UTC)"],
            rows: runs.map { run in
                let key = run.hyperparameters
                return [Cell(run.shortID), Cell(run.name), Cell(run.groupName ?? "")] + (tagged ? [tagsCell(tags[run.id] ?? [])] : [])
                    + statusCells(run, separate: separateColumns) + [
                    Cell(String(key.hiddenUnits), isNumber: true), Cell(Format.parameter(key.learningRate), isNumber: true),
                    Cell(String(key.epochs), isNumber: true), Cell(String(key.seed), isNumber: true), Cell(key.dataset),
                    .number(run.finalTrainAccuracy, Format.accuracy), .number(run.finalValidationAccuracy, Format.accuracy),
                    Cell(run.createdAt.map(Format.timestamp) ?? ""),
                ]
            })
    }

    /// `status`, and `diverged_at_epoch` when separate.
    static func statusHeaders(separate: Bool) -> [String] {
        separate ? ["status", "diverged_at_epoch"] : ["status"]
    }

    /// The status, with the epoch for a diverged run: "diverged@12" in one cell, or
    /// "diverged" and 12 in two when separate.
    static func statusCells(_ run: RunSummary, separate: Bool) -> [Cell] {
        guard separate else { return [Cell(statusText(run))] }
        return [Cell(run.status.rawValue), .number(run.divergedAtEpoch) { String($0) }]
    }

    /// The status, with the epoch for a diverged run ("diverged@12").
    static func statusText(_ run: RunSummary) -> String {
        run.divergedAtEpoch.map { "\(run.status.rawValue)@\($0)" } ?? run.status.rawValue
    }

    /// Tags as `key=value`, sorted by key and separated by ", "; in JSON an object, which
    /// tells a tag whose value holds ", " from two tags.
    static func tagsCell(_ tags: [RunTag]) -> Cell {
        let members = tags.map { Table.jsonString($0.key) + ": " + Table.jsonString($0.value) }
        return Cell(tags.map(\.description).joined(separator: ", "), json: "{" + members.joined(separator: ", ") + "}")
    }
}
