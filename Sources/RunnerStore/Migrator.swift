import Foundation
import GRDB

/// Applies the numbered migrations a database lacks and refuses databases it cannot vouch for.
///
/// Applied migrations are recorded in `schema_migrations` with the SHA-256 of their text.
/// A database that records an unknown version (a newer `runner`) or a different checksum
/// (an altered migration) is refused before anything is written to it.
struct Migrator {
    let migrations: [Migration]
    let path: String

    /// The bookkeeping table, created by the migrator itself rather than by a migration.
    static let bookkeepingTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            checksum   TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        ) STRICT
        """

    /// Sets WAL mode and applies the missing migrations, all in one `BEGIN IMMEDIATE`
    /// transaction, so that a file is never left between two of them (a new file that a
    /// signal or a crash interrupts holds no table at all); returns the versions it applied.
    func prepare(_ connection: DatabaseQueue) throws -> [Int] {
        // Refuses a newer, altered or foreign schema before any change.
        let pending = try connection.read { db in try pendingMigrations(db) }
        return try connection.writeWithoutTransaction { db in
            try enableWAL(db)
            guard !pending.isEmpty else { return [] }
            var applied: [Int] = []
            try db.inTransaction(.immediate) {
                try db.execute(sql: Self.bookkeepingTable)
                // Another process may have applied some while we waited for the lock.
                for migration in try pendingMigrations(db) {
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                        arguments: [migration.version, migration.name, migration.checksum, Timestamp.string(from: Date())])
                    applied.append(migration.version)
                }
                return .commit
            }
            return applied
        }
    }

    /// Checks, changing nothing, that the schema reads as this program's; an older one is
    /// refused (or accepted as it is, for plain SQL), like a newer, altered or foreign one.
    /// One that lacks only migrations that leave reading unchanged is accepted.
    func check(_ db: Database, acceptingOutdatedSchema: Bool) throws {
        let pending = try pendingMigrations(db)
        guard pending.allSatisfy(\.readsAsBefore) || acceptingOutdatedSchema else {
            if pending == migrations { throw StoreError.noRunnerTables(path: path) }
            throw StoreError.outdatedSchema(path: path, missingVersions: pending.map(\.version))
        }
    }

    /// The migrations not applied yet; throws if the applied ones are unknown or altered,
    /// or if the database holds tables but no record of migrations (another program's file).
    /// `schema` names an attached database to check instead of the main one.
    func pendingMigrations(_ db: Database, schema: String = "main") throws -> [Migration] {
        guard try db.tableExists("schema_migrations", in: schema) else {
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM \(schema).sqlite_master")! == 0 else {
                throw StoreError.notADatabase(
                    path: path, detail: "it holds tables but no schema_migrations table, so runner did not create it")
            }
            return migrations
        }
        let applied = try Row.fetchAll(db, sql: "SELECT version, name, checksum FROM \(schema).schema_migrations ORDER BY version")
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let unknown = applied.map { $0["version"] as Int }.filter { known[$0] == nil }
        guard unknown.isEmpty else {
            throw StoreError.newerSchema(path: path, unknownVersions: unknown)
        }
        for row in applied {
            let migration = known[row["version"]]!
            guard row["checksum"] == migration.checksum else {
                throw StoreError.alteredMigration(path: path, version: migration.version, name: migration.name)
            }
        }
        let appliedVersions = Set(applied.map { $0["version"] as Int })
        return migrations.filter { !appliedVersions.contains($0.version) }
    }

    /// Switches the file to WAL mode. Changing the mode needs an exclusive lock, and SQLite
    /// does not always wait for it, so a busy answer is retried until the busy timeout.
    private func enableWAL(_ db: Database) throws {
        let deadline = Date().addingTimeInterval(ExperimentStore.busyTimeout)
        while true {
            do {
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw StoreError.database(path: path, message: "could not switch to WAL mode (got \(mode ?? "nothing"))")
                }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
