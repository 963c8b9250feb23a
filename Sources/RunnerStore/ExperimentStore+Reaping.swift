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
        let oldestLiveHeartbeat = now.addingTimeInterval(-heartbeatTimeout)
        let running = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, pid_namespace, started_at, heartbeat_at FROM runs WHERE status = 'running'")
        }
        var abandoned: [(id: String, reason: String)] = []
        for row in running {
            let process = TrainingProcess(host: row["host"], pid: row["pid"], pidNamespace: row["pid_namespace"])
            let heartbeat: String = row["heartbeat_at"]
            if process.sharesProcessTable {
                let started = Timestamp.date(from: row["started_at"]) ?? now
                guard !process.isAlive(since: started) else { continue }
                abandoned.append((row["id"], Self.abandoned + "process \(process.pid) on \(process.host) ended without finishing the run"))
            } else if Timestamp.date(from: heartbeat).map({ $0 < oldestLiveHeartbeat }) ?? true {
                let place = process.host + (process.host == TrainingProcess.current.host ? " (in another PID namespace)" : "")
                abandoned.append((row["id"], Self.abandoned + "no heartbeat from process \(process.pid) on \(place) since \(heartbeat)"))
            }
        }
        guard !abandoned.isEmpty else { return [] }
        if access != .readWrite { try Self.checkIntegrity(connection, path: path) }
        return try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                // Marking is a courtesy of readers: never wait long for another writer.
                try db.execute(sql: "PRAGMA busy_timeout = 1000")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(Self.busyTimeout * 1000))") }
                var marked: [String] = []
                try db.inTransaction(.immediate) {
                    // A run may have finished between the read and the write: interrupt() checks again.
                    marked = try abandoned.filter { try interrupt($0.id, reason: $0.reason, at: now, db) }.map(\.id)
                    return .commit
                }
                return marked
            }
        }
    }
}
