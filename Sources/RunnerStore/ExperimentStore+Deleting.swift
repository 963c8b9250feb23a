import Foundation
import GRDB

/// What deleting runs removes (or, for a dry run, would remove).
public struct Deletion: Sendable, Equatable {
    public var runs = 0
    public var epochs = 0
    public var weights = 0
    public var tags = 0
    /// Data sets no remaining run uses.
    public var datasets = 0
    /// Spec sources no remaining run uses.
    public var specSources = 0

    public init() {}
}

extension ExperimentStore {
    /// Deletes the runs with these full ids in one transaction, with their epochs, weights and
    /// tags and the data sets and spec sources no other run uses (the `runs_delete_dependents`
    /// trigger does that part, so a plain `DELETE FROM runs` in any client does it too).
    ///
    /// With `dryRun` the same work is rolled back, so the counts are exactly what a delete
    /// would remove. Refuses, changing nothing, when a run is still running.
    public func deleteRuns(ids: [String], dryRun: Bool = false) throws(StoreError) -> Deletion {
        guard access == .readWrite else { throw .openedReadOnly(path: path) }
        return try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                var deletion = Deletion()
                try db.inTransaction(.immediate) {
                    let list = jsonText(ids)
                    if let running = try String.fetchOne(
                        db, sql: "SELECT short_id FROM runs WHERE status = 'running' AND id IN (SELECT value FROM json_each(?))",
                        arguments: [list]) {
                        throw StoreError.runStillRunning(shortID: running)
                    }
                    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                        try Int.fetchOne(db, sql: sql, arguments: arguments)!
                    }
                    let chosen = "IN (SELECT value FROM json_each(?))"
                    deletion.epochs = try count("SELECT count(*) FROM epochs WHERE run_id \(chosen)", [list])
                    deletion.weights = try count("SELECT count(*) FROM weights WHERE run_id \(chosen)", [list])
                    deletion.tags = try count("SELECT count(*) FROM run_tags WHERE run_id \(chosen)", [list])
                    let datasets = try count("SELECT count(*) FROM datasets")
                    let sources = try count("SELECT count(*) FROM spec_sources")
                    try db.execute(sql: "DELETE FROM runs WHERE id \(chosen)", arguments: [list])
                    deletion.runs = db.changesCount
                    deletion.datasets = datasets - (try count("SELECT count(*) FROM datasets"))
                    deletion.specSources = sources - (try count("SELECT count(*) FROM spec_sources"))
                    return dryRun ? .rollback : .commit
                }
                return deletion
            }
        }
    }
}
