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
    public static func openForReading(path: String) throws(StoreError) -> ExperimentStore {
        let files = FileManager.default
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard files.fileExists(atPath: path), files.isWritableFile(atPath: path), files.isWritableFile(atPath: folder) else {
            return try ExperimentStore(path: path, access: .readOnly)
        }
        let store = try ExperimentStore(path: path, access: .readWrite)
        try store.reapAbandonedRuns()
        return store
    }
}
