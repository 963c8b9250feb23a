/// How a run ended; decides the final `status`.
public enum RunOutcome: Sendable, Equatable {
    /// All epochs ran.
    case completed
    /// The loss stopped being finite at this 1-based epoch.
    case diverged(atEpoch: Int)
    /// Stopped early by a signal or the user, with an optional reason.
    case interrupted(reason: String?)
    /// Stopped by an error.
    case failed(message: String)

    /// The status the run gets.
    public var status: RunStatus {
        switch self {
        case .completed: .completed
        case .diverged: .diverged
        case .interrupted: .interrupted
        case .failed: .failed
        }
    }
}

/// The metrics after the last epoch of a run. NaN losses are stored as NULL.
public struct FinalMetrics: Sendable, Equatable {
    /// Mean training loss.
    public var trainLoss: Double
    /// Fraction of training points classified right, 0...1.
    public var trainAccuracy: Double
    /// Mean validation loss; nil without validation split.
    public var validationLoss: Double?
    /// Fraction of validation points classified right; nil without validation split.
    public var validationAccuracy: Double?

    public init(trainLoss: Double, trainAccuracy: Double, validationLoss: Double? = nil, validationAccuracy: Double? = nil) {
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
    }
}
