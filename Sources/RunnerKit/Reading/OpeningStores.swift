import Foundation
import RunnerStore

extension ExperimentStore {
    /// Opens an existing database for a command that reads.
    ///
    /// When the file and its folder are writable the store opens read-write
    /// and first marks abandoned runs (their process is gone, or silent for
    /// ten minutes) as interrupted, so listings never show a dead run as
    /// running; otherwise it opens read-only. A missing file is an error,
    /// never created.
    ///
    /// - Parameter reapingAbandonedRuns: False for `runner query`, which must
    ///   change nothing at all.
    public static func openForReading(path: String, reapingAbandonedRuns: Bool = true) throws(StoreError) -> ExperimentStore {
        guard FileManager.default.fileExists(atPath: path) else {
            return try ExperimentStore(path: path, access: .readOnly)
        }
        do {
            let store = try ExperimentStore(path: path, access: .readWrite)
            // Best effort: skipped while another process holds the write lock.
            if reapingAbandonedRuns { _ = try? store.reapAbandonedRuns() }
            return store
        } catch .readOnlyFile {
            return try ExperimentStore(path: path, access: .readOnly)
        }
    }
}
