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
    /// Refuses, changing nothing, when a run is still running.
    public func deleteRuns(ids: [String]) throws(StoreError) -> Deletion {
        guard access == .readWrite else { throw .openedReadOnly(path: path) }
        return try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                var deletion = Deletion()
                try db.inTransaction(.immediate) {
                    let list = jsonText(ids)
                    try Self.refuseRunning(list, db)
                    (deletion.epochs, deletion.weights, deletion.tags) = try Self.dependents(list, db)
                    let datasets = try Self.count("SELECT count(*) FROM datasets", db)
                    let sources = try Self.count("SELECT count(*) FROM spec_sources", db)
                    try db.execute(sql: "DELETE FROM runs WHERE id \(Self.chosen)", arguments: [list])
                    deletion.runs = db.changesCount
                    deletion.datasets = datasets - (try Self.count("SELECT count(*) FROM datasets", db))
                    deletion.specSources = sources - (try Self.count("SELECT count(*) FROM spec_sources", db))
                    return .commit
                }
                return deletion
            }
        }
    }

    /// What `deleteRuns(ids:)` would delete now, read without the write lock (a dry run of a
    /// large delete must not hold back the processes that train into this database). Refuses
    /// when a run is still running, as the delete would.
    public func deletion(ofRuns ids: [String]) throws(StoreError) -> Deletion {
        try read { db in
            let list = jsonText(ids)
            try Self.refuseRunning(list, db)
            var deletion = Deletion()
            deletion.runs = try Self.count("SELECT count(*) FROM runs WHERE id \(Self.chosen)", db, [list])
            (deletion.epochs, deletion.weights, deletion.tags) = try Self.dependents(list, db)
            // What the trigger deletes once the runs are gone: what they used and no other run uses.
            deletion.datasets = try Self.count("""
                WITH chosen(id) AS (SELECT id FROM runs WHERE id \(Self.chosen))
                SELECT count(*) FROM datasets d
                WHERE d.id IN (SELECT training_data_id FROM runs WHERE id IN chosen
                               UNION SELECT validation_data_id FROM runs WHERE id IN chosen)
                  AND NOT EXISTS (SELECT 1 FROM runs WHERE training_data_id = d.id AND id NOT IN chosen)
                  AND NOT EXISTS (SELECT 1 FROM runs WHERE validation_data_id = d.id AND id NOT IN chosen)
                """, db, [list])
            deletion.specSources = try Self.count("""
                WITH chosen(id) AS (SELECT id FROM runs WHERE id \(Self.chosen))
                SELECT count(*) FROM spec_sources s
                WHERE s.id IN (SELECT spec_source_id FROM runs WHERE id IN chosen)
                  AND NOT EXISTS (SELECT 1 FROM runs WHERE spec_source_id = s.id AND id NOT IN chosen)
                """, db, [list])
            return deletion
        }
    }

    /// The runs a JSON array of ids names, as a condition on an id.
    private static let chosen = "IN (SELECT value FROM json_each(?))"

    private static func count(_ sql: String, _ db: Database, _ arguments: StatementArguments = []) throws -> Int {
        try Int.fetchOne(db, sql: sql, arguments: arguments)!
    }

    /// Throws `runStillRunning` for the first running run of `list` (a JSON array of ids).
    private static func refuseRunning(_ list: String, _ db: Database) throws {
        if let running = try String.fetchOne(db, sql: "SELECT short_id FROM runs WHERE status = 'running' AND id \(chosen)", arguments: [list]) {
            throw StoreError.runStillRunning(shortID: running)
        }
    }

    /// The epochs, weights and tags of the runs of `list` (a JSON array of ids).
    private static func dependents(_ list: String, _ db: Database) throws -> (epochs: Int, weights: Int, tags: Int) {
        let counts = try ["epochs", "weights", "run_tags"].map { table in
            try count("SELECT count(*) FROM \(table) WHERE run_id \(chosen)", db, [list])
        }
        return (counts[0], counts[1], counts[2])
    }
}
