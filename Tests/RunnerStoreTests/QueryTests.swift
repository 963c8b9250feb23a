import Foundation
import Testing
@testable import RunnerStore

@Suite("Read-only SQL")
struct QueryTests {
    @Test("named parameters bind numbers as numbers and text as text; values keep their types")
    func typedResults() throws {
        // Given a store with one run
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun(hiddenUnits: 12))
        // When queried with each parameter style
        let result = try store.query(
            "SELECT short_id, hidden_units, learning_rate, finished_at, :n + 1 AS next, typeof($real), :id FROM runs WHERE name = @name",
            parameters: ["n": "41", "real": "2.5e-3", "name": "moons", "id": "12345e67"])
        // Then columns and typed values come back; "12345e67", which could be a run id, stays text
        #expect(result.columns == ["short_id", "hidden_units", "learning_rate", "finished_at", "next", "typeof($real)", ":id"])
        #expect(result.rows == [[.text(run.shortID), .integer(12), .real(0.1), .null, .integer(42), .text("real"), .text("12345e67")]])
        #expect(try store.query("SELECT :a, :b, :c", parameters: ["a": "007", "b": "1e-3", "c": "-4"]).rows == [[.text("007"), .real(0.001), .integer(-4)]])
    }

    @Test("statements that could write are refused and change nothing")
    func writesRefused() throws {
        // Given a store with one run
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        try store.startRun(sampleRun())
        let before = try store.query("SELECT * FROM runs")
        // When write statements are attempted, read-write and read-only stores alike
        let writes = [
            "DELETE FROM runs",
            "UPDATE runs SET name = 'x'",
            "INSERT INTO epochs (run_id, epoch, train_accuracy, elapsed_seconds) SELECT id, 1, 0.5, 0 FROM runs",
            "DROP TABLE epochs",
            "CREATE TABLE t (x)",
            "  -- sneaky\n ATTACH DATABASE '\(folder.file("other.sqlite"))' AS other",
            "PRAGMA user_version = 7",
            "VACUUM INTO '\(folder.file("copy.sqlite"))'",
        ]
        for access in [ExperimentStore.Access.readWrite, .readOnly] {
            let reader = try ExperimentStore(path: path, access: access)
            for sql in writes {
                let error = #expect(throws: StoreError.self, "\(sql)") { try reader.query(sql) }
                guard case .writeRefused = error else { Issue.record("\(sql): \(String(describing: error))"); continue }
            }
        }
        // Then the data and the folder are unchanged
        #expect(try store.query("SELECT * FROM runs") == before)
        #expect(try store.query("PRAGMA user_version").rows == [[.integer(0)]])
        #expect(!FileManager.default.fileExists(atPath: folder.file("other.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("copy.sqlite")))
    }

    @Test("several statements at once are refused, even if the second does not compile")
    func multipleStatementsRefused() throws {
        // Given a store
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        try store.startRun(sampleRun())
        // Then two statements are refused, a trailing semicolon is fine
        #expect(throws: StoreError.multipleStatements) { try store.query("SELECT 1; DELETE FROM runs") }
        #expect(throws: StoreError.multipleStatements) { try store.query("SELECT 1; this is not sql") }
        #expect(try store.query("SELECT count(*) FROM runs;").rows == [[.integer(1)]])
    }

    @Test("a syntax error or a missing parameter is an invalid query")
    func invalidQueries() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        for sql in ["SELEC 1", "SELECT * FROM nowhere", "SELECT :missing", ""] {
            let error = #expect(throws: StoreError.self, "\(sql)") { try store.query(sql) }
            guard case .invalidQuery = error else { Issue.record("\(sql): \(String(describing: error))"); continue }
        }
    }
}
