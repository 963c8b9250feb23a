import Foundation
import GRDB

/// What merging one source database changed in the target.
public struct MergeSummary: Sendable, Equatable {
    /// The source database.
    public var source: String
    /// Runs the target lacked, copied with their epochs, weights and data sets.
    public var added = 0
    /// Runs the target held in an older state (still running, fewer epochs), brought up to date.
    public var updated = 0
    /// Runs the target already held as the source has them.
    public var unchanged = 0
    /// Data sets copied (the others were already there, by their SHA-256 id).
    public var datasetsAdded = 0
    /// Runs not copied because their short id belongs to another run of the target.
    public var conflicting: [String] = []
    /// Finished runs added whose experiment (the same spec on the same points) another
    /// finished run of the target, there before or added just before, already holds: the
    /// same study trained twice, both kept.
    public var repeated = 0

    /// Whether the merge changed nothing.
    public var changedNothing: Bool { added == 0 && updated == 0 && datasetsAdded == 0 }
}

extension ExperimentStore {
    /// Checks that `sourcePath` can be merged into the database at `targetPath`: a regular
    /// file holding a runner database of this schema (not newer, not outdated), intact by
    /// `PRAGMA integrity_check`, and not the target itself. Reads it read-only and changes
    /// nothing; call it before opening the target, so that a bad source leaves no trace.
    public static func checkMergeSource(_ sourcePath: String, into targetPath: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw .unmergeable(path: sourcePath, reason: "there is no such file (check the path)")
        }
        guard !isSameFile(sourcePath, targetPath) else {
            throw .unmergeable(path: sourcePath, reason: "it is the target database itself (name other sources, or another --db to merge into)")
        }
        do {
            try DatabaseFile.check(sourcePath, writable: false)
            try checkAttachedSource(sourcePath)
        } catch .notADatabase(_, let detail) {
            // Said of a source, not of `--db`.
            throw .unmergeable(path: sourcePath, reason: "it is not a runner database (\(detail))")
        }
    }

    /// Checks the schema and the pages of the runner database at `sourcePath` (see `checkMergeSource`).
    private static func checkAttachedSource(_ sourcePath: String) throws(StoreError) {
        try mapErrors(path: sourcePath) {
            // A task that opens or closes the shard locks it for a moment: wait that out.
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            try DatabaseQueue(configuration: configuration).writeWithoutTransaction { db in
                try attach(sourcePath, db) { unchanged in
                    let migrator = Migrator(migrations: Migration.bundled, path: sourcePath)
                    let pending = try migrator.pendingMigrations(db, schema: "source")
                    guard pending.count < Migration.bundled.count else {
                        throw StoreError.unmergeable(path: sourcePath, reason: "it holds no runner tables")
                    }
                    guard pending.allSatisfy(\.readsAsBefore) else {
                        throw StoreError.outdatedSchema(path: sourcePath, missingVersions: pending.map(\.version))
                    }
                    let problems = try String.fetchAll(db, sql: "PRAGMA source.integrity_check")
                    guard problems == ["ok"] else {
                        throw StoreError.unmergeable(path: sourcePath, reason: "it is damaged (PRAGMA integrity_check: \(Self.oneLine(problems)))")
                    }
                    try unchanged()
                }
            }
        }
    }

    /// The first three of an integrity check's `problems` on one line, each cut at 100
    /// characters (one problem can name thousands of pages).
    static func oneLine(_ problems: [String]) -> String {
        problems.prefix(3).map { problem in
            let flat = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
            return flat.count > 100 ? flat.prefix(100) + "…" : flat
        }.joined(separator: "; ") + (problems.count > 3 ? "; …" : "")
    }

    /// Whether the paths `a` and `b` name one file (through symbolic links too).
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).resolvingSymlinksInPath().path == URL(fileURLWithPath: b).resolvingSymlinksInPath().path
    }

    /// The errors of a row that breaks a CHECK, NOT NULL or type rule of the schema.
    private static let brokenRuleCodes: [ResultCode] = [
        .SQLITE_CONSTRAINT_CHECK, .SQLITE_CONSTRAINT_NOTNULL, .SQLITE_CONSTRAINT_DATATYPE,
        // 0006's triggers refuse a timestamp that is not a real instant (one written before them).
        .SQLITE_CONSTRAINT_TRIGGER,
    ]

    /// Runs `body` with `path` attached read-only as the schema `source`; `body` calls
    /// `unchanged` before it commits what it read.
    ///
    /// Without a `-wal` file no process is writing to the source: it is read as immutable, so
    /// that SQLite creates no `-wal` or `-shm` file beside it either. With one (a shard still
    /// training), it is read as a live database, with SQLite's locks. A process that starts
    /// writing to an immutable source while it is read (a resubmitted task) may change pages
    /// under the read: `unchanged` then throws, as does any error of the read, and `body` runs
    /// again on the source read live (its `-wal` file now there), up to three times.
    static func attach<T>(_ path: String, _ db: Database, _ body: (_ unchanged: () throws -> Void) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let stamp = FileStamp(quiescent: path)
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [DatabaseFile.readOnlyURI(path, immutable: stamp != nil)])
            defer { try? db.execute(sql: "DETACH DATABASE source") }
            do {
                return try body { if let stamp, stamp.changed { throw SourceChanged() } }
            } catch {
                // A reader of the source can create its `-wal` file and remove it again: then
                // the file is as it was, yet `unchanged` threw. Read it again all the same.
                guard let stamp, error is SourceChanged || stamp.changed else { throw error }
                guard attempt < 3 else {
                    let last = error is SourceChanged ? "" : " (the last read failed with: \(error))"
                    throw StoreError.unmergeable(
                        path: path, reason: "processes kept writing to it while it was read, three times\(last); nothing was taken from it: merge again")
                }
            }
        }
    }

    /// What an immutable source's file was when its read began: a process that writes to it
    /// creates its `-wal` file, and a checkpoint changes the file itself.
    struct FileStamp: Equatable {
        private let path: String
        private let inode: UInt64, size: Int64, modified: timespec

        /// The stamp of the file at `path`, or nil when it has a `-wal` file (a live database)
        /// or cannot be read.
        init?(quiescent path: String) {
            var status = stat()
            guard !FileManager.default.fileExists(atPath: path + "-wal"), stat(path, &status) == 0 else { return nil }
            (self.path, inode, size, modified) = (path, UInt64(status.st_ino), Int64(status.st_size), status.st_mtim)
        }

        /// Whether a process has written to the file since.
        var changed: Bool {
            FileStamp(quiescent: path) != self
        }

        static func == (a: FileStamp, b: FileStamp) -> Bool {
            (a.path, a.inode, a.size, a.modified.tv_sec, a.modified.tv_nsec) == (b.path, b.inode, b.size, b.modified.tv_sec, b.modified.tv_nsec)
        }
    }

    /// The source changed while it was read as immutable.
    private struct SourceChanged: Error {}

    /// Copies into this store every run of the database at `sourcePath` that it lacks (by
    /// run id), with its epochs, weights and data sets (deduplicated by their id), and brings
    /// up to date the runs it holds in an older state: still `running` where the source has
    /// them finished, or with fewer epochs. One transaction; the source is opened read-only.
    ///
    /// A copied run keeps its `created_at`, moved on by whole milliseconds if another run of
    /// this store already has that instant, so `created_at` stays unique and runs from all
    /// sources sort by when they were created.
    ///
    /// Call `checkMergeSource` first: this assumes a readable runner database.
    public func merge(from sourcePath: String) throws(StoreError) -> MergeSummary {
        guard access == .readWrite else { throw .openedReadOnly(path: path) }
        var summary = MergeSummary(source: sourcePath)
        try Self.mapErrors(path: path) {
            try connection.writeWithoutTransaction { db in
                try Self.attach(sourcePath, db) { unchanged in
                    do {
                        try db.inTransaction(.immediate) {
                            summary = try mergeAttachedSource(MergeSummary(source: sourcePath), db)
                            try unchanged()
                            return .commit
                        }
                    } catch let error as DatabaseError where Self.brokenRuleCodes.contains(error.extendedResultCode) {
                        // The target's rules refuse a row of the source: it was written with
                        // its checks off (`PRAGMA ignore_check_constraints`), which an
                        // integrity check of a read-only file does not look for.
                        throw StoreError.unmergeable(
                            path: sourcePath,
                            reason: "a row breaks the schema's rules (\(error.message ?? "\(error.resultCode)")); correct it with sqlite3 and merge again")
                    }
                }
            }
        }
        return summary
    }

    private func mergeAttachedSource(_ start: MergeSummary, _ db: Database) throws -> MergeSummary {
        var summary = start
        let runColumns = try commonColumns("runs", db)
        let columnList = runColumns.joined(separator: ", ")

        let datasetColumns = try commonColumns("datasets", db).joined(separator: ", ")
        let pointColumns = try commonColumns("dataset_points", db).joined(separator: ", ")
        let newDatasets = try String.fetchAll(db, sql: "SELECT id FROM source.datasets WHERE id NOT IN (SELECT id FROM main.datasets)")
        for id in newDatasets {
            try db.execute(sql: "INSERT INTO main.datasets (\(datasetColumns)) SELECT \(datasetColumns) FROM source.datasets WHERE id = ?", arguments: [id])
            try db.execute(sql: "INSERT INTO main.dataset_points (\(pointColumns)) SELECT \(pointColumns) FROM source.dataset_points WHERE dataset_id = ?", arguments: [id])
        }
        summary.datasetsAdded = newDatasets.count
        // Spec sources, like data sets, are the same row wherever they are: by their SHA-256 id.
        let sourceColumns = try commonColumns("spec_sources", db).joined(separator: ", ")
        try db.execute(sql: "INSERT OR IGNORE INTO main.spec_sources (\(sourceColumns)) SELECT \(sourceColumns) FROM source.spec_sources")

        let epochColumns = try commonColumns("epochs", db).joined(separator: ", ")
        let weightColumns = try commonColumns("weights", db).joined(separator: ", ")
        let tagColumns = try commonColumns("run_tags", db).joined(separator: ", ")
        // Prepared once: a merge runs them for every run of the source. A run brought up to
        // date takes its training from the newer copy and keeps what users wrote on it here:
        // its note and its tags (copied only with a run that is new here).
        let updatedColumns = runColumns.filter { !["id", "created_at", "note"].contains($0) }.joined(separator: ", ")
        let updateRun = try db.makeStatement(sql: """
            UPDATE main.runs SET (\(updatedColumns)) = (SELECT \(updatedColumns) FROM source.runs WHERE id = ?1) WHERE id = ?1
            """)
        let shortIDTaken = try db.makeStatement(sql: "SELECT EXISTS (SELECT 1 FROM main.runs WHERE short_id = ?)")
        let finishedHere = try db.makeStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM main.runs WHERE spec_hash = ? AND +training_data_id IS ? AND +validation_data_id IS ?
                                                     AND status IN ('completed', 'diverged'))
            """)
        let insertRun = try db.makeStatement(sql: "INSERT INTO main.runs (\(columnList)) SELECT \(columnList) FROM source.runs WHERE id = ?")
        let setCreatedAt = try db.makeStatement(sql: "UPDATE main.runs SET created_at = ? WHERE id = ?")
        let copyWeights = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO main.weights (\(weightColumns)) SELECT \(weightColumns) FROM source.weights WHERE run_id = ?
            """)
        let copyTags = try db.makeStatement(sql: "INSERT INTO main.run_tags (\(tagColumns)) SELECT \(tagColumns) FROM source.run_tags WHERE run_id = ?")
        let copyEpochs = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO main.epochs (\(epochColumns)) SELECT \(epochColumns) FROM source.epochs WHERE run_id = ? ORDER BY epoch
            """)
        // Copying its epochs dropped the run's row of `run_epoch_summaries`; writing its
        // status (unchanged) has the trigger of migration 0007 summarize it again.
        let summarize = try db.makeStatement(sql: "UPDATE main.runs SET status = status WHERE id = ? AND status <> 'running'")
        // The triggers on new epochs set the run's `converged_at_epoch`, which the copied run
        // row already holds, and drop its summary, which `summarize` writes again: row by
        // row, they took most of the time of merging runs of hundreds of epochs. While they
        // are the only triggers on `epochs`, and the source's runs hold the column, its
        // epochs go in with triggers off.
        let epochTriggersOff = try runColumns.contains("converged_at_epoch") && Self.epochTriggers(db) == Self.schemaEpochTriggers
        var instants = try CreationInstants(db)

        // In pages of 1,000 runs, in the order they were created, so that no statement reads
        // while triggers are switched (which recompiles the connection's statements).
        var after: (createdAt: String, rowID: Int64) = ("", 0)
        while true {
            let page = try Row.fetchAll(db, sql: """
                SELECT s.rowid, s.id, s.short_id, s.status, s.created_at, s.spec_hash, s.training_data_id, s.validation_data_id,
                       (SELECT count(*) FROM source.epochs e WHERE e.run_id = s.id) AS source_epochs,
                       s.status = 'interrupted' AND s.error_message LIKE '\(Self.abandoned)%' AS source_reaped,
                       m.id IS NOT NULL AS present, m.status AS target_status,
                       m.status = 'interrupted' AND m.error_message LIKE '\(Self.abandoned)%' AS target_reaped,
                       (SELECT count(*) FROM main.epochs e WHERE e.run_id = m.id) AS target_epochs
                FROM source.runs s LEFT JOIN main.runs m ON m.id = s.id
                WHERE (s.created_at, s.rowid) > (?, ?)
                ORDER BY s.created_at, s.rowid
                LIMIT 1000
                """, arguments: [after.createdAt, after.rowID])
            guard let last = page.last else { break }
            after = (last["created_at"], last["rowid"])
            var copied: [String] = []
            for row in page {
                let id: String = row["id"]
                if row["present"] as Bool {
                    // Running, or taken for abandoned by a reader of the target (its heartbeat was
                    // copied), the target's row is older than a source row that its process ended.
                    let targetStale = row["target_status"] as String == RunStatus.running.rawValue || row["target_reaped"] as Bool
                    let sourceEnded = row["status"] as String != RunStatus.running.rawValue && !(row["source_reaped"] as Bool)
                    guard (targetStale && sourceEnded) || row["source_epochs"] as Int > row["target_epochs"] as Int else {
                        summary.unchanged += 1
                        continue
                    }
                    // Everything but the instant it was recorded here comes from the newer copy.
                    try updateRun.execute(arguments: [id])
                    summary.updated += 1
                } else {
                    let shortID: String = row["short_id"]
                    if try Bool.fetchOne(shortIDTaken, arguments: [shortID])! {
                        summary.conflicting.append(id)
                        continue
                    }
                    if [RunStatus.completed, .diverged].map(\.rawValue).contains(row["status"] as String),
                       try Bool.fetchOne(finishedHere, arguments: [row["spec_hash"], row["training_data_id"], row["validation_data_id"]])! {
                        summary.repeated += 1
                    }
                    try insertRun.execute(arguments: [id])
                    try setCreatedAt.execute(arguments: [try instants.unique(row["created_at"], excluding: id), id])
                    try copyTags.execute(arguments: [id])
                    summary.added += 1
                }
                try copyWeights.execute(arguments: [id])
                copied.append(id)
            }
            try withTriggers(enabled: !epochTriggersOff, db) {
                for id in copied { try copyEpochs.execute(arguments: [id]) }
            }
            for id in copied { try summarize.execute(arguments: [id]) }
        }
        return summary
    }

    /// The columns `table` has in both the target and the source, in the target's order.
    private func commonColumns(_ table: String, _ db: Database) throws -> [String] {
        let target = try db.columns(in: table, in: "main").map(\.name)
        let source = Set(try db.columns(in: table, in: "source").map(\.name))
        return target.filter(source.contains)
    }
}

/// Finds the instants that runs copied by a merge are stamped with.
///
/// A copied run keeps its `created_at` unless another run of the target has it; then it takes
/// the first free millisecond after it. Runs are copied in the order of their `created_at`, so
/// once a run has walked past a row of taken instants, the next one, which starts no earlier,
/// finds them all taken again: it starts after the last instant given out. The target's
/// instants are read in order from `runs_by_created_at`, so a merge reads each at most once or
/// so, rather than once for every run copied after it (a sweep's runs, recorded a millisecond
/// apart, took a merge minutes).
private struct CreationInstants {
    private var lastGiven: String?
    private let taken: Statement

    init(_ db: Database) throws {
        taken = try db.makeStatement(sql: "SELECT created_at FROM main.runs WHERE created_at >= ? AND id <> ? ORDER BY created_at")
    }

    /// `createdAt`, or the first millisecond after it that no run of the target but `id` has.
    mutating func unique(_ createdAt: String, excluding id: String) throws -> String {
        var stamp = createdAt
        if let lastGiven, stamp <= lastGiven {
            guard let next = Self.millisecond(after: lastGiven) else { return stamp }
            stamp = next
        }
        let instants = try String.fetchCursor(taken, arguments: [stamp, id])
        while let instant = try instants.next(), instant <= stamp {
            guard instant == stamp else { continue }
            guard let next = Self.millisecond(after: stamp) else { return stamp }
            stamp = next
        }
        lastGiven = stamp
        return stamp
    }

    /// The instant one millisecond after `stamp`; nil when `stamp` is not one, which 0006's
    /// triggers on `runs` keep from happening (a nil leaves the run on its own instant).
    private static func millisecond(after stamp: String) -> String? {
        Timestamp.date(from: stamp).map { Timestamp.string(from: $0.addingTimeInterval(0.0015)) }
    }
}
