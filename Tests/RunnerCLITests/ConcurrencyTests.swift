import Foundation
import Testing

@Suite("concurrency: processes sharing one database", .serialized)
struct ConcurrencyTests {
    @Test("8 runs started at once into a brand-new database all complete")
    func eightWriters() throws {
        let sandbox = try Sandbox()
        let epochs = 20
        let processes = try (1...8).map { seed in
            try sandbox.start("run", try sandbox.spec("seed\(seed)", Spec.small(name: "seed\(seed)", epochs: "\(epochs)", seed: "\(seed)")),
                              "--db", "shared.db")
        }
        let results = processes.map { $0.wait(timeout: 30) }
        for (seed, result) in zip(1..., results) {
            #expect(result.status == 0 && !result.endedBySignal && !result.timedOut, "seed \(seed): \(result)")
            #expect(!result.stderr.localizedCaseInsensitiveContains("locked") && !result.stderr.localizedCaseInsensitiveContains("busy"),
                    "seed \(seed): \(result.stderr)")
            #expect(result.stdout.contains("completed"))
        }
        let runs = try sandbox.sqlite("""
            SELECT name, status, (SELECT count(*) FROM epochs e WHERE e.run_id = r.id), (SELECT max(epoch) FROM epochs e WHERE e.run_id = r.id),
                   (SELECT count(*) FROM weights w WHERE w.run_id = r.id)
            FROM runs r ORDER BY name
            """, file: "shared.db")
        #expect(runs.map { $0[0] } == (1...8).map { "seed\($0)" })
        for run in runs {
            #expect(run[1] == "completed" && run[2] == "\(epochs)" && run[3] == "\(epochs)" && run[4] == "17", "\(run)")
        }
        let migrations = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations").path)
            .filter { $0.hasSuffix(".sql") }
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations", file: "shared.db") == [["\(migrations.count)"]], "each migration applied once")
        #expect(try sandbox.sqlite("PRAGMA integrity_check", file: "shared.db") == [["ok"]])
    }

    @Test("readers work while a run writes")
    func readersDuringRun() throws {
        let sandbox = try Sandbox()
        let writer = try sandbox.startLongRun()
        defer { writer.send(SIGKILL); _ = writer.wait(timeout: 5) }
        let readers = try (0..<4).map { _ in try sandbox.start("list", "--format", "csv") }
            + [try sandbox.start("query", "SELECT count(*) FROM epochs", "--format", "csv")]
        for result in readers.map({ $0.wait(timeout: 20) }) {
            #expect(result.status == 0 && !result.stderr.localizedCaseInsensitiveContains("locked"), "\(result)")
        }
        #expect(try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout).records.first?["status"] == "running",
                "a live run is not reaped")
    }
}
