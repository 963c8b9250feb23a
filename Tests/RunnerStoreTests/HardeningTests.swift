import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// The store's side of issue 12: what opening, reading and reaping must never do.
@Suite("Hardening of the store")
struct HardeningTests {
    /// A database made by the raw text of migration 0001 alone, as an older runner (or
    /// sqlite3) left it: rollback journal, no WAL.
    private func databaseWithOnlyFirstMigration(_ path: String) throws {
        let first = try #require(Migration.bundled.first)
        try rawConnection(path).write { db in
            try db.execute(sql: first.sql)
            try db.execute(sql: Migrator.bookkeepingTable)
            try db.execute(
                sql: "INSERT INTO schema_migrations VALUES (1, ?, ?, '2026-01-01T00:00:00.000Z')",
                arguments: [first.name, first.checksum])
        }
    }

    @Test("reading never creates the schema in an empty or table-less file")
    func readingCreatesNothing() throws {
        // Given an empty file, and an SQLite file with only an application_id
        let folder = TemporaryFolder()
        let empty = folder.file("empty.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let tableless = folder.file("tableless.db")
        try rawConnection(tableless).write { try $0.execute(sql: "PRAGMA application_id = 1234") }
        for path in [empty, tableless] {
            let before = bytes(path)
            // When they are opened for reading, then queried as they are
            #expect(throws: StoreError.noRunnerTables(path: path)) { try ExperimentStore(path: path, access: .readOnly) }
            let store = try ExperimentStore(path: path, access: .readOnly, acceptingOutdatedSchema: true)
            #expect(try store.query("SELECT 1 AS one").rows == [[.integer(1)]])
            store.close()
            // Then not a byte changed, and no journal or WAL is left beside them
            #expect(bytes(path) == before)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["empty.db", "tableless.db"])
    }

    @Test("an outdated database is read as it is by SQL, refused with `runner migrate` otherwise, and never converted")
    func outdatedIsNotMigratedByReading() throws {
        // Given a database with only migration 0001, in rollback-journal mode
        let folder = TemporaryFolder()
        let path = folder.file()
        try databaseWithOnlyFirstMigration(path)
        let before = bytes(path)
        // When it is opened for reading
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: .readOnly) }
        let reader = try ExperimentStore(path: path, access: .readOnly, acceptingOutdatedSchema: true)
        let versions = try reader.query("SELECT version FROM schema_migrations").rows
        reader.close()
        // Then reading refuses it with how to upgrade, SQL reads it, and nothing changed
        #expect(error == .outdatedSchema(path: path, missingVersions: Array(Migration.bundled.dropFirst().map(\.version))))
        #expect(error?.description.contains("runner migrate --db \(path)") == true)
        #expect(versions == [[.integer(1)]])
        #expect(bytes(path) == before)
        #expect(try journalMode(path) == "delete")
        // And opening it for writing upgrades it, reporting what it applied
        let writer = try ExperimentStore(path: path)
        #expect(writer.migrationsApplied == Migration.bundled.dropFirst().map(\.version))
        #expect(try journalMode(path) == "wal")
    }

