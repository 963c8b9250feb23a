import GRDB

/// One row of `epochs`: the metrics at the end of one epoch of a run.
///
/// SQLite has no NaN: a NaN loss is stored as NULL and reads back as nil.
public struct EpochRecord: Sendable, Equatable {
    /// The run (`run_id`).
    public var runID: String
    /// 1-based epoch number (`epoch`).
    public var epoch: Int
    /// Mean training loss (`train_loss`).
    public var trainLoss: Double?
    /// Fraction of training points classified right, 0...1 (`train_accuracy`).
    public var trainAccuracy: Double
    /// Mean validation loss; nil without validation split (`validation_loss`).
    public var validationLoss: Double?
    /// Fraction of validation points classified right (`validation_accuracy`).
    public var validationAccuracy: Double?
    /// Seconds since the run started (`elapsed_seconds`).
    public var elapsedSeconds: Double

    public init(
        runID: String, epoch: Int, trainLoss: Double?, trainAccuracy: Double,
        validationLoss: Double? = nil, validationAccuracy: Double? = nil, elapsedSeconds: Double
    ) {
        self.runID = runID
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.elapsedSeconds = elapsedSeconds
    }
}

extension EpochRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "epochs"

    public init(row: Row) {
        runID = row["run_id"]
        epoch = row["epoch"]
        trainLoss = row["train_loss"]
        trainAccuracy = row["train_accuracy"]
        validationLoss = row["validation_loss"]
        validationAccuracy = row["validation_accuracy"]
        elapsedSeconds = row["elapsed_seconds"]
    }

    public func encode(to container: inout PersistenceContainer) {
        container["run_id"] = runID
        container["epoch"] = epoch
        container["train_loss"] = trainLoss
        container["train_accuracy"] = trainAccuracy
        container["validation_loss"] = validationLoss
        container["validation_accuracy"] = validationAccuracy
        container["elapsed_seconds"] = elapsedSeconds
    }
}
