import Foundation

/// What the caller knows when a run starts; the store adds ids, timestamps and status.
public struct NewRun: Sendable, Equatable {
    /// Human name of the run.
    public var name: String
    /// Experiment or sweep the run belongs to, if any.
    public var groupName: String?
    /// Canonical JSON of the fully resolved spec (sorted keys, no whitespace); hashed as is.
    public var specJSON: String
    /// The hyperparameters, also found in the spec.
    public var hyperparameters: Hyperparameters
    /// Version of the `runner` doing the training.
    public var programVersion: String
    /// The training process, used to detect runs abandoned by a killed process.
    public var process: TrainingProcess
    /// The points the run trains on, stored (once) so the run can be redrawn later.
    public var trainingData: StoredDataset?
    /// The points it is validated on, if any.
    public var validationData: StoredDataset?
    /// The spec file it comes from, if it comes from one.
    public var specSource: StoredSpecSource?

    public init(
        name: String, groupName: String? = nil, specJSON: String,
        hyperparameters: Hyperparameters, programVersion: String,
        process: TrainingProcess = .current,
        trainingData: StoredDataset? = nil, validationData: StoredDataset? = nil,
        specSource: StoredSpecSource? = nil
    ) {
        self.specSource = specSource
        self.trainingData = trainingData
        self.validationData = validationData
        self.name = name
        self.groupName = groupName
        self.specJSON = specJSON
        self.hyperparameters = hyperparameters
        self.programVersion = programVersion
        self.process = process
    }
}

/// The ids of a stored run.
public struct RunIdentity: Sendable, Equatable, Hashable {
    /// Lowercase UUID.
    public var id: String
    /// First 8 hex characters of the id.
    public var shortID: String
}
