import RunnerCore
import RunnerStore

extension TrainingJob {
    /// The stored runs `ids`, each ready to train again: its resolved spec, on the points
    /// stored with it (the spec's data are read again only for runs stored without their
    /// points), recorded with the original's spec source. The runs of a sweep share their
    /// points, which are read and checked against their id once.
    ///
    /// - Throws: `RerunError` for a run whose spec or data this runner cannot use;
    ///   `StoreError` for an unknown id.
    public static func reruns(of ids: [String], in store: ExperimentStore) throws -> [TrainingJob] {
        var read: [String: Dataset] = [:]
        return try ids.map { try rerun(of: $0, in: store, sharing: &read) }
    }

    /// The stored run `id` (see `reruns(of:in:)`), taking its data sets from `read` (by id)
    /// when there, and adding those it reads.
    private static func rerun(of id: String, in store: ExperimentStore, sharing read: inout [String: Dataset]) throws -> TrainingJob {
        let run = try store.run(id)
        let spec: ExperimentSpec
        do {
            spec = try ExperimentSpec(canonicalJSON: run.specJSON)
        } catch {
            throw RerunError(run: run.shortID, reason: "its stored spec cannot be read by this runner (\(error))")
        }
        func dataset(_ dataID: String?) throws -> Dataset? {
            guard let dataID else { return nil }
            if let known = read[dataID] { return known }
            let dataset = try store.dataset(id: dataID).map(Dataset.init)
            read[dataID] = dataset
            return dataset
        }
        let (training, validation) = (try dataset(run.trainingDataID), try dataset(run.validationDataID))
        var data: (Dataset, Dataset?)?
        if let training, validation != nil || spec.data.validation == .none {
            data = (training, validation)
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
