import GRDB

/// Where a run is in its life; the `runs.status` column.
public enum RunStatus: String, Sendable, CaseIterable {
    /// Training is in progress (or its process died and was not reaped yet).
    case running
    /// All epochs ran.
    case completed
    /// The loss stopped being a finite number; `diverged_at_epoch` says when.
    case diverged
    /// Stopped early by a signal, or its process vanished without a word.
    case interrupted
    /// Stopped by an error; `error_message` says which.
    case failed
}

extension RunStatus: DatabaseValueConvertible {}
