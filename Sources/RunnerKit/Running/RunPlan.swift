import RunnerCore
import RunnerStore

/// One resolved run, ready to train: its data loaded and its start weights made.
public struct TrainingJob: Sendable {
    /// The fully resolved spec of this run.
    public let spec: ExperimentSpec
    /// The training points.
    public let training: Dataset
    /// The validation points, unless the spec has none.
    public let validation: Dataset?
    /// The weights training starts from: from the spec's file, or drawn by its initialization.
    public let startParameters: Parameters
    /// The training seed's generator after drawing the start weights: it draws the visiting order next.
    public let random: RandomSource
    /// The spec file the run comes from, recorded with it.
    public var source: StoredSpecSource?

    /// Loads the data of `spec` (unless given) and makes its start weights
    /// with `RandomSource(seed: training.seed)`, in the order docs/spec.md describes.
    public init(spec: ExperimentSpec, data: (training: Dataset, validation: Dataset?)? = nil) throws(ExperimentError) {
        let (training, validation): (Dataset, Dataset?)
        if let data {
            (training, validation) = data
        } else {
            (training, validation) = try spec.loadData()
        }
        var random = spec.makeTrainingRandom()
        self.spec = spec
        self.training = training
        self.validation = validation
        startParameters = try spec.startParameters(inputDimension: training.dimension, random: &random)
        self.random = random
    }

    /// Trains the start weights by the spec's options, calling `onEpoch` after every epoch.
    public func train(onEpoch: (EpochReport) throws -> EpochDecision) rethrows -> TrainingResult {
        var random = random
        return try startParameters.trained(
            on: training, validation: validation, options: spec.trainingOptions, random: &random, onEpoch: onEpoch)
    }
}

/// Every run that `runner run` will train, checked before the first one starts.
///
/// Loading a plan parses and validates every spec file, expands the sweeps
/// and reads every data set, so a mistake anywhere is reported before the
/// database is touched.
public struct RunPlan: Sendable {
    public let jobs: [TrainingJob]

    /// Loads, validates and expands `specPaths` (each with `overrides`, see `SpecOverride`),
    /// reading each distinct data set once.
    ///
    /// - Throws: `RunPlanError` with every problem of every file.
    public static func load(specPaths: [String], overrides: [SpecOverride] = []) throws(RunPlanError) -> RunPlan {
        var problems: [String] = []
        var specs: [(spec: ExperimentSpec, source: StoredSpecSource)] = []
        for path in specPaths {
            do {
                let (runs, source) = try SpecFile.loadWithSource(path: path, overrides: overrides)
                specs += runs.map { ($0, source) }
            } catch {
                problems.append(error.description)
            }
        }
        var loaded: [DataSettings: (Dataset, Dataset?)] = [:]
        var jobs: [TrainingJob] = []
        for (spec, source) in specs {
            do {
                if loaded[spec.data] == nil { loaded[spec.data] = try spec.loadData() }
                var job = try TrainingJob(spec: spec, data: loaded[spec.data])
                job.source = source
                jobs.append(job)
            } catch {
                problems.append("\(spec.runName): \(error.description)")
            }
        }
        guard problems.isEmpty else { throw RunPlanError(problems: problems) }
        return RunPlan(jobs: jobs)
    }
}

/// Why a set of spec files cannot run, every problem listed.
public struct RunPlanError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public var description: String {
        problems.joined(separator: "\n")
    }
}
