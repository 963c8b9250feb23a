import Foundation
import Testing

/// A 12-run sweep: 2 hidden sizes × 2 learning rates × 3 seeds.
private let sweepSpec = Spec.small(name: "grid", points: "60", epochs: "8", hidden: "[3, 5]", learningRate: "[0.05, 0.2]", seed: "[1, 2, 3]")

extension Sandbox {
    /// Every run of `file` (of `status`, when given) by name: status, every epoch's metrics to the
    /// last digit and every weight's bits.
    func fingerprints(file: String = "runner.db", status: String? = nil) throws -> [String: String] {
        let rows = try sqlite("""
            SELECT r.name, r.status,
              (SELECT group_concat(epoch || ':' || printf('%.17g|%.17g|%.17g|%.17g', train_loss, train_accuracy,
                                   validation_loss, validation_accuracy), ',')
                 FROM (SELECT * FROM epochs e WHERE e.run_id = r.id ORDER BY epoch)),
              (SELECT group_concat(tensor || row || '.' || col || '=' || bits, ',')
                 FROM (SELECT * FROM weights w WHERE w.run_id = r.id ORDER BY tensor, row, col))
            FROM runs r WHERE \(status.map { "r.status = '\($0)'" } ?? "1")
            """, file: file)
        return Dictionary(rows.map { ($0[0], $0[1...].joined(separator: " ")) }, uniquingKeysWith: { a, _ in a })
    }

    /// Trains `spec`, then makes its first `count` runs ones that a live process (this test's,
    /// as far as runner can tell) is still training, short ids `eeee0000`, `eeee0001`, …, with
    /// the epochs they had.
    func holdRuns(of spec: String, first count: Int = 1) throws {
        for (index, id) in try runSpec(spec).prefix(count).enumerated() {
            try insertRunningCopy(of: id, as: "eeee000\(index)-0000-4000-8000-000000000000", withEpochs: true)
            try sqlite("DELETE FROM runs WHERE id = '\(id)'")
        }
    }

    /// Starts `runner run spec --jobs jobs` with its first `held` runs held by a live process
    /// (`holdRuns`), as a task's runs in flight are, and once it waits for them, makes that
    /// process one that has exited: the runs are then found abandoned late.
    func runFindingHeldRunsAbandoned(_ spec: String, held: Int, jobs: Int) throws -> RunnerProcess {
        try holdRuns(of: spec, first: held)
        let run = try start("run", spec, "--jobs", String(jobs))
        #expect(run.waitForStandardError(containing: "another runner process is training \(held) runs of this plan", timeout: 60))
        let gone = try runTool("/bin/sh", ["-c", "/bin/true & echo $!"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try sqlite("UPDATE runs SET pid = \(gone) WHERE status = 'running'")
        return run
    }

    /// The SHA-256 of a file in the sandbox, to show it did not change.
    func digest(_ name: String) throws -> String {
        try runTool("/usr/bin/sha256sum", [url.appendingPathComponent(name).path]).stdout
    }
}

@Suite("scaling out: jobs, skipping, shards and merge", .serialized)
struct ScalingTests {
    @Test("--jobs 3 gives every run the bits of --jobs 1")
    func jobsAreBitIdentical() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", sweepSpec)
        try sandbox.succeed("run", spec, "--jobs", "1", "--db", "one.db")
        let parallel = try sandbox.succeed("run", spec, "--jobs", "3", "--db", "three.db")
        let one = try sandbox.fingerprints(file: "one.db")
        #expect(one.count == 12 && one.values.allSatisfy { $0.hasPrefix("completed 1:") && $0.contains("bo0.0=") })
        #expect(try sandbox.fingerprints(file: "three.db") == one)
        #expect(parallel.stdout.split(separator: "\n").count == 12, "a summary line per run: \(parallel.stdout)")
        #expect(try sandbox.sqlite("SELECT count(DISTINCT created_at), count(*) FROM runs", file: "three.db") == [["12", "12"]])
        // Runs train while they are claimed: a run's duration is still its training's, never
        // shorter than the time its last epoch ended at (timestamps keep whole milliseconds).
        for file in ["one.db", "three.db"] {
            let short = try sandbox.sqlite("""
                SELECT s.name, s.duration_seconds, max(e.elapsed_seconds) FROM run_summary s JOIN epochs e ON e.run_id = s.id
                GROUP BY s.id HAVING s.duration_seconds + 0.002 < max(e.elapsed_seconds)
                """, file: file)
            #expect(short.isEmpty, "\(file): \(short)")
        }
    }

    @Test("a finished experiment is skipped, --rerun trains it again, an interrupted one is trained again")
    func skipping() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", sweepSpec)
        try sandbox.succeed("run", spec, "--quiet")
        let again = try sandbox.succeed("run", spec)
        #expect(again.stderr.contains("skipped 12 runs already in runner.db (--rerun to train them again)"), "\(again.stderr)")
        #expect(again.stdout.isEmpty)
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 12)

