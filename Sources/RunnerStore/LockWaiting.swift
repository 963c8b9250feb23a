import Foundation

/// How a store's writes wait while another process holds the database's write lock.
public enum LockWaiting: Sendable {
    /// Wait up to this many seconds, then fail with "database is locked".
    case timeout(TimeInterval)
    /// Wait as long as the lock is held, calling `report` after `reportAfter` seconds and
    /// every `reportAfter` seconds after that with the wait so far and, where the system
    /// tells, the process holding the lock.
    case patient(reportAfter: TimeInterval, report: @Sendable (LockWait) -> Void)

    /// The default: 30 seconds, then give up.
    public static let standard = LockWaiting.timeout(ExperimentStore.busyTimeout)
}

/// A wait for another process's write lock, as reported to `LockWaiting.patient`.
public struct LockWait: Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// Seconds waited so far.
    public var seconds: Double
    /// The process holding the lock, when `/proc/locks` tells it.
    public var holder: LockHolder?

    public var description: String {
        var text = "waiting \(Int(seconds)) s for the write lock on \(path)"
        if let holder {
            text += holder.isStopped
                ? ", held by stopped process \(holder.pid) (resume it with `kill -CONT \(holder.pid)`)"
                : ", held by process \(holder.pid)"
        }
        return text
    }
}

/// A process holding a POSIX lock on a database's files.
public struct LockHolder: Sendable, Equatable {
    /// Its process id (on this host).
    public var pid: Int32
    /// Whether it is stopped (Ctrl-Z, SIGSTOP), so it will not release the lock by itself.
    public var isStopped: Bool

    /// The process that holds SQLite's WAL write lock on `databasePath` (a byte lock on its
    /// `-shm` file, or on the database file in rollback mode), from `/proc/locks`; nil where
    /// there is no `/proc` or no one holds it.
    public static func writer(of databasePath: String) -> LockHolder? {
        guard let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let inodes = [databasePath + "-shm", databasePath].compactMap { path -> UInt64? in
            var info = stat()
            return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 120 120"; "->" marks waiters.
        for line in table.split(separator: "\n") where !line.contains("->") {
            let fields = line.split(separator: " ")
            guard fields.count >= 8, fields[1] == "POSIX", fields[3] == "WRITE",
                  let pid = Int32(fields[4]), pid > 0, pid != getpid(),
                  let inode = fields[5].split(separator: ":").last.flatMap({ UInt64($0) }),
                  inodes.contains(inode)
            else { continue }
            return LockHolder(pid: pid, isStopped: isStopped(pid))
        }
        return nil
    }

    /// Whether process `pid` is stopped, from the state letter in `/proc/<pid>/stat`.
    static func isStopped(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: afterName)...].drop(while: { $0 == " " }).first
        return state == "T" || state == "t"
    }
}

/// The store's current `LockWaiting`, read by SQLite's busy handler on the connection's thread.
final class LockWaitingBox: @unchecked Sendable {
    fileprivate let lock = NSLock()
    private var policy = LockWaiting.standard
    private var waitStarted: Date?
    private var lastReport: Date?
    /// Whether a write is waiting for another process's lock right now (see `isWaiting`).
    private var waiting = false
    private var pendingSuspension: (@Sendable () -> Void)?

    func set(_ policy: LockWaiting) -> LockWaiting {
        lock.withLock {
            defer { self.policy = policy }
            return self.policy
        }
    }

    /// SQLite's busy handler: whether to try again after `tries` failed attempts (0 for the first).
    /// Sleeps a little before saying yes.
    func shouldRetry(after tries: Int, path: String) -> Bool {
        // Waiting for the lock means holding none: a good moment to stop.
        performPendingSuspension()
        let now = Date()
        let (policy, waited, report): (LockWaiting, Double, Bool) = lock.withLock {
            if tries == 0 { (waitStarted, lastReport) = (now, nil) }
            waiting = true
            let waited = now.timeIntervalSince(waitStarted ?? now)
            var report = false
            if case .patient(let every, _) = self.policy, waited >= every,
               now.timeIntervalSince(lastReport ?? waitStarted ?? now) >= every {
                lastReport = now
                report = true
            }
            return (self.policy, waited, report)
        }
        switch policy {
        case .timeout(let limit):
            guard waited < limit else { return false }
        case .patient(_, let reporter):
            if report { reporter(LockWait(path: path, seconds: waited, holder: LockHolder.writer(of: path))) }
        }
        usleep(tries < 10 ? 1_000 : 10_000)
        return true
    }
}

extension LockWaitingBox {
    /// Whether a write of this store is waiting for another process's lock: from SQLite's
    /// first call of the busy handler until `writeEnded()`.
    var isWaiting: Bool {
        lock.withLock { waiting }
    }

    /// Called when a write got its lock, or gave up.
    func writeEnded() {
        lock.withLock { waiting = false }
    }

    func requestSuspension(_ suspend: @escaping @Sendable () -> Void) {
        lock.withLock { pendingSuspension = suspend }
    }

    /// Calls the requested suspension, if it has not been carried out yet.
    func performPendingSuspension() {
        let suspend: (@Sendable () -> Void)? = lock.withLock {
            defer { pendingSuspension = nil }
            return pendingSuspension
        }
        suspend?()
    }
}

extension ExperimentStore {
    /// Calls `suspend` (which stops the process, say) at a moment when this store holds no
    /// lock on the database: between two transactions, or while waiting for another
    /// process's lock. Returns after `suspend` returned.
    public func suspendOutsideTransactions(_ suspend: @escaping @Sendable () -> Void) {
        lockWaiting.requestSuspension(suspend)
        connection.writeWithoutTransaction { _ in lockWaiting.performPendingSuspension() }
        lockWaiting.performPendingSuspension()  // a closed store holds no lock either
    }

    /// Runs `body` with writes waiting for other processes' locks by `policy`, then restores
    /// the previous policy.
    public func waitingForLocks<T, E: Error>(_ policy: LockWaiting, _ body: () throws(E) -> T) throws(E) -> T {
        let previous = lockWaiting.set(policy)
        defer { _ = lockWaiting.set(previous) }
        return try body()
    }
}
