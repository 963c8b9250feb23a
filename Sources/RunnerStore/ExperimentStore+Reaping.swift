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
        let host = TrainingProcess.current.host
        let oldestLiveHeartbeat = Timestamp.string(from: now.addingTimeInterval(-heartbeatTimeout))
        let running = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, started_at, heartbeat_at FROM runs WHERE status = 'running'")
        }
        var abandoned: [(id: String, reason: String)] = []
        for row in running {
            let process = TrainingProcess(host: row["host"], pid: row["pid"])
            let heartbeat: String = row["heartbeat_at"]
            if process.host == host {
                let started = Timestamp.date(from: row["started_at"]) ?? now
                guard !process.isAlive(since: started) else { continue }
                abandoned.append((row["id"], Self.abandoned + "process \(process.pid) on \(process.host) ended without finishing the run"))
            } else if heartbeat < oldestLiveHeartbeat {
                abandoned.append((row["id"], Self.abandoned + "no heartbeat from process \(process.pid) on \(process.host) since \(heartbeat)"))
            }
        }
        guard !abandoned.isEmpty else { return [] }
        return try write { db in
            // A run may have finished between the read and the write: interrupt() checks again.
            try abandoned.filter { try interrupt($0.id, reason: $0.reason, at: now, db) }.map(\.id)
        }
    }
}
