import RunnerCore
import RunnerStore

extension TrainingJob {
    /// The stored run `id`, ready to train again: its resolved spec, on the points stored
    /// with it (the spec's data are read again only for runs stored without their points),
    /// recorded with the original's spec source.
    ///
    /// - Throws: `RerunError` for a run whose spec or data this runner cannot use;
    ///   `StoreError` for an unknown id.
    public static func rerun(of id: String, in store: ExperimentStore) throws -> TrainingJob {
        let run = try store.run(id)
        let spec: ExperimentSpec
        do {
            spec = try ExperimentSpec(canonicalJSON: run.specJSON)
        } catch {
            throw RerunError(run: run.shortID, reason: "its stored spec cannot be read by this runner (\(error))")
        }
        let stored = try store.datasets(of: run.id)
        var data: (Dataset, Dataset?)?
        if let training = stored.training, stored.validation != nil || spec.data.validation == .none {
            data = (Dataset(training), stored.validation.map(Dataset.init))
        }
        do {
            var job = try TrainingJob(spec: spec, data: data)
            job.source = try store.specSource(of: run.id)
            return job
        } catch let error as ExperimentError {
            throw RerunError(run: run.shortID, reason: error.message)
        }
    }
}

/// Why a stored run cannot be trained again.
public struct RerunError: Error, Equatable, CustomStringConvertible {
    public var run: String
    public var reason: String

    public var description: String { "cannot rerun \(run): \(reason)" }
}

extension Dataset {
    /// The core's form of points read from the store.
    init(_ stored: StoredDataset) {
        self.init(dimension: stored.dimension)
        for i in stored.labels.indices {
            append(stored.features[(i * stored.dimension)..<((i + 1) * stored.dimension)], label: stored.labels[i])
        }
    }
}
