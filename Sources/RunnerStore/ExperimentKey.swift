import Crypto
import Foundation
import GRDB

/// What makes two runs the same experiment, as a claim sees it (`ExperimentStore.claimRun`):
/// the same resolved spec (its `spec_hash`) on the same training and validation points (the
/// ids of the stored data sets; nil for a set too large to store, or none).
///
/// Kept as one SHA-256 of the three, 32 bytes, so that the keys of a million runs take tens
/// of megabytes rather than hundreds.
public struct ExperimentKey: Hashable, Sendable {
    private let digest: SIMD4<UInt64>

    public init(specHash: String, trainingDataID: String?, validationDataID: String?) {
        // Ids are hex digits: "-" for none cannot be mistaken for one.
        let text = [specHash, trainingDataID ?? "-", validationDataID ?? "-"].joined(separator: " ")
        digest = SHA256.hash(data: Data(text.utf8)).withUnsafeBytes { $0.loadUnaligned(as: SIMD4<UInt64>.self) }
    }

    /// The key of a run of `specJSON` (its canonical text) on these data sets.
    public init(specJSON: String, trainingDataID: String?, validationDataID: String?) {
        self.init(specHash: sha256Hex(specJSON), trainingDataID: trainingDataID, validationDataID: validationDataID)
    }
}

extension StoredDataset {
    /// The id the store gives these points (`datasets.id`): the SHA-256 of their text.
    public var id: String { id(featureTexts: featureTexts) }
}

/// The experiments that finished in a database (`completed` or `diverged` runs): those a
/// claim of the same experiment skips, since training it again would end the same way.
public struct FinishedExperiments: Sendable {
    public private(set) var keys: Set<ExperimentKey> = []
    /// The groups of their runs (`group_name`), or nil when a run has none. The group and the
    /// run's name are part of the resolved spec, so a run of another group or name is never
    /// among `keys`: these tell at once that most runs of a large plan are not.
    private var groups: Set<String>? = []
    /// Their groups and names, hashed (equal hashes may still be other names).
    private var names: Set<Int>? = []

    public init() {}

    /// Counts a finished run.
    mutating func insert(_ key: ExperimentKey, group: String?, name: String) {
        keys.insert(key)
        if let group {
            groups?.insert(group)
            names?.insert(Self.hash(group: group, name: name))
        } else {
            (groups, names) = (nil, nil)
        }
    }

    /// Whether runs of `group` may be among `keys`.
    public func mayHold(group: String) -> Bool {
        groups?.contains(group) ?? true
    }

    /// Whether the run named `name` of `group` may be among `keys`.
    public func mayHold(group: String, name: String) -> Bool {
        names?.contains(Self.hash(group: group, name: name)) ?? true
    }

    private static func hash(group: String, name: String) -> Int {
        var hasher = Hasher()
        hasher.combine(group)
        hasher.combine(name)
        return hasher.finalize()
    }
}

extension ExperimentStore {
    /// The experiments that finished in this database, those of runs of `groups` when given
    /// (and of runs without a group).
    public func finishedExperiments(groups: Set<String>? = nil) throws(StoreError) -> FinishedExperiments {
        try read { db in
            var finished = FinishedExperiments()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT spec_hash, training_data_id, validation_data_id, group_name, name FROM runs
                WHERE status IN ('completed', 'diverged')
                  AND (?1 IS NULL OR group_name IS NULL OR group_name IN (SELECT value FROM json_each(?1)))
                """, arguments: [groups.map { jsonText($0.sorted()) }])
            while let row = try rows.next() {
                finished.insert(ExperimentKey(specHash: row[0], trainingDataID: row[1], validationDataID: row[2]), group: row[3], name: row[4])
            }
            return finished
        }
    }

    /// The experiments that finished in the database at `path`, read without changing it;
    /// none when there is no file yet, or an empty one. An older schema is refused
    /// (`outdatedSchema`): it may lack what tells two runs apart.
    public static func finishedExperiments(inDatabaseAt path: String, groups: Set<String>? = nil) throws(StoreError) -> FinishedExperiments {
        guard !DatabaseFile.isEmpty(path) else { return FinishedExperiments() }
        let store = try ExperimentStore(path: path, access: .readOnly)
        defer { store.close() }
        return try store.finishedExperiments(groups: groups)
    }
}
