import Dispatch
import Foundation
import RunnerCore
import RunnerStore

/// How one run ended, for the summary `runner run` prints.
public struct RunResult: Sendable {
    /// The run's ids in the store.
    public var identity: RunIdentity
    /// The run's name (with its swept values).
    public var name: String
    /// How it ended.
    public var status: RunStatus
    /// The epochs recorded.
    public var epochsCompleted: Int
    /// The metrics of the last recorded epoch, if any.
    public var finalEpoch: EpochReport?
    /// The epoch in which the loss or a weight stopped being finite, for a diverged run.
    public var divergedAtEpoch: Int?
    /// Wall time from the first epoch to the end of training.
    public var seconds: Double
}

/// Trains runs and records each one in the store as it goes.
///
/// A run is inserted as `running`, every epoch is committed as it ends, a
/// timer refreshes the heartbeat, and the weights and final status are
/// written together at the end: completed, diverged (with its epoch),
/// interrupted (after a signal, keeping every finished epoch) or failed.
public struct RunExecutor {
    public let store: ExperimentStore
    public let progress: any ProgressReporter
    public let interruption: InterruptionMonitor?
    /// How often the heartbeat is refreshed while a run trains.
    public var heartbeatInterval: Double = 15
    /// Data sets up to this many points are stored with their runs (once per distinct
    /// set); larger ones are not, and pictures rebuild them from the spec instead.
    /// Storing takes about a second per 100,000 points, inside the write lock that
    /// other runs writing to the same file wait for.
    public static let storedPointLimit = 100_000

    public init(store: ExperimentStore, progress: any ProgressReporter, interruption: InterruptionMonitor?) {
        self.store = store
        self.progress = progress
        self.interruption = interruption
    }

    /// Trains and records every run of `plan` in order, handing each result to
    /// `onResult` as it ends; after an interruption it starts no further run.
    ///
    /// - Returns: The results of the runs that were started.
    @discardableResult
    public func execute(_ plan: RunPlan, onResult: (RunResult) -> Void) throws -> [RunResult] {
        var results: [RunResult] = []
        for (index, job) in plan.jobs.enumerated() {
            let result = try execute(job, index: index + 1, total: plan.jobs.count)
            results.append(result)
            onResult(result)
            if interruption?.signalReceived != nil { break }
        }
        return results
    }

    /// Trains `job` and records it; `index` and `total` are for progress only.
    public func execute(_ job: TrainingJob, index: Int, total: Int) throws -> RunResult {
        let spec = job.spec
        let identity = try store.startRun(newRun(for: job))
        let heartbeat = startHeartbeat(runID: identity.id)
        defer { heartbeat.cancel() }
        progress.runStarted(name: spec.runName, shortID: identity.shortID, index: index, total: total, epochs: spec.training.epochs)
        defer { progress.runFinished() }

        let clock = ContinuousClock()
        let began = clock.now
        func elapsed() -> Double {
            let duration = clock.now - began
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let result: TrainingResult
        do {
            result = try job.train { report in
                try store.recordEpoch(EpochRecord(
                    runID: identity.id, epoch: report.epoch,
                    trainLoss: report.training.loss, trainAccuracy: report.training.accuracy,
                    validationLoss: report.validation?.loss, validationAccuracy: report.validation?.accuracy,
                    elapsedSeconds: elapsed()))
                progress.epochFinished(report, of: spec.training.epochs)
                return interruption?.signalReceived == nil ? .proceed : .stop
            }
        } catch {
            try? store.finishRun(id: identity.id, outcome: .failed(message: "\(error)"), metrics: nil, weights: [])
            throw error
        }

        let outcome: RunOutcome = switch result.outcome {
        case .completed: .completed
        case .stopped: .interrupted(reason: interruption?.reason)
        case .diverged(let epoch): .diverged(atEpoch: epoch)
        }
        let last = result.epochs.last
        try store.finishRun(
            id: identity.id, outcome: outcome,
            metrics: last.map {
                FinalMetrics(trainLoss: $0.training.loss, trainAccuracy: $0.training.accuracy,
                             validationLoss: $0.validation?.loss, validationAccuracy: $0.validation?.accuracy)
            },
            weights: result.parameters.tensors.map(WeightTensor.init))
        let divergedAt: Int? = if case .diverged(let epoch) = result.outcome { epoch } else { nil }
        return RunResult(
            identity: identity, name: spec.runName, status: outcome.status, epochsCompleted: result.epochs.count,
            finalEpoch: last, divergedAtEpoch: divergedAt, seconds: elapsed())
    }

    private func newRun(for job: TrainingJob) -> NewRun {
        let key = job.spec.hyperparameters
        return NewRun(
            name: job.spec.runName, groupName: job.spec.group, specJSON: job.spec.canonicalJSON,
            hyperparameters: Hyperparameters(
                hiddenUnits: key.hiddenUnits, learningRate: key.learningRate, epochs: key.epochs,
                seed: Int(key.seed), dataset: key.dataSet, inputDimension: job.training.dimension,
                batchSize: key.batchSize, weightDecay: key.weightDecay, visitOrder: key.order,
                initialization: key.initialization, trainSize: job.training.count,
                validationSize: job.validation?.count ?? 0),
            programVersion: RunnerVersion.current,
            trainingData: job.training.count <= Self.storedPointLimit ? StoredDataset(job.training) : nil,
            validationData: job.validation.flatMap { $0.count <= Self.storedPointLimit ? StoredDataset($0) : nil },
            specSource: job.source)
    }

    private func startHeartbeat(runID: String) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + heartbeatInterval, repeating: heartbeatInterval)
        timer.setEventHandler { [store] in try? store.heartbeat(runID: runID) }
        timer.resume()
        return timer
    }
}

extension StoredDataset {
    /// The store's form of one of the core's data sets.
    init(_ data: Dataset) {
        self.init(dimension: data.dimension, features: data.features, labels: data.labels)
    }
}

extension WeightTensor {
    /// The store's form of one of the core's tensors.
    init(_ tensor: Tensor) {
        let shape = tensor.name == "Wi" ? [tensor.rows, tensor.columns] : tensor.name == "bo" ? [] : [tensor.rows]
        self.init(name: TensorName(rawValue: tensor.name)!, shape: shape, values: tensor.values)
    }
}
