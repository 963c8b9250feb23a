import Foundation
import Testing

@Suite("runner run")
struct RunCommandTests {
    @Test("a small spec completes with its epochs and weights stored")
    func smallRun() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("tiny")
        let result = try sandbox.succeed("run", spec)

        let ids = try sandbox.existingRunIDs()
        try #require(ids.count == 1)
        let id = ids[0]
        let shortID = String(id.prefix(8))
        let summary = result.stdout.split(separator: "\n").map(String.init)
        #expect(summary.count == 1, "one summary line: \(result.stdout)")
        #expect(summary.first?.hasPrefix(shortID) == true)
        #expect(summary.first?.contains("completed") == true)
        #expect(summary.first?.contains("5 epochs") == true)
        #expect(!result.stderr.isEmpty, "progress goes to stderr")

        #expect(try sandbox.scalar("SELECT status FROM runs") == "completed")
        #expect(try sandbox.count("SELECT count(*) FROM epochs WHERE run_id = '\(id)'") == 5)
        #expect(try sandbox.sqlite("SELECT epoch FROM epochs ORDER BY epoch").map { $0[0] } == ["1", "2", "3", "4", "5"])
        let (d, h) = (2, 4)
        #expect(try sandbox.count("SELECT count(*) FROM weights WHERE run_id = '\(id)'") == d * h + 2 * h + 1)
        #expect(try sandbox.scalar("SELECT hidden_units || ' ' || epochs || ' ' || learning_rate || ' ' || dataset FROM runs")
            == "4 5 0.05 moons")
        #expect(try sandbox.scalar("SELECT train_size + validation_size FROM runs") == "60")
        // The final metrics are those of the last epoch.
        #expect(try sandbox.count("""
            SELECT count(*) FROM runs r JOIN epochs e ON e.run_id = r.id AND e.epoch = 5
            WHERE r.final_train_loss = e.train_loss AND r.final_validation_accuracy = e.validation_accuracy
            """) == 1)
    }

    @Test("--quiet prints only the summary")
    func quiet() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.succeed("run", try sandbox.spec("tiny"), "--quiet")
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("completed"))
    }

    @Test("running the same spec twice gives bit-identical weights and metrics")
    func reproducible() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("tiny")
        let first = try sandbox.runSpec(spec)
        let second = try sandbox.runSpec(spec, "--rerun")
        try #require(first.count == 1 && second.count == 1)
        func weights(_ id: String) throws -> [[String]] {
            try sandbox.sqlite("SELECT tensor, row, col, bits FROM weights WHERE run_id = '\(id)' ORDER BY tensor, row, col")
        }
        func metrics(_ id: String) throws -> [[String]] {
            try sandbox.sqlite("""
                SELECT epoch, quote(train_loss), quote(train_accuracy), quote(validation_loss), quote(validation_accuracy)
                FROM epochs WHERE run_id = '\(id)' ORDER BY epoch
                """)
        }
        #expect(try weights(first[0]).count == 17)
        #expect(try weights(first[0]) == weights(second[0]))
        #expect(try metrics(first[0]).count == 5)
        #expect(try metrics(first[0]) == metrics(second[0]))
        #expect(try sandbox.count("SELECT count(DISTINCT spec_hash) FROM runs") == 1)
        // A different seed gives different weights: the comparison above can fail.
        let other = try sandbox.runSpec(try sandbox.spec("seed2", Spec.small(name: "seed2", seed: "2")))
        #expect(try weights(other[0]) != weights(first[0]))
    }

    @Test("a study of thousands of runs is hinted at one row per setting, and compare --limit gives its top rows")
    func largeStudy() throws {
        let sandbox = try Sandbox()
        let seeds = "[" + (1...501).map(String.init).joined(separator: ", ") + "]"
        let spec = try sandbox.spec("wide", Spec.small(name: "wide", points: "20", epochs: "1", hidden: "2", seed: seeds))
        let result = try sandbox.succeed("run", spec, "--quiet")
        #expect(result.stderr.hasSuffix("Compare them: runner compare --group wide --aggregate\n"), "\(result.stderr.suffix(200))")
        let top = try sandbox.succeed("compare", "--group", "wide", "--sort", "seed", "--descending", "--limit", "3", "--format", "csv")
        #expect(top.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] } == ["wide seed=501", "wide seed=500", "wide seed=499"], "\(top.stdout)")
        #expect(top.stderr == "3 of 501 rows (a larger --limit, or none, shows the rest)\n")
        let all = try sandbox.succeed("compare", "--group", "wide", "--aggregate", "--limit", "3")
        #expect(all.stderr.isEmpty && all.stdout.split(separator: "\n").count == 3, "one setting: header, rule, one row")
    }

    @Test("a sweep expands to every combination, in one group, each with its own resolved spec")
    func sweep() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", epochs: "2", hidden: "[2, 3]", learningRate: "[0.1, 0.01]", seed: "[1, 2]"))
        let result = try sandbox.succeed("run", spec, "--quiet")
        #expect(result.stderr.hasSuffix("Compare them: runner compare --group grid\n"), "the hint is not data: it goes to stderr")
        #expect(result.stdout.split(separator: "\n").count == 8, "one summary line per run on stdout")
        // With --db, the hint names the file, so that it works as printed.
        let elsewhere = try sandbox.succeed("run", spec, "--quiet", "--db", "other file.db")
        #expect(elsewhere.stderr.hasSuffix("Compare them: runner compare --group grid --db 'other file.db'\n"), "\(elsewhere)")

        let rows = try sandbox.sqlite("""
            SELECT name, group_name, hidden_units, learning_rate, seed,
                   json_extract(spec_json, '$.model.hidden'), json_extract(spec_json, '$.training.learning_rate'),
                   json_extract(spec_json, '$.training.seed'), json_extract(spec_json, '$.run_name')
            FROM runs ORDER BY created_at, rowid
            """)
        #expect(rows.count == 8)
        #expect(Set(rows.map { $0[1] }) == ["grid"])
        var combinations: Set<[String]> = []
        for row in rows {
            let (hidden, rate, seed) = (row[5], row[6], row[7])
            #expect(row[2] == hidden && Double(row[3]) == Double(rate) && row[4] == seed, "columns match the stored spec: \(row)")
            #expect(row[0] == row[8], "the name is the stored run_name")
            for part in ["hidden=\(hidden)", "learning_rate=\(rate)", "seed=\(seed)"] {
                #expect(row[0].contains(part), "\(row[0]) names \(part)")
            }
            combinations.insert([hidden, rate, seed])
        }
        #expect(combinations.count == 8)
        #expect(Set(combinations.map { $0[0] }) == ["2", "3"])
        #expect(Set(combinations.map { $0[1] }) == ["0.1", "0.01"])
        // The documented order: hidden outermost, then learning rate, then seed.
        #expect(rows.first?[0] == "grid hidden=2 learning_rate=0.1 seed=1")
        #expect(rows.last?[0] == "grid hidden=3 learning_rate=0.01 seed=2")
        #expect(try sandbox.count("SELECT count(*) FROM epochs") == 16)
    }

    @Test("a diverging run is recorded as diverged and shown readably")
    func diverged() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.succeed("run", try sandbox.spec("wild", Spec.small(name: "wild", learningRate: "1e6")), "--quiet")
        #expect(result.stdout.contains("diverged at epoch"), "\(result.stdout)")
        let run = try #require(try sandbox.sqlite("SELECT short_id, status, diverged_at_epoch, (SELECT count(*) FROM epochs) FROM runs").first)
        #expect(run[1] == "diverged")
        #expect(Int(run[3]) == (Int(run[2]) ?? 0) - 1, "the epochs before the diverging one are stored")
        let shown = try sandbox.succeed("show", run[0]).stdout
        #expect(shown.contains("diverged at epoch \(run[2])"))
        #expect(shown.split(separator: "\n").allSatisfy { $0.count < 200 }, "huge weights are printed compactly: \(shown)")
        let listed = try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout).records
        #expect(listed.first?["status"] == "diverged" && listed.first?["diverged_at_epoch"] == run[2], "separate fields: \(listed)")
        let json = try parseJSONRecords(try sandbox.succeed("list", "--format", "json").stdout)
        #expect(json.first?["status"] as? String == "diverged" && (json.first?["diverged_at_epoch"] as? NSNumber)?.stringValue == run[2])
        #expect(try sandbox.succeed("list").stdout.contains("diverged@\(run[2])"), "a table keeps them together")
    }

    @Test("$RUNNER_DB and --db choose the database")
    func databaseChoice() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("tiny")
        try sandbox.succeed("run", spec, "--quiet", environment: ["RUNNER_DB": "env.db"])
        try sandbox.succeed("run", spec, "--quiet", "--db", "flag.db", environment: ["RUNNER_DB": "env.db"])
        #expect(sandbox.contents("runner.db") == nil)
        #expect(try sandbox.sqlite("SELECT count(*) FROM runs", file: "env.db") == [["1"]])
        #expect(try sandbox.sqlite("SELECT count(*) FROM runs", file: "flag.db") == [["1"]])
        let listed = try sandbox.succeed("list", "--format", "csv", environment: ["RUNNER_DB": "env.db"])
        #expect(listed.stdout.split(separator: "\n").count == 2)
    }
}
