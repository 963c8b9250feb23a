import Foundation
import CSQLiteSwitches
import GRDB

/// The experiment store: one SQLite file holding runs, their epochs and their final weights.
///
/// Opening a store for writing checks the path and the file's integrity, then brings the
/// schema up to date by applying the migrations this program carries (see `migrations/`
/// and `docs/schema.md`). The file is in WAL mode, so several `runner`
/// processes can write to it at once; how long a write waits for another process's lock
/// is the store's `LockWaiting` policy (30 s by default). Opening it for reading creates, migrates
/// and converts nothing. Each store owns one connection; it is safe to use from any thread.
public final class ExperimentStore: Sendable {
    /// How a store may touch its file.
    public enum Access: Sendable {
        /// Create the file if needed, check it, migrate it, write to it.
        case readWrite
        /// Never create, migrate or convert anything; only `reapAbandonedRuns` may write,
        /// and only to a file that can be written.
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
    /// Whether `connection` can write (a `.readOnly` store opens a writable file read-write,
    /// without migrating it, so that it can mark abandoned runs and its WAL is cleaned up).
    let connectionCanWrite: Bool
    /// The versions of the migrations this open applied, oldest first (`runner migrate` reports them).
    public let migrationsApplied: [Int]

    /// Opens (and for `.readWrite`, creates, checks and migrates) the database at `path`.
    ///
    /// Throws a `StoreError` when the path is unusable, the file is not an SQLite database or
    /// is damaged, or its schema comes from a newer or altered `runner`; the file is then left
    /// untouched. A `.readOnly` open also refuses a file whose schema is older than this
    /// program's (`runner migrate` upgrades it), unless `acceptingOutdatedSchema` is set:
    /// plain SQL reads such a file as it is. Writes, from the opening's own on, wait for
    /// other processes' locks as `lockWaiting` says (see `waitingForLocks` to change it).
    public init(
        path: String, access: Access = .readWrite, acceptingOutdatedSchema: Bool = false, lockWaiting policy: LockWaiting = .standard
    ) throws(StoreError) {
        self.path = path
        self.access = access
        try DatabaseFile.check(path, writable: access == .readWrite)
        let lockWaiting = LockWaitingBox()
        _ = lockWaiting.set(policy)
        self.lockWaiting = lockWaiting
        let migrator = Migrator(migrations: Migration.bundled, path: path)
        switch access {
        case .readWrite:
            let isNew = DatabaseFile.isEmpty(path)
            let writer = try Self.mapErrors(path: path) {
                try DatabaseQueue(path: DatabaseFile.sqliteName(path), configuration: Self.configuration(readOnly: false, path: path, lockWaiting: lockWaiting))
            }
            // A file this process did not write may have been damaged since: never write into one.
            if !isNew { try Self.checkIntegrity(writer, path: path) }
            migrationsApplied = try Self.mapErrors(path: path) { try migrator.prepare(writer) }
            connection = writer
            connectionCanWrite = true
        case .readOnly:
            let (reader, canWrite) = try Self.openReader(path: path, lockWaiting: lockWaiting)
            try Self.mapErrors(path: path) {
                try reader.read { db in try migrator.check(db, acceptingOutdatedSchema: acceptingOutdatedSchema) }
            }
            (connection, connectionCanWrite, migrationsApplied) = (reader, canWrite, [])
        }
    }

    /// Throws the error that opening `path` to write would give about the file itself (a
    /// missing folder, a FIFO, a file that is not SQLite, a read-only file), without opening
    /// it: for a database that a later job will write.
    public static func checkWritable(_ path: String) throws(StoreError) {
        try DatabaseFile.check(path, writable: true)
    }

    /// The schema version this program writes: the number of its newest migration.
    public static var schemaVersion: Int { Migration.bundled.last?.version ?? 0 }