    @Test("a FIFO or a character device is refused before it is opened, leaving no journal", arguments: ["fifo", "/dev/null"])
    func specialFiles(kind: String) throws {
        let folder = TemporaryFolder()
        let path = kind == "fifo" ? folder.file("pipe.db") : kind
        if kind == "fifo" { #expect(mkfifo(path, 0o644) == 0) }
        for access in [ExperimentStore.Access.readWrite, .readOnly] {
            // When it is opened (a FIFO would block forever if it were)
            let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: access) }
            // Then it is refused as not a regular file
            #expect(error?.description.contains(kind == "fifo" ? "it is a FIFO (named pipe), not a regular file" : "it is a character device") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a damaged database is refused before anything is written to it")
    func damagedIsRefused() throws {
        // Given a store whose epochs table spans several pages, one interior page then damaged
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let run = try store.startRun(sampleRun())
        for epoch in 1...120 { try store.recordEpoch(sampleEpoch(epoch, runID: run.id)) }
        store.close()
        let page = try #require(try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT pageno FROM dbstat WHERE name = 'epochs' AND pagetype = 'internal' LIMIT 1")
        })
        var damaged = bytes(path)
        // The interior page's right-most child pointer (header bytes 8 to 11) now points past the end.
        let start = (page - 1) * 4096 + 8
        damaged.replaceSubrange(start..<start + 4, with: [0x00, 0x0F, 0x42, 0x40])
        try damaged.write(to: URL(fileURLWithPath: path))
        #expect((try? DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "PRAGMA quick_check") }) != ["ok"])
        // When it is opened for writing
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path) }
        // Then it is refused as damaged, naming the check and how to rescue it, and unchanged
        guard case .damaged(path, let report) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(!report.isEmpty && !report.contains("\n"))
        #expect(error?.description.contains(".recover") == true)
        #expect(bytes(path) == damaged)
    }

    @Test("a pid from another PID namespace is not trusted: the heartbeat decides")
    func otherNamespace() throws {
        // Given runs recorded in another PID namespace of this host, by a pid that is alive
        // here (this process's) and by one that is not, with fresh and with stale heartbeats
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let elsewhere = { (pid: Int32) in
            TrainingProcess(host: TrainingProcess.current.host, pid: pid, pidNamespace: "pid:[1]")
        }
        let liveHere = try store.startRun(sampleRun(name: "alive-here", process: elsewhere(getpid())), at: start)
        let deadHere = try store.startRun(sampleRun(name: "dead-here", process: elsewhere(999_999)), at: start)
        // When reaping while their heartbeats are fresh, then once they are stale
        let early = try store.reapAbandonedRuns(now: start.addingTimeInterval(60))
        let late = try store.reapAbandonedRuns(now: start.addingTimeInterval(660))
        // Then neither pid counts: both survive the first, both are interrupted by the second
        #expect(early.isEmpty)
        #expect(Set(late) == [liveHere.id, deadHere.id])
        #expect(try store.run(liveHere.id).errorMessage?.contains("in another PID namespace") == true)
    }

    @Test("a run records the PID namespace of its process")
    func recordsNamespace() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        let recorded = try store.run(run.id).pidNamespace
        #expect(recorded == (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")))
        #expect(recorded?.hasPrefix("pid:[") ?? !FileManager.default.fileExists(atPath: "/proc"))
    }

    @Test("a reading store marks abandoned runs when it can write, and changes nothing when it cannot")
    func readingStoreReaps() throws {
        // Given a run of a dead process on this host
        let folder = TemporaryFolder()
        let path = folder.file()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = TrainingProcess(host: TrainingProcess.current.host, pid: process.processIdentifier, pidNamespace: TrainingProcess.current.pidNamespace)
        let run = try ExperimentStore(path: path).startRun(sampleRun(process: dead))
        // When a read-only copy is reaped, then the writable file
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = bytes(path)
        #expect(try ExperimentStore(path: path, access: .readOnly).reapAbandonedRuns().isEmpty)
        #expect(bytes(path) == before)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let reader = try ExperimentStore(path: path, access: .readOnly)
        // Then only the writable one is marked
        #expect(try reader.reapAbandonedRuns() == [run.id])
        #expect(try reader.run(run.id).status == .interrupted)
    }

    @Test("timestamps that are no instants are refused by the schema, and shown as missing when forced in")
    func badTimestamps() throws {
        // Given a finished run
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let run = try store.startRun(sampleRun(), at: Date(timeIntervalSince1970: 1_795_000_000))
        try store.finishRun(id: run.id, outcome: .completed, metrics: nil, weights: [], at: Date(timeIntervalSince1970: 1_795_000_090))
        // When a user sets impossible instants that match the old LIKE pattern
        for stamp in ["2026-02-30T25:00:00.000Z", "2026-02-30T05:00:00.000Z", "2026-1X-29T04:30:00.000Z"] {
            #expect(throws: DatabaseError.self) {
                try rawConnection(path).write { try $0.execute(sql: "UPDATE runs SET finished_at = ?", arguments: [stamp]) }
            }
        }
        // Then the schema refuses them; and when forced in past the triggers, listings show them as missing
        try rawConnection(path).write { db in
            try db.execute(sql: """
                DROP TRIGGER runs_timestamps_on_update;
                UPDATE runs SET finished_at = '2026-02-30T25:00:00.000Z', created_at = '2026-1X-29T04:30:00.000Z'
                """)
        }
        let summary = try #require(try store.runs().first)
        #expect(summary.createdAt == nil)
        #expect(summary.durationSeconds == nil)
        let error = #expect(throws: StoreError.self) { try store.run(run.id) }
        #expect(error?.description.contains("run \(run.shortID): column created_at holds \"2026-1X-29T04:30:00.000Z\"") == true)
    }

    @Test("a query reads a setting PRAGMA, refuses one that sets it, and explains an empty statement")
    func queryEdges() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        #expect(try store.query("PRAGMA journal_mode").rows == [[.text("wal")]])
        #expect(try store.query("pragma main.user_version;").rows == [[.integer(0)]])
        for write in ["PRAGMA journal_mode = DELETE", "PRAGMA user_version(3)", "PRAGMA wal_checkpoint"] {
            #expect(throws: StoreError.writeRefused(statement: write)) { try store.query(write) }
        }
        let empty = #expect(throws: StoreError.self) { try store.query("-- nothing but a comment") }
        #expect(empty?.description == "invalid query: it holds no SQL statement, only blanks or comments; give one, e.g. SELECT count(*) FROM runs")
    }

    @Test("a query stops at its time limit, and hands rows over one by one until told to stop")
    func queryTimeoutAndStreaming() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        #expect(throws: StoreError.queryTimedOut(seconds: 0.2)) { try store.query(endless, timeout: 0.2) }
        var seen: [Int64] = []
        try store.query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", columns: { #expect($0 == ["x"]) }) { row in
            if case .integer(let x) = row[0] { seen.append(x) }
            return seen.count < 5
        }
        #expect(seen == [1, 2, 3, 4, 5])
    }

    /// A recorder whose run recorded `epochs` epochs, all committed.
    private func recorderWithRun(in folder: TemporaryFolder, epochs: Int) throws -> (RunRecorder, RunIdentity) {
        let recorder = RunRecorder(store: try ExperimentStore(path: folder.file()))
        guard case .started(let run) = try recorder.claim(sampleRun(), rerun: true) else { throw StoreError.runNotFound(reference: "new run") }
        for epoch in 1...epochs { recorder.record(sampleEpoch(epoch, runID: run.id)) }
        try recorder.flush()
        return (recorder, run)
    }

    @Test("a run whose epochs a full disk refuses is recorded failed, with the first epoch it lost")
    func fullDiskFailsTheRun() throws {
        // Given a run with 10 epochs written, on a file that may not grow any more (as on a full disk)
        let folder = TemporaryFolder()
        let (recorder, run) = try recorderWithRun(in: folder, epochs: 10)
        try recorder.store.connection.inDatabase { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        // When it goes on for 5,000 epochs and completes
        for epoch in 11...5_000 { recorder.record(sampleEpoch(epoch, runID: run.id)) }
        try recorder.finish(id: run.id, outcome: .completed, metrics: nil, weights: [])
        // Then closing reports the full disk
        let error = #expect(throws: StoreError.self) { try recorder.close() }
        #expect(error == .diskFull(path: folder.file()))
        #expect(error?.description.contains("database or disk is full; free space on its disk") == true)
        // And the run is failed, with why and from which epoch, keeping the epochs written before
        let reader = try ExperimentStore(path: folder.file(), access: .readOnly)
        let stored = try reader.run(run.id)
        #expect(stored.status == .failed)
        #expect(stored.errorMessage == "disk full: database or disk is full while writing epoch 11")
        #expect(stored.finalTrainLoss == sampleEpoch(10, runID: run.id).trainLoss)
        #expect(try reader.epochs(of: run.id).count == 10)
    }

    @Test("the disk space a recorder holds in reserve leaves no file behind")
    func reserveLeavesNoFile() throws {
        // Given a store
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // When a recorder holds its reserve, and after it closes
        let recorder = RunRecorder(store: store)
        let holding = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        try recorder.close()
        // Then the folder holds the database's files alone
        #expect(holding == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }

    @Test("when not even the failure can be written, closing names the runs and what to do")
    func unrecordableFailure() throws {
        // Given a run with 3 epochs written, on a connection that can no longer write at all
        let folder = TemporaryFolder()
        let (recorder, run) = try recorderWithRun(in: folder, epochs: 3)
        try recorder.store.connection.inDatabase { try $0.execute(sql: "PRAGMA query_only = 1") }
        // When it records more and closes
        recorder.record(sampleEpoch(4, runID: run.id))
        let error = #expect(throws: StoreError.self) { try recorder.close() }
        // Then the error names the run, the cause, and what happens next
        guard case let .runsNotRecorded(path, shortIDs, cause) = error else {
            Issue.record("expected runsNotRecorded, got \(String(describing: error))")
            return
        }
        #expect(path == folder.file() && shortIDs == [run.shortID])
        #expect(cause.contains("cannot write to"))
        #expect(error?.description.contains("could not record run \(run.shortID) as failed") == true)
        #expect(error?.description.contains("`runner list` shows it as interrupted (abandoned)") == true)
        // And the run is still running, as a reader will find it
        #expect(try ExperimentStore(path: folder.file(), access: .readOnly).run(run.id).status == .running)
    }
}
