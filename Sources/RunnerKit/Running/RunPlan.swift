import RunnerCore

/// One resolved run with its data loaded: ready to train.
public struct TrainingJob: Sendable {
    public let spec: ExperimentSpec
    public let training: Dataset
    public let validation: Dataset?
}

/// Every run that `runner run` will train, checked before the first one starts.
///
/// Loading a plan parses and validates every spec file, expands the sweeps
/// and reads every data set, so a mistake anywhere is reported before the
/// database is touched.
public struct RunPlan: Sendable {
    public let jobs: [TrainingJob]

    /// Loads, validates and expands `specPaths`, reading each distinct data set once.
    ///
    /// - Throws: `RunPlanError` with every problem of every file.
    public static func load(specPaths: [String]) throws(RunPlanError) -> RunPlan {
        var problems: [String] = []
        var specs: [ExperimentSpec] = []
        for path in specPaths {
            do {
                specs += try SpecFile.load(path: path)
            } catch {
                problems.append(error.description)
            }
        }
        var loaded: [DataSettings: (Dataset, Dataset?)] = [:]
        var jobs: [TrainingJob] = []
        for spec in specs {
            do {
                if loaded[spec.data] == nil { loaded[spec.data] = try spec.loadData() }
                let (training, validation) = loaded[spec.data]!
                var random = spec.makeTrainingRandom()
                _ = try spec.startParameters(inputDimension: training.dimension, random: &random)
                jobs.append(TrainingJob(spec: spec, training: training, validation: validation))
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
        problems.joined(separator: "\n") + "\nNothing was run and the database was not changed."
    }
}