    /// Opens a connection that reads without changing anything, and says whether it can write.
    ///
    /// A writable file gets an ordinary connection (SQLite then removes its WAL files when
    /// it closes); a read-only one a read-only connection; and when SQLite cannot create
    /// the WAL files a read-only connection needs (a read-only folder) or the disk is full,
    /// an immutable one, which reads the file as it is, but only when no WAL holds changes
    /// it would miss.
    static func openReader(path: String, lockWaiting: LockWaitingBox) throws(StoreError) -> (DatabaseQueue, canWrite: Bool) {
        let name = DatabaseFile.sqliteName(path)
        var attempts: [(path: String, readOnly: Bool)] = [(name, true)]
        if DatabaseFile.canWrite(path) { attempts.insert((name, false), at: 0) }
        if DatabaseFile.isEmpty(path + "-wal") { attempts.append((DatabaseFile.readOnlyURI(path, immutable: true), true)) }
        var lastError: StoreError?
        for attempt in attempts {
            do throws(StoreError) {
                let reader = try mapErrors(path: path) {
                    let reader = try DatabaseQueue(path: attempt.path, configuration: configuration(readOnly: attempt.readOnly, path: path, lockWaiting: lockWaiting))
                    _ = try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
                    return reader
                }
                return (reader, !attempt.readOnly)
            } catch {
                if case .notADatabase = error { throw error }
                lastError = error
            }
        }
        throw lastError!
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
    static func configuration(readOnly: Bool, path: String, lockWaiting: LockWaitingBox) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .callback { tries in lockWaiting.shouldRetry(after: tries, path: path) }
        configuration.label = "RunnerStore"
        // Epochs staged for a commit (see `stage`) stay in memory rather than in a temporary file.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        return configuration
    }

    /// Runs `body` inside a `BEGIN IMMEDIATE` transaction: it takes the write lock first
    /// (waiting up to the busy timeout) so it never fails half-way on a lock upgrade.
    ///
    /// - Parameter foreignKeyChecks: False turns SQLite's foreign-key checks off for the
    ///   transaction, for a body that checks the parents of what it inserts itself, once
    ///   per parent rather than once per row (the recorder's commits).
    func write<T>(foreignKeyChecks: Bool = true, _ body: (Database) throws -> T) throws(StoreError) -> T {
        guard access == .readWrite else { throw .openedReadOnly(path: path) }
        defer { lockWaiting.writeEnded() }
        return try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                if !foreignKeyChecks { runner_sqlite3_set_foreign_keys_enabled(db.sqliteConnection, 0) }
                defer { if !foreignKeyChecks { runner_sqlite3_set_foreign_keys_enabled(db.sqliteConnection, 1) } }
                var result: T?
                try db.inTransaction(.immediate) {
                    lockWaiting.writeEnded()
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Refuses a damaged file: `PRAGMA quick_check` checks every page's structure and every
    /// value against the schema's CHECK constraints, reading the whole file once (0.8 s for
    /// 190 MB of epochs, 2 s for 400 MB of runs, whose specs it parses).
    static func checkIntegrity(_ connection: DatabaseQueue, path: String) throws(StoreError) {
        let report = try mapErrors(path: path) {
            // Outside a transaction: GRDB would report the error again when ending one.
            try connection.inDatabase { db in
                // SQLite may end the report with SQLITE_CORRUPT: the lines before it say what is wrong.
                var lines: [String] = []
                do {
                    let cursor = try String.fetchCursor(db, sql: "PRAGMA quick_check(3)")
                    while let line = try cursor.next() { lines.append(line) }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                    lines.append(error.message ?? "database disk image is malformed")
                }
                return lines
            }
        }
        guard report == ["ok"] else {
            let lines = report.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
            throw .damaged(path: path, report: lines.joined(separator: "; "))
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
            case .SQLITE_FULL:
                throw .diskFull(path: path)
            case .SQLITE_IOERR:
                // Often a full disk too: SQLite says so only when the database file itself cannot grow,
                // not when its -wal or -shm file cannot be made.
                throw .database(path: path, message: "\(error.message ?? "disk I/O error") (\(error.extendedResultCode)): the file or its -wal/-shm "
                    + "companions could not be read or written; check that its disk has space left (df) and is not read-only, then try again")
            default:
                throw .database(path: path, message: error.message ?? "\(error)")
            }
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }
}
