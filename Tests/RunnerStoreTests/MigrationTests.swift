import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// The top-level `migrations/` folder of the source tree.
private let migrationsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("migrations")

/// The `.sql` files of `migrations/`, sorted by name.
private func migrationFiles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: migrationsFolder, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "sql" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

@Suite("Migrations")
struct MigrationTests {
    @Test("the generated Swift file carries exactly the migrations/ files")
    func generatedFileIsUpToDate() throws {
        // Given the SQL files of migrations/
        let files = try migrationFiles()
        let expected = try files.map { file in
            let base = file.deletingPathExtension().lastPathComponent
            let underscore = try #require(base.firstIndex(of: "_"))
            return Migration(
                version: try #require(Int(base[..<underscore])),
                name: String(base[base.index(after: underscore)...]),
                sql: try String(contentsOf: file, encoding: .utf8))
        }
        // Then the migrations compiled into the binary are the same, text for text
        #expect(!expected.isEmpty)
        #expect(
            Migration.bundled == expected,
            "Sources/RunnerStore/Migrations+Generated.swift is out of date: run scripts/generate-migrations.sh")
    }

    @Test("a new database gets every migration, recorded with the sha256sum of its file")
    func migratesFromEmpty() throws {
        // Given no database file
        let folder = TemporaryFolder()
        // When a store opens it
        let store = try ExperimentStore(path: folder.file())
        // Then every migration is recorded, with the checksum sha256sum prints for its file
        let recorded = try store.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
        #expect(recorded.rows.count == Migration.bundled.count)
        for (row, file) in zip(recorded.rows, try migrationFiles()) {
            let sha256sum = try shell("/usr/bin/sha256sum", [file.path]).prefix(64)
            #expect(row[2] == .text(String(sha256sum)))
            guard case let .text(appliedAt) = row[3] else { Issue.record("applied_at is not text"); continue }
            #expect(Timestamp.date(from: appliedAt) != nil)
        }
        // And the file is in WAL mode
        #expect(try journalMode(folder.file()) == "wal")
    }

    @Test("running the .sql files with sqlite3 gives the schema the store creates")
    func rawFilesMatchStoreSchema() throws {
        // Given one database made by the store and one by the raw files
        let folder = TemporaryFolder()
        _ = try ExperimentStore(path: folder.file("store.sqlite"))
        let raw = folder.file("raw.sqlite")
        let script = try migrationFiles().map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            try shell("/usr/bin/sqlite3", [raw], input: script)
        } else {
            try rawConnection(raw).write { try $0.execute(sql: script) }
        }
        // Then their schemas are identical, apart from the bookkeeping table
        let storeSchema = try schema(folder.file("store.sqlite"))
        #expect(storeSchema.contains { $0.hasPrefix("table runs on runs") })
        #expect(storeSchema == (try schema(raw)))
    }

    @Test("a file's missing migrations go in together: when one fails, a new file is left without tables")
    func migrationsAreOneTransaction() throws {
        let folder = TemporaryFolder()
        let path = folder.file()
        let broken = Migration(version: 99, name: "broken", sql: "CREATE TABLE left_behind (a); SELECT * FROM no_such_table;")
        #expect(throws: DatabaseError.self) {
            try Migrator(migrations: Migration.bundled + [broken], path: path).prepare(DatabaseQueue(path: path))
        }
        #expect(try rawConnection(path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") } == 0)
        // and the next open creates them all
        #expect(try ExperimentStore(path: path).migrationsApplied == Migration.bundled.map(\.version))
    }

    @Test("re-opening a migrated database changes nothing")
    func reopeningIsIdempotent() throws {
        // Given a migrated database with one run
        let folder = TemporaryFolder()
        let path = folder.file()
        let run = try ExperimentStore(path: path).startRun(sampleRun())
        let before = try ExperimentStore(path: path).query("SELECT * FROM schema_migrations")
        // When it is opened again, read-write and read-only
        let again = try ExperimentStore(path: path)
        let readOnly = try ExperimentStore(path: path, access: .readOnly)
        // Then no migration is applied twice and the data is still there
        #expect(try again.query("SELECT * FROM schema_migrations") == before)
        #expect(try readOnly.run(run.shortID).id == run.id)
    }

    @Test("a database with a migration unknown to this runner is refused, untouched")
    func refusesNewerSchema() throws {
        // Given a database where a newer runner applied migration 9999
        let folder = TemporaryFolder()
        let path = folder.file()
        _ = try ExperimentStore(path: path)
        try rawConnection(path).write { db in
            try db.execute(sql: """
                INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'abc', '2030-01-01T00:00:00.000Z')
                """)
        }
        let before = bytes(path)
        // When this runner opens it, either way
        // Then it is refused with a message naming the version, and the file is unchanged
        for access in [ExperimentStore.Access.readWrite, .readOnly] {
            let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: access) }
            #expect(error == .newerSchema(path: path, unknownVersions: [9999]))
            #expect(error?.description.contains("newer runner") == true)
        }
        #expect(bytes(path) == before)
    }

    @Test("a database whose applied migration has another checksum is refused, untouched")
    func refusesAlteredMigration() throws {
        // Given a database whose record of migration 1 has a different checksum
        let folder = TemporaryFolder()
        let path = folder.file()
        _ = try ExperimentStore(path: path)
        try rawConnection(path).write { db in
            try db.execute(sql: "UPDATE schema_migrations SET checksum = 'altered' WHERE version = 1")
        }
        let before = bytes(path)
        // When this runner opens it
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path) }
        // Then it is refused and the file is unchanged
        #expect(error == .alteredMigration(path: path, version: 1, name: "initial_schema"))
        #expect(bytes(path) == before)
    }

    @Test("an SQLite file of another program is refused, untouched")
    func refusesForeignDatabase() throws {
        // Given an SQLite file with tables but no schema_migrations
        let folder = TemporaryFolder()
        let path = folder.file()
        try rawConnection(path).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let before = bytes(path)
        // When it is opened, either way
        for access in [ExperimentStore.Access.readWrite, .readOnly] {
            let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: access) }
            // Then it is refused as not ours, and the file is unchanged
            guard case .notADatabase = error else { Issue.record("unexpected \(String(describing: error))"); continue }
        }
        #expect(bytes(path) == before)
    }

    @Test("an empty file opened read-only is reported as holding no runner tables")
    func readOnlyRefusesUnmigrated() throws {
        // Given an empty file
        let folder = TemporaryFolder()
        let path = folder.file()
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        // When it is opened read-only
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: .readOnly) }
        // Then it says how to create them, and stays empty
        #expect(error == .noRunnerTables(path: path))
        #expect(error?.description.contains("runner migrate --db \(path)") == true)
        #expect(bytes(path).isEmpty)
    }

    @Test("migration 0009 rebuilds weights: the same numbers, the same checks, orphans gone, deletes still cascade")
    func weightsRebuild() throws {
        // Given a store with two finished runs and a weight whose run no longer exists,
        // taken back to before 0009
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let weights = [
            WeightTensor(name: .Wi, shape: [2, 2], values: [.nan, -0.0, .leastNonzeroMagnitude, -.infinity]),
            WeightTensor(name: .bi, shape: [2], values: [1, 2]),
            WeightTensor(name: .Wo, shape: [2], values: [0.1, -0.2]),
            WeightTensor(name: .bo, shape: [], values: [.greatestFiniteMagnitude]),
        ]
        let runs = try [sampleRun(seed: 1), sampleRun(seed: 2)].map { run in
            let identity = try store.startRun(run)
            try store.finishRun(id: identity.id, outcome: .completed, metrics: nil, weights: weights)
            return identity
        }
        try rawConnection(path).writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA foreign_keys = OFF;
                INSERT INTO weights VALUES ('ffffffff-0000-4000-8000-000000000000', 'bo', 0, 0, 1.0, 4607182418800017408);
                DELETE FROM schema_migrations WHERE version = 9;
                """)
        }
        let stored = "SELECT run_id, tensor, row, col, value, bits FROM weights WHERE run_id <> 'ffffffff-0000-4000-8000-000000000000' ORDER BY 1, 2, 3, 4"
        let before = try store.query(stored)
        // A file without 0009 reads as one with it: read commands and merge take it as it is
        #expect(try ExperimentStore(path: path, access: .readOnly).runs().count == 2)
        #expect(try ExperimentStore(path: folder.file("merged.sqlite")).merge(from: path).added == 2)

        // When the store opens it to write
        let migrated = try ExperimentStore(path: path)

        // Then 0009 ran, every number is there bit for bit, and the orphan is gone
        #expect(migrated.migrationsApplied == [9])
        #expect(try migrated.query(stored) == before)
        #expect(try migrated.weights(of: runs[0].id) == weights)
        #expect(try migrated.query("SELECT count(*) FROM weights").rows == [[.integer(18)]])
        #expect(try migrated.query("PRAGMA integrity_check").rows == [[.text("ok")]])
        let definition = try migrated.query("SELECT sql FROM sqlite_schema WHERE name = 'weights'").rows.first?.first?.description
        #expect(definition?.contains("tensor = 'Wi' OR tensor = 'bi'") == true && definition?.contains(" IN (") == false)
        // The checks refuse what they refused
        try rawConnection(path).writeWithoutTransaction { db in
            for (tensor, col) in [("wi", 0), ("Wx", 0), ("", 0), ("Wo", 1)] {
                #expect(throws: DatabaseError.self, "\(tensor) col \(col)") {
                    try db.execute(sql: "INSERT INTO weights VALUES (?, ?, 5, ?, 1.0, 0)", arguments: [runs[0].id, tensor, col])
                }
            }
            // and a run deleted with foreign keys off still takes its weights along
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM runs WHERE id = ?", arguments: [runs[0].id])
        }
        #expect(try migrated.query("SELECT DISTINCT run_id FROM weights").rows == [[.text(runs[1].id)]])
    }
}