        // A run recorded as interrupted is trained again; its old row stays as history.
        try sandbox.sqlite("""
            UPDATE runs SET status = 'interrupted', error_message = 'interrupted by SIGINT (Ctrl-C)'
            WHERE name = 'grid hidden=3 learning_rate=0.05 seed=1'
            """)
        let resumed = try sandbox.succeed("run", spec)
        #expect(resumed.stderr.contains("skipped 11 runs"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("grid hidden=3 learning_rate=0.05 seed=1  completed"))
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 13)

        try sandbox.succeed("run", spec, "--rerun", "--quiet")
        #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status = 'completed'") == 24)
    }

    @Test("a run another live process trains is waited for: done there, it is not trained here; its process gone, it is")
    func waitsForRunsHeldElsewhere() throws {
        for processGone in [false, true] {
            let sandbox = try Sandbox()
            let spec = try sandbox.spec("pair", Spec.small(name: "pair", epochs: "3", seed: "[1, 2]"))
            try sandbox.holdRuns(of: spec)
            let run = try sandbox.start("run", spec)
            let waiting = "runner: another runner process is training 1 run of this plan: waiting for it to end"
            #expect(run.waitForStandardError(containing: waiting, timeout: 60))
            if processGone {
                // The pid of a process that has exited.
                let gone = try runTool("/bin/sh", ["-c", "/bin/true & echo $!"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                try sandbox.sqlite("UPDATE runs SET pid = \(gone) WHERE status = 'running'")
            } else {
                try sandbox.sqlite("UPDATE runs SET status = 'completed', finished_at = heartbeat_at WHERE status = 'running'")
            }
            let result = run.wait(timeout: 60)
            #expect(result.status == 0 && !result.timedOut, "\(result)")
            #expect(result.stderr.contains("skipped 1 run already in runner.db"), "\(result.stderr)")
            if processGone {
                #expect(result.stdout.contains("pair seed=1  completed"), "\(result)")
                // Counted once: not as skipped first, then as trained.
                #expect(result.stderr.contains("[2/2]") && !result.stderr.contains("[3/2]"), "\(result.stderr)")
                #expect(try sandbox.sqlite("SELECT status FROM runs WHERE short_id = 'eeee0000'") == [["interrupted"]])
                #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status = 'completed'") == 2)
            } else {
                #expect(result.stdout.isEmpty && result.stderr.contains("skipped 1 run that another runner process trained meanwhile"), "\(result)")
                #expect(try sandbox.count("SELECT count(*) FROM runs") == 2)
            }
        }
    }

    @Test("Ctrl-C while waiting for a run held elsewhere names it and says what to do")
    func interruptedWhileWaiting() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("pair", Spec.small(name: "pair", epochs: "3", seed: "[1, 2]"))
        try sandbox.holdRuns(of: spec)
        let run = try sandbox.start("run", spec)
        #expect(run.waitForStandardError(containing: "another runner process is training 1 run of this plan", timeout: 60))
        run.send(SIGINT)
        let result = run.wait(timeout: 60)
        #expect(result.status == 130, "\(result)")
        #expect(result.stderr.contains("; 1 run left to the other runner process training it "
            + "(run the same command again once that process has ended, to train any it leaves).\n"), "\(result.stderr)")
        #expect(try sandbox.sqlite("SELECT status FROM runs WHERE short_id = 'eeee0000'") == [["running"]], "left to its process")
    }

    @Test("runs found abandoned after the wait train --jobs at a time, as a dead task's runs in flight would")
    func abandonedRunsTrainTogether() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("pair", Spec.small(name: "pair", epochs: "2000", seed: "[1, 2]"))
        let run = try sandbox.runFindingHeldRunsAbandoned(spec, held: 2, jobs: 2)
        let result = run.wait(timeout: 120)
        #expect(result.status == 0 && !result.timedOut, "\(result)")
        let spans = try sandbox.sqlite("SELECT started_at, finished_at FROM runs WHERE status = 'completed' ORDER BY started_at")
        try #require(spans.count == 2, "\(spans)")
        // Trained one after the other, the second would start after the first ended.
        #expect(spans[1][0] < spans[0][1], "\(spans)")
    }

    @Test("Ctrl-C while runs found abandoned late train: the runs not started are ended at once, none left running")
    func interruptedLateRuns() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("trio", Spec.small(name: "trio", epochs: "30000", seed: "[1, 2, 3]"))
        let run = try sandbox.runFindingHeldRunsAbandoned(spec, held: 3, jobs: 1)
        // Once the first of the three, claimed together, has epochs stored, the other two wait for the one thread
        // (30,000 epochs: a run that ended before this test saw its epochs would leave it nothing to interrupt).
        let newEpochs = "SELECT count(*) FROM epochs JOIN runs ON runs.id = epochs.run_id WHERE short_id NOT LIKE 'eeee%'"
        let deadline = Date().addingTimeInterval(60)
        while try sandbox.count(newEpochs) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        run.send(SIGINT)
        let result = run.wait(timeout: 60)
        #expect(result.status == 130, "\(result)")
        let ended = try sandbox.sqlite("""
            SELECT status, (SELECT count(*) FROM epochs WHERE run_id = runs.id) FROM runs WHERE short_id NOT LIKE 'eeee%' ORDER BY 2
            """)
        // Trained one at a time, the last (or last two) had not started: ended without an epoch
        // (they used to train one first).
        #expect(ended.count == 3 && ended.contains { $0[1] == "0" } && !ended.contains { $0[1] == "1" }, "\(ended)")
        #expect(ended.filter { $0[1] == "0" }.allSatisfy { $0[0] == "interrupted" }, "\(ended)")
        #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status = 'running'") == 0)
    }

    @Test("edited start weights are another experiment: trained, not skipped; the old run's rerun says the file changed")
    func editedStartWeights() throws {
        let sandbox = try Sandbox()
        try sandbox.write("start.json", #"{"Wi": [[1, 2], [3, 4]], "bi": [0, 0], "Wo": [1, 1], "bo": 0}"#)
        let spec = try sandbox.spec("from-file", #"{"data": {"points": 40}, "model": {"start_weights": "start.json"}, "training": {"epochs": 3}}"#)
        try sandbox.succeed("run", spec, "--quiet")
        let first = try sandbox.sqlite("SELECT short_id FROM runs")[0][0]
        #expect(try sandbox.succeed("run", spec).stderr.contains("skipped 1 run already in runner.db"))

        try sandbox.write("start.json", #"{"Wi": [[-5, 5], [5, -5]], "bi": [1, 1], "Wo": [-1, 1], "bo": 2}"#)
        let edited = try sandbox.succeed("run", spec)
        #expect(edited.stdout.contains("from-file  completed") && !edited.stderr.contains("skipped"), "\(edited)")
        #expect(try sandbox.count("SELECT count(DISTINCT spec_hash) FROM runs") == 2)
        let rerun = try sandbox.runner("rerun", first)
        #expect(rerun.status == 1 && rerun.stderr.contains("the start weights \(sandbox.url.path)/start.json have changed"), "\(rerun)")
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 2, "the refused rerun recorded nothing")
    }

    @Test("two processes on one sweep and one database share the work: each run trained once")
    func processesShareTheWork() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", points: "200", epochs: "40", hidden: "[3, 5]", learningRate: "[0.05, 0.2]", seed: "[1, 2, 3]"))
        let first = try sandbox.start("run", spec, "--jobs", "1")
        let second = try sandbox.start("run", spec, "--jobs", "1")
        let results = [first.wait(timeout: 120), second.wait(timeout: 120)]
        #expect(results.allSatisfy { $0.status == 0 && !$0.timedOut }, "\(results)")
        #expect(try sandbox.sqlite("SELECT count(*), count(DISTINCT spec_hash) FROM runs WHERE status = 'completed'") == [["12", "12"]])
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 12, "no run trained twice")
    }

    @Test("shards cover the plan once and merge into the bits of a local run; merging again changes nothing")
    func shardsAndMerge() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", sweepSpec)
        try sandbox.succeed("run", spec, "--db", "local.db", "--quiet")
        for index in 0..<3 {
            try sandbox.succeed("run", spec, "--shard", "\(index)/3", "--jobs", "2", "--db", "shard-\(index).db", "--quiet")
            // Shard i trains positions i, i+3, i+6, i+9 and gives out short ids ≡ i mod 3.
            let ids = try sandbox.sqlite("SELECT short_id FROM runs", file: "shard-\(index).db").map { $0[0] }
            #expect(ids.count == 4 && ids.allSatisfy { Int($0, radix: 16)! % 3 == index })
        }
        let before = try (0..<3).map { try sandbox.digest("shard-\($0).db") }
        let merged = try sandbox.succeed("merge", "shard-0.db", "shard-1.db", "shard-2.db", "--db", "merged.db")
        #expect(merged.stdout.contains("shard-0.db: 4 added, 0 updated, 0 unchanged (2 data sets added)"), "\(merged.stdout)")
        #expect(merged.stdout.contains("shard-2.db: 4 added, 0 updated, 0 unchanged\n"), "the data sets are shared: \(merged.stdout)")
        #expect(merged.stderr.isEmpty, "\(merged.stderr)")
        #expect(try sandbox.fingerprints(file: "merged.db") == sandbox.fingerprints(file: "local.db"))
        #expect(try sandbox.sqlite("SELECT count(DISTINCT created_at), count(*) FROM runs", file: "merged.db") == [["12", "12"]])
        #expect(try sandbox.sqlite("PRAGMA integrity_check", file: "merged.db") == [["ok"]])
        #expect(try (0..<3).map { try sandbox.digest("shard-\($0).db") } == before, "sources are never changed")
        // The merged runs were made in another order (shard by shard); their aggregate reads the same.
        let aggregate = ["compare", "--group", "grid", "--aggregate", "--format", "csv"]
        #expect(try sandbox.succeed(aggregate + ["--db", "merged.db"]).stdout == sandbox.succeed(aggregate + ["--db", "local.db"]).stdout)
        // Their mean learning curves too, to the byte.
        for file in ["merged", "local"] { try sandbox.succeed("plot", "--group", "grid", "--db", "\(file).db", "--out", "\(file).svg") }
        #expect(sandbox.contents("merged.svg") != nil && sandbox.contents("merged.svg") == sandbox.contents("local.svg"))
        #expect(sandbox.contents("shard-0.db-wal") == nil && sandbox.contents("shard-0.db-shm") == nil, "nor given a WAL")

        let again = try sandbox.succeed("merge", "shard-0.db", "--db", "merged.db")
        #expect(again.stdout == "shard-0.db: nothing to merge, its 4 runs are already in merged.db\n")
        // What is merged counts as done: running the sweep on the merged file trains nothing.
        #expect(try sandbox.succeed("run", spec, "--db", "merged.db").stderr.contains("skipped 12 runs"))
        // The same study trained apart (other run ids): copied, and said to repeat what is there.
        let twice = try sandbox.succeed("merge", "local.db", "--db", "merged.db")
        #expect(twice.stdout == "local.db: 12 added, 0 updated, 0 unchanged\n", "\(twice)")
        #expect(twice.stderr.contains("runner: 12 of the runs added from local.db repeat experiments that other runs in merged.db also finished"), "\(twice)")
    }

    @Test("merging a shard that was still training, then the finished one, brings its runs up to date")
    func mergeUpdatesOlderRuns() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("grid", sweepSpec), "--db", "shard.db", "--quiet")
        let id = try sandbox.sqlite("SELECT short_id FROM runs WHERE name = 'grid hidden=5 learning_rate=0.2 seed=3'", file: "shard.db")[0][0]
        try sandbox.succeed("tag", id, "wrong=1", "--db", "shard.db")
        // The state a merge sees while the shard trains: a run still running, with 3 of its 8 epochs.
        try sandbox.sqlite("VACUUM INTO '\(sandbox.url.path)/midway.db'", file: "shard.db")
        try sandbox.sqlite("""
            PRAGMA foreign_keys = ON;
            UPDATE runs SET status = 'running', finished_at = NULL, final_train_loss = NULL, final_train_accuracy = NULL,
                final_validation_loss = NULL, final_validation_accuracy = NULL WHERE name = 'grid hidden=5 learning_rate=0.2 seed=3';
            DELETE FROM epochs WHERE epoch > 3 AND run_id = (SELECT id FROM runs WHERE status = 'running');
            DELETE FROM weights WHERE run_id = (SELECT id FROM runs WHERE status = 'running');
            """, file: "midway.db")
        try sandbox.succeed("merge", "midway.db", "--db", "target.db")
        #expect(try sandbox.sqlite("SELECT status, (SELECT count(*) FROM epochs WHERE run_id = runs.id) FROM runs WHERE name LIKE '%hidden=5 learning_rate=0.2 seed=3'", file: "target.db") == [["running", "3"]])
        // What the user writes on the run in the target meanwhile stays.
        try sandbox.succeed("tag", id, "--remove", "wrong", "--db", "target.db")
        try sandbox.succeed("note", id, "keep me", "--db", "target.db")
        let update = try sandbox.succeed("merge", "shard.db", "--db", "target.db")
        #expect(update.stdout.contains("shard.db: 0 added, 1 updated, 11 unchanged"), "\(update.stdout)")
        #expect(try sandbox.fingerprints(file: "target.db") == sandbox.fingerprints(file: "shard.db"))
        #expect(try sandbox.sqlite("SELECT status, note, (SELECT count(*) FROM run_tags WHERE run_id = runs.id) FROM runs WHERE short_id = '\(id)'", file: "target.db")
            == [["completed", "keep me", "0"]])
        // Every finished run is summarized (migration 0007), the updated one with its 8 epochs.
        let summaries = "SELECT * FROM run_epoch_summaries ORDER BY run_id"
        #expect(try sandbox.sqlite(summaries, file: "target.db") == sandbox.sqlite(summaries, file: "shard.db"))
        #expect(try sandbox.sqlite("SELECT count(*), sum(epochs_completed) FROM run_epoch_summaries", file: "target.db") == [["12", "96"]])
    }

    @Test("bad sources are refused before anything is written")
    func badMergeSources() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("tiny"), "--db", "good.db", "--quiet")
        try sandbox.succeed("run", try sandbox.spec("other", Spec.small(name: "other", seed: "9")), "--quiet")
        let target = sandbox.databaseSnapshot()
        try sandbox.write("notes.db", "these are not runs")
        try sandbox.sqlite("VACUUM INTO '\(sandbox.url.path)/newer.db'", file: "good.db")
        try sandbox.sqlite("INSERT INTO schema_migrations VALUES (999, 'future', 'x', '2030-01-01T00:00:00.000Z')", file: "newer.db")
        try sandbox.sqlite("CREATE TABLE t (x)", file: "other-program.db")
        var damaged = try #require(sandbox.contents("good.db"))
        damaged.replaceSubrange(4096..<7096, with: Data(repeating: 0xA5, count: 3000))
        try damaged.write(to: sandbox.url.appendingPathComponent("damaged.db"))
        #expect(mkfifo(sandbox.url.appendingPathComponent("pipe.db").path, 0o644) == 0)
        let cases: [(String, String)] = [
            ("missing.db", "missing.db cannot be merged: there is no such file (check the path); nothing of it was merged"),
            ("notes.db", "notes.db cannot be merged: it is not a runner database (it does not start with the SQLite header)"),
            ("newer.db", "newer.db was written by a newer runner"),
            ("other-program.db", "other-program.db cannot be merged: it is not a runner database (it holds tables but no schema_migrations table"),
            ("damaged.db", "damaged.db cannot be merged: it is not a runner database"),
            ("pipe.db", "pipe.db cannot be merged: it is not a runner database (it is a FIFO"),
        ]
        for (source, message) in cases {
            let result = try sandbox.runner("merge", "good.db", source)
            #expect(result.status != 0 && result.stderr.contains(message), "\(source): \(result)")
            #expect(!result.stderr.contains("--db"), "advice for the target, not the source: \(result)")
            #expect(result.stdout.isEmpty, "good.db is not merged either: \(result.stdout)")
            #expect(sandbox.databaseSnapshot() == target, "\(source): the target is unchanged")
        }
        // The target alone as a source is refused; among others (`merge *.db`) it is left out.
        let itself = try sandbox.runner("merge", "runner.db")
        #expect(itself.status != 0 && itself.stderr.contains("runner.db cannot be merged: it is the target database itself"), "\(itself)")
        #expect(sandbox.databaseSnapshot() == target)
        let glob = try sandbox.succeed("merge", "good.db", "runner.db")
        #expect(glob.stderr == "runner: leaving out runner.db, the target, from the sources\n" && glob.stdout.hasPrefix("good.db: 1 added"), "\(glob)")
        // A bad source is found before the target is even created.
        let fresh = try sandbox.runner("merge", "good.db", "notes.db", "--db", "new.db")
        #expect(fresh.status != 0 && sandbox.contents("new.db") == nil, "\(fresh)")
    }

    @Test("a source with a row its checks were turned off for is refused by name; a new target is left empty")
    func sourceBreakingRules() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("tiny"), "--db", "edited.db", "--quiet")
        try sandbox.sqlite("PRAGMA ignore_check_constraints = 1; UPDATE runs SET status = 'bogus'", file: "edited.db")
        let before = sandbox.contents("edited.db")
        let result = try sandbox.runner("merge", "edited.db", "--db", "new.db")
        #expect(result.status == 1 && result.stderr.hasPrefix("""
            runner: new.db was created for this merge and holds no runs
            Error: edited.db cannot be merged: a row breaks the schema's rules (CHECK constraint failed: 
            """), "\(result)")
        #expect(try sandbox.count("SELECT count(*) FROM runs", file: "new.db") == 0)
        #expect(sandbox.contents("edited.db") == before)
        // A timestamp that is not a real instant (written before migration 0006's triggers) too.
        try sandbox.succeed("run", try sandbox.spec("tiny"), "--db", "old.db", "--quiet")
        try sandbox.sqlite("DROP TRIGGER runs_timestamps_on_update; UPDATE runs SET created_at = '2026-02-30T25:00:00.000Z'", file: "old.db")
        let instant = try sandbox.runner("merge", "old.db", "--db", "new.db")
        #expect(instant.status == 1 && instant.stderr.hasPrefix("Error: old.db cannot be merged: a row breaks the schema's rules (runs: created_at"), "\(instant)")
    }

    @Test("a run whose short id another run of the target holds is not copied, and said so")
    func shortIDTakenInTarget() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("tiny"), "--db", "target.db", "--quiet")
        try sandbox.succeed("run", try sandbox.spec("other", Spec.small(name: "other", seed: "2")), "--db", "source.db", "--quiet")
        // The one-in-four-billion case, by hand: the source's run takes the target run's short id.
        let taken = try sandbox.scalar("SELECT short_id FROM runs", file: "target.db")
        let old = try sandbox.scalar("SELECT id FROM runs", file: "source.db")
        let clash = taken + old.dropFirst(8)
        try sandbox.sqlite(["runs SET short_id = '\(taken)', id", "epochs SET run_id", "weights SET run_id", "run_epoch_summaries SET run_id"]
            .map { "UPDATE \($0) = '\(clash)';" }.joined(), file: "source.db")
        // Exit 1, so that `runner merge source.db --db target.db && rm source.db` keeps it.
        let merged = try sandbox.runner("merge", "source.db", "--db", "target.db")
        #expect(merged.status == 1 && merged.stdout == "source.db: 0 added, 0 updated, 0 unchanged\n", "\(merged)")
        #expect(merged.stderr == """
            runner: 1 run of source.db was not copied: its short id belongs to another run of target.db (\(clash)); \
            it stays in source.db alone, so keep that file

            """, "\(merged)")
        #expect(try sandbox.sqlite("SELECT id, name FROM runs", file: "target.db").map(\.[1]) == ["tiny"])
        // A shard whose task had no runs to train.
        try sandbox.succeed("run", try sandbox.spec("tiny"), "--shard", "1/2", "--db", "empty.db", "--quiet")
        #expect(try sandbox.succeed("merge", "empty.db", "--db", "target.db").stdout == "empty.db: nothing to merge, it holds no runs\n")
    }

    @Test("bad --jobs and --shard values are one-line errors (exit 64) and write nothing")
    func badOptions() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("tiny")
        for (options, message) in [
            (["--jobs", "0"], "--jobs must be at least 1"),
            (["--shard", "3/3"], "--shard 3/3: shards of 3 are numbered 0 to 2"),
            (["--shard", "x"], "--shard expects i/n with whole numbers"),
            (["--shard", "1/2147483648"], "--shard 1/2147483648: at most 1,000,000 shards"),
            (["--shard", "1/0"], "--shard 1/0: the number of shards n must be at least 1"),
            (["--shard=0/-1"], "--shard 0/-1: the number of shards n must be at least 1"),
            // negative numbers are values, not options
            (["--jobs", "-1"], "--jobs must be at least 1, got -1"),
            (["--shard", "-1/3"], "--shard -1/3: shards of 3 are numbered 0 to 2"),
        ] {
            let result = try RunnerProcess.run(["run", spec] + options, in: sandbox.url)
            #expect(result.status == 64 && result.stderr.hasPrefix("Error: \(message)"), "\(options): \(result)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.database.path))
        }
    }

    @Test("--skip-positions passes over the listed runs of its shard; a bad list is named by file and line, and nothing is written")
    func skippedPositions() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", sweepSpec)
        // Positions 0 and 4 are shard 0/2's; 3 is shard 1/2's, so shard 0 passes over two runs.
        try sandbox.write("done.txt", "# runs done elsewhere\n0\n\n  4 \n3\n")
        let run = try sandbox.succeed("run", spec, "--shard", "0/2", "--skip-positions", "done.txt", "--jobs", "2", "--quiet")
        #expect(run.stderr.contains("skipped 2 runs listed in done.txt\n"), "\(run)")
        let names = Set(try sandbox.sqlite("SELECT name FROM runs").map { $0[0] })
        #expect(names.count == 4 && !names.contains("grid hidden=3 learning_rate=0.05 seed=1") && !names.contains("grid hidden=3 learning_rate=0.2 seed=2"), "\(names)")
        try FileManager.default.removeItem(at: sandbox.database)

        for (list, message) in [
            ("0\n12\n", "done.txt:2: expected a position of the plan's 12 runs (0 to 11), found '12'"),
            ("# fine\nx\n", "done.txt:2: expected a position of the plan's 12 runs (0 to 11), found 'x'"),
            ("-1\n", "done.txt:1: expected a position of the plan's 12 runs (0 to 11), found '-1'"),
        ] {
            try sandbox.write("done.txt", list)
            let refused = try sandbox.runner("run", spec, "--skip-positions", "done.txt")
            #expect(refused.status == 1 && refused.stderr.hasPrefix("Error: --skip-positions: \(message)"), "\(list): \(refused)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.database.path))
        }
        let missing = try sandbox.runner("run", spec, "--skip-positions", "nowhere.txt")
        #expect(missing.status == 1 && missing.stderr.hasPrefix("Error: --skip-positions: cannot read nowhere.txt: no such file\n"), "\(missing)")
        let folder = try sandbox.runner("run", spec, "--skip-positions", ".")
        #expect(folder.status == 1 && folder.stderr.hasPrefix("Error: --skip-positions: . is a folder, not a file of positions"), "\(folder)")
        // Lines may end in CRLF, as a file saved on Windows does.
        try sandbox.write("done.txt", "0\r\n4\r\n")
        let crlf = try sandbox.succeed("run", spec, "--shard", "0/2", "--skip-positions", "done.txt", "--quiet")
        #expect(crlf.stderr.contains("skipped 2 runs listed in done.txt\n"), "\(crlf)")
    }

    @Test("a plan too large for memory is refused before anything runs")
    func tooLargeForMemory() throws {
        let sandbox = try Sandbox()
        let features = (0..<20_000).map { _ in "0.5" }.joined(separator: ",")
        try sandbox.write("wide.csv", (0..<3).map { "\(features),\($0 % 2 == 0 ? 1 : -1)" }.joined(separator: "\n") + "\n")
        try sandbox.spec("wide", #"{"data": {"train_csv": "wide.csv", "validation_fraction": null}, "model": {"hidden": 100000}}"#)
        let result = try sandbox.runner("run", "wide.json")
        #expect(result.status == 1 && result.stderr.contains("20000 inputs × 100000 hidden units") && result.stderr.contains("of memory"), "\(result)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.database.path))
    }

    @Test("a plan whose data take long to prepare says so before it starts on them")
    func largeDataAnnounced() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("big", #"{"name": "big", "data": {"generator": "moons", "points": 1500000, "seed": [1, 2]}}"#)
        for command in [["run", "big.json"], ["slurm", "big.json", "--tasks", "2"]] {
            let runner = RunnerProcess(command, in: sandbox.url)
            try runner.start()
            let result = runner.wait(timeout: 4)  // stopped while the data are still being made
            #expect(result.stderr.hasPrefix(
                "runner: preparing 2 data sets (3,000,000 generated points) to check them first\n"), "\(command): \(result)")
        }
    }

    @Test("--jobs defaults to the processors this process may use, so taskset and Slurm's --cpus-per-task are honoured")
    func jobsFollowTheAffinityMask() throws {
        let help = try runTool("/usr/bin/taskset", ["-c", "0", RunnerBinary.url.path, "run", "--help"])
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("(default: the processors this process may use, 1 here)"), "\(help)")
    }
}
