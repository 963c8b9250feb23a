import Foundation
import GRDB

extension ExperimentStore {
    /// How the `error_message` of a run marked by `reapAbandonedRuns` begins.
    static let abandoned = "abandoned: "

    /// Marks as `interrupted` the runs still `running` whose process is gone: it ran on this
    /// host and its pid no longer exists (or now belongs to a process started after the run,
    /// as after a reboot), or it ran on another host and its heartbeat is older than
    /// `heartbeatTimeout`.
    ///
    /// On this host the process table is the truth: a stopped (Ctrl-Z) or sleeping process is
    /// alive and keeps its run, however old its heartbeat. The write lock is taken only when
    /// there is a run to mark.
    ///
    /// Read commands call this when the database is writable, so a run killed with `kill -9`
    /// does not stay `running` forever. Returns the ids of the runs it marked.
    @discardableResult
    public func reapAbandonedRuns(
        heartbeatTimeout: TimeInterval = 600, now: Date = Date()
    ) throws(StoreError) -> [String] {
        let running = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, started_at, heartbeat_at FROM runs WHERE status = 'running'")
        }
        let abandoned = running.compactMap { row in
            Self.abandonment(of: row, heartbeatTimeout: heartbeatTimeout, now: now).map { (id: row["id"] as String, reason: $0) }
        }
        guard !abandoned.isEmpty else { return [] }
        // Best effort: a reader never waits for another process's write lock.
        return try waitingForLocks(.noWait) { () throws(StoreError) in
            try write { db in
                // A run may have finished between the read and the write: interrupt() checks again.
                try abandoned.filter { try interrupt($0.id, reason: $0.reason, at: now, db) }.map(\.id)
            }
        }
    }

    /// Why the `running` run in `row` (with `host`, `pid`, `started_at`, `heartbeat_at`) is
    /// abandoned, or nil while its process may still be training it.
    static func abandonment(of row: Row, heartbeatTimeout: TimeInterval, now: Date) -> String? {
        let process = TrainingProcess(host: row["host"], pid: row["pid"])
        let heartbeat: String = row["heartbeat_at"]
        if process.host == TrainingProcess.current.host {
            let started = Timestamp.date(from: row["started_at"]) ?? now
            guard !process.isAlive(since: started) else { return nil }
            return abandoned + "process \(process.pid) on \(process.host) ended without finishing the run"
        }
        guard heartbeat < Timestamp.string(from: now.addingTimeInterval(-heartbeatTimeout)) else { return nil }
        return abandoned + "no heartbeat from process \(process.pid) on \(process.host) since \(heartbeat)"
    }
}
