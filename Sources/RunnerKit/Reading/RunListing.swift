import RunnerStore

/// The tables `runner list` prints.
public enum RunListing {
    /// One row per run: ids, name, group, status, key hyperparameters and final metrics.
    public static func table(_ runs: [RunSummary]) -> Table {
        Table(
            headers: ["id", "name", "group", "status", "hidden", "lr", "epochs", "seed", "data", "train_acc", "val_acc", "created"],
            rows: runs.map { run in
                let key = run.hyperparameters
                return [
                    Cell(run.shortID), Cell(run.name), Cell(run.groupName ?? ""), Cell(statusText(run)),
                    Cell(String(key.hiddenUnits), isNumber: true), Cell(Format.parameter(key.learningRate), isNumber: true),
                    Cell(String(key.epochs), isNumber: true), Cell(String(key.seed), isNumber: true), Cell(key.dataset),
                    .number(run.finalTrainAccuracy, Format.accuracy), .number(run.finalValidationAccuracy, Format.accuracy),
                    Cell(run.createdAt.map(Format.timestamp) ?? ""),
                ]
            })
    }

    /// The status, with the epoch for a diverged run ("diverged@12").
    static func statusText(_ run: RunSummary) -> String {
        if let epoch = run.divergedAtEpoch { return "\(run.status.rawValue)@\(epoch)" }
        return run.status.rawValue
    }
}
