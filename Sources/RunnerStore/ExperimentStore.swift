import Foundation
import GRDB

/// The experiment store: one SQLite file holding runs, their epochs and their final weights.
///
/// Opening a store checks the path, then brings the schema up to date by applying the
/// migrations this program carries (see `migrations/` and `docs/schema.md`). The file is in
/// WAL mode, so several `runner` processes can write to it at once; how long a write waits
/// for another process's lock is the store's `LockWaiting` policy (30 s by default).
/// Each store owns one connection; it is safe to use from any thread.
public final class ExperimentStore: Sendable {
    /// How a store may touch its file.
    public enum Access: Sendable {
        /// Create the file if needed, migrate it, write to it.
        case readWrite
        /// Never create, migrate or change anything.
        case readOnly
    }

    /// How long a write waits for another process's lock by default, in seconds.
    static let busyTimeout: TimeInterval = 30

    /// Path of the database file.
    public let path: String
    /// Whether this store may write.
    public let access: Access
    /// The store's single connection to the file.
    let connection: DatabaseQueue
    /// How writes wait for another process's lock; see `waitingForLocks(_:_:)`.
    let lockWaiting: LockWaitingBox
    /// The data sets of recent runs, hashed once for a whole sweep.
    let preparedDatasets = PreparedDatasetCache()

    /// Opens (and for `.readWrite`, creates and migrates) the database at `path`.
    ///
    /// Throws a `StoreError` when the path is unusable, the file is not an SQLite database,
    /// or its schema comes from a newer or altered `runner`; the file is then left untouched.
    public init(path: String, access: Access = .readWrite) throws(StoreError) {
        self.path = path
        self.access = access
        try DatabaseFile.check(path, writable: access == .readWrite)
        let lockWaiting = LockWaitingBox()
        self.lockWaiting = lockWaiting
        connection = try Self.mapErrors(path: path) {
            try DatabaseQueue(path: path, configuration: Self.configuration(access, path: path, lockWaiting: lockWaiting))
        }
        try Self.mapErrors(path: path) {
            try Migrator(migrations: Migration.bundled, path: path).prepare(connection, access: access)
        }
    }

    /// Closes the connection now, which folds the write-ahead log into the database file
    /// and deletes it, rather than when the last reference goes: a timer's handler
    /// released late may hold one past the end of the program, leaving the log behind.
    /// Later calls on this store throw. Should closing fail (it cannot while no
    /// statement is running), the connection closes when released, as before.
    public func close() {
        try? connection.close()
    }

    /// GRDB settings for a connection: foreign keys on, lock waits by `lockWaiting`, read-only when asked.
    static func configuration(_ access: Access, path: String, lockWaiting: LockWaitingBox) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = access == .readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .callback { tries in lockWaiting.shouldRetry(after: tries, path: path) }
        configuration.label = "RunnerStore"
        return configuration
    }

    /// Runs `body` inside a `BEGIN IMMEDIATE` transaction: it takes the write lock first
    /// (waiting up to the busy timeout) so it never fails half-way on a lock upgrade.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        guard access == .readWrite else { throw .openedReadOnly(path: path) }
        return try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try Self.mapErrors(path: path) { try connection.read(body) }
    }

    /// Runs `body`, turning any error into a `StoreError` that names `path`.
    static func mapErrors<T>(path: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw .notADatabase(path: path, detail: error.message ?? "\(error.resultCode)")
            case .SQLITE_READONLY, .SQLITE_PERM:
                throw .readOnlyFile(path: path)
            default:
                throw .database(path: path, message: error.message ?? "\(error)")
            }
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }
}
