import Foundation
import GRDB

extension ExperimentStore {
    /// How the `error_message` of a run marked by `reapAbandonedRuns` begins.
    static let abandoned = "abandoned: "

    /// Marks as `interrupted` the runs still `running` whose process is gone: it ran on this
    /// host in this PID namespace and its pid no longer exists (or now belongs to a process
    /// started after the run, as after a reboot), or it ran elsewhere (another host, a
    /// container, `unshare --pid`) and its heartbeat is older than `heartbeatTimeout`.
    ///
    /// Where the process table can be read it is the truth: a stopped (Ctrl-Z) or sleeping
    /// process is alive and keeps its run, however old its heartbeat. The write lock is
    /// taken only when there is a run to mark, and only if it is free within a second; the
    /// file's integrity is checked first unless this store already did.
    ///
    /// Read commands call this when the database is writable, so a run killed with `kill -9`
    /// does not stay `running` forever. Returns the ids of the runs it marked.
    @discardableResult
    public func reapAbandonedRuns(
        heartbeatTimeout: TimeInterval = 600, now: Date = Date()
    ) throws(StoreError) -> [String] {
        guard connectionCanWrite else { return [] }
        let running = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, pid_namespace, started_at, heartbeat_at FROM runs WHERE status = 'running'")
        }
        let abandoned = running.compactMap { row in
            Self.abandonment(of: row, heartbeatTimeout: heartbeatTimeout, now: now).map { (id: row["id"] as String, reason: $0) }
        }
        guard !abandoned.isEmpty else { return [] }
        if access != .readWrite { try Self.checkIntegrity(connection, path: path) }
        // Marking is a courtesy of readers: never wait long for another writer.
        return try waitingForLocks(.timeout(1)) { () throws(StoreError) in
            try Self.mapErrors(path: path) {
                try connection.writeWithoutTransaction { db in
                    var marked: [String] = []
                    try db.inTransaction(.immediate) {
                        // A run may have finished between the read and the write: end() checks again.
                        marked = try abandoned.filter { try end($0.id, as: .interrupted, reason: $0.reason, at: now, db) }.map(\.id)
                        return .commit
                    }
                    return marked
                }
            }
        }
    }

    /// Why the `running` run in `row` (with `host`, `pid`, `pid_namespace`, `started_at`,
    /// `heartbeat_at`) is abandoned, or nil while its process may still be training it.
    static func abandonment(of row: Row, heartbeatTimeout: TimeInterval, now: Date) -> String? {
        guard let process = TrainingProcess(runRow: row) else {
            return abandoned + "its pid \(row["pid"] as Int64) is not one a process can have"
        }
        let heartbeat: String = row["heartbeat_at"]
        if process.sharesProcessTable {
            let started = Timestamp.date(from: row["started_at"]) ?? now
            guard !process.isAlive(since: started) else { return nil }
            return abandoned + "process \(process.pid) on \(process.host) ended without finishing the run"
        }
        guard Timestamp.date(from: heartbeat).map({ $0 < now.addingTimeInterval(-heartbeatTimeout) }) ?? true else { return nil }
        let place = process.host + (process.host == TrainingProcess.current.host ? " (in another PID namespace)" : "")
        return abandoned + "no heartbeat from process \(process.pid) on \(place) since \(heartbeat)"
    }
}
