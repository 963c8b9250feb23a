import Foundation
import GRDB

extension ExperimentStore {
    /// How the `error_message` of a run marked by `reapAbandonedRuns` begins.
    static let abandoned = "abandoned: "

    /// Marks as `interrupted` the runs still `running` whose process is gone: it ran on this
    /// host and its pid no longer exists, or it ran on another host and its heartbeat is older
    /// than `heartbeatTimeout`.
    ///
    /// On this host the process table is the truth: a stopped (Ctrl-Z) or sleeping process is
    /// alive and keeps its run, however old its heartbeat.
    ///
    /// Read commands call this when the database is writable, so a run killed with `kill -9`
    /// does not stay `running` forever. Returns the ids of the runs it marked.
    @discardableResult
    public func reapAbandonedRuns(
        heartbeatTimeout: TimeInterval = 600, now: Date = Date()
    ) throws(StoreError) -> [String] {
        let host = TrainingProcess.current.host
        let oldestLiveHeartbeat = Timestamp.string(from: now.addingTimeInterval(-heartbeatTimeout))
        return try write { db in
            let running = try Row.fetchAll(db, sql: "SELECT id, host, pid, heartbeat_at FROM runs WHERE status = 'running'")
            var reaped: [String] = []
            for row in running {
                let process = TrainingProcess(host: row["host"], pid: row["pid"])
                let heartbeat: String = row["heartbeat_at"]
                let reason: String
                if process.host == host {
                    guard !process.isAlive else { continue }
                    reason = Self.abandoned + "process \(process.pid) on \(process.host) ended without finishing the run"
                } else if heartbeat < oldestLiveHeartbeat {
                    reason = Self.abandoned + "no heartbeat from process \(process.pid) on \(process.host) since \(heartbeat)"
                } else {
                    continue
                }
                if try interrupt(row["id"], reason: reason, at: now, db) {
                    reaped.append(row["id"])
                }
            }
            return reaped
        }
    }
}
