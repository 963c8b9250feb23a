import Foundation
import RunnerStore

extension ExperimentStore {
    /// Opens an existing database for a command that reads.
    ///
    /// Nothing is created, migrated or converted: a missing file is an error, a file with an
    /// older schema is refused with how to upgrade it (`runner migrate`), unless
    /// `acceptingOutdatedSchema` (plain SQL reads it as it is). When the file can be written,
    /// runs whose process is gone (or silent for ten minutes) are first marked interrupted,
    /// so listings never show a dead run as running; this is skipped, silently, whenever it
    /// cannot be done at once (read-only file, full disk, lock held by another process).
    ///
    /// - Parameter reapingAbandonedRuns: False for `runner query`, which must
    ///   change nothing at all.
    public static func openForReading(
        path: String, reapingAbandonedRuns: Bool = true, acceptingOutdatedSchema: Bool = false
    ) throws(StoreError) -> ExperimentStore {
        let store = try ExperimentStore(path: path, access: .readOnly, acceptingOutdatedSchema: acceptingOutdatedSchema)
        if reapingAbandonedRuns { _ = try? store.reapAbandonedRuns() }
        return store
    }
}
