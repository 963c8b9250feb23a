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

extension ExperimentStore {
    /// The experiments that finished in this database (`completed` or `diverged` runs): those
    /// a claim of the same experiment skips, since training it again would end the same way.
    public func finishedExperiments() throws(StoreError) -> Set<ExperimentKey> {
        try read { db in
            var keys = Set<ExperimentKey>()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT spec_hash, training_data_id, validation_data_id FROM runs WHERE status IN ('completed', 'diverged')
                """)
            while let row = try rows.next() {
                keys.insert(ExperimentKey(specHash: row[0], trainingDataID: row[1], validationDataID: row[2]))
            }
            return keys
        }
    }

    /// The experiments that finished in the database at `path`, read without changing it
    /// (an older schema is read as it is); none when there is no file yet, or an empty one.
    public static func finishedExperiments(inDatabaseAt path: String) throws(StoreError) -> Set<ExperimentKey> {
        guard !DatabaseFile.isEmpty(path) else { return [] }
        let store = try ExperimentStore(path: path, access: .readOnly, acceptingOutdatedSchema: true)
        defer { store.close() }
        return try store.finishedExperiments()
    }
}
