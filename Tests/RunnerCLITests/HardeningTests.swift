import Foundation
import Testing

/// The command line's side of issue 12, each case once an attack that worked.
@Suite("hardening: files, pipes and hand edits")
struct CLIHardeningTests {
    /// Runs `script` with bash in the sandbox, `runner` standing for the built binary.
    private func bash(_ script: String, in sandbox: Sandbox) throws -> ProcessResult {
        try runTool("/bin/bash", ["-c", "cd '\(sandbox.url.path)' && runner() { '\(RunnerBinary.url.path)' \"$@\"; } && " + script])
    }

    @Test("read commands never build a schema in an empty file; runner migrate does, on request")
    func emptyFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("runner.db", "")
        // query reads the empty file as it is; list refuses it, saying how to upgrade
        let query = try sandbox.succeed("query", "select 1 as one", "--format", "csv")
        #expect(query.stdout == "one\n1\n")
        for command in [["list"], ["show", "abcd"], ["compare"], ["export", "abcd"], ["plot", "--out", "x.svg"], ["report", "--out", "x.html"]] {
            let result = try RunnerProcess.run(command, in: sandbox.url)
            #expect(result.status == 1 && result.stderr.contains("runner migrate --db runner.db"), "\(command): \(result)")
        }
        #expect(sandbox.contents("runner.db") == Data())
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.url.path) == ["runner.db"])
        // migrate creates the tables, once
        #expect(try sandbox.succeed("migrate").stdout.hasPrefix("runner.db: applied migrations 1, 2"))
        #expect(try sandbox.succeed("migrate").stdout.hasPrefix("runner.db is up to date (schema version"))
        #expect(try sandbox.succeed("list").stderr == "no runs match in runner.db\n")
    }

    @Test("--db on a FIFO or a device is refused at once, leaving no journal", arguments: ["fifo", "/dev/null"])
    func specialFiles(kind: String) throws {
        let sandbox = try Sandbox()
        let path = kind == "fifo" ? "pipe.db" : kind
        if kind == "fifo" { #expect(mkfifo(sandbox.url.appendingPathComponent(path).path, 0o644) == 0) }
        let spec = try sandbox.spec("s")
        for command in [["list", "--db", path], ["run", spec, "--db", path]] {
            let result = try RunnerProcess.run(command, in: sandbox.url, timeout: 10)
            #expect(result.status == 1 && result.stderr.contains("not a regular file"), "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.url.appendingPathComponent(path + "-journal").path))
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
    }

    @Test("plot and report refuse to write over the database or its WAL", arguments: [
        ["plot", "--last", "1", "--out", "runner.svg", "--db", "runner.svg"],
        ["plot", "--last", "1", "--out", "runner.svg-wal.svg", "--db", "runner.svg-wal.svg"],
        ["report", "--last", "1", "--out", "runs.html", "--db", "runs.html"],
    ])
    func outputIsNotTheDatabase(arguments: [String]) throws {
        let sandbox = try Fixture.sandbox()
        let database = arguments.last!
        try FileManager.default.moveItem(at: sandbox.database, to: sandbox.url.appendingPathComponent(database))
        let before = sandbox.contents(database)
        let result = try RunnerProcess.run(arguments, in: sandbox.url)
        #expect(result.status == 1 && result.stderr.contains("it is the database; choose another --out"), "\(result)")
        #expect(sandbox.contents(database) == before)
    }

    @Test("--out under a file says that it is a file, not a missing folder")
    func outputUnderAFile() throws {
        let sandbox = try Fixture.sandbox()
        try sandbox.write("notes", "a file")
        let result = try sandbox.runner("plot", "--last", "1", "--out", "notes/x.svg")
        #expect(result.status == 1 && result.stderr.contains("\(sandbox.url.path)/notes is a file, not a folder; choose another --out"), "\(result)")
    }

    @Test("a spec given twice trains once and says the second repeats the first, whether or not the first is done",
          arguments: ["1", "2"])
    func specGivenTwice(jobs: String) throws {
        let sandbox = try Sandbox()
        // 200 short runs: many of the first copy's are committed before the second copy's claims
        let seeds = "[" + (1...200).map(String.init).joined(separator: ", ") + "]"
        let spec = try sandbox.spec("short", Spec.small(name: "short", points: "40", epochs: "20", hidden: "7", seed: seeds))
        let result = try sandbox.succeed("run", spec, spec, "--jobs", jobs)
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 200)
        #expect(result.stderr.contains("skipped 200 runs repeating an earlier run of this plan") && !result.stderr.contains("already in"), "\(result)")
        #expect(!result.stderr.contains("another runner process"), "\(result)")
        // Run again, both copies are in the database, trained by an earlier process
        let again = try sandbox.succeed("run", spec, spec, "--jobs", jobs)
        #expect(again.stderr.contains("skipped 400 runs already in") && !again.stderr.contains("repeating"), "\(again)")
    }

    @Test("a damaged database is refused by run and left as it was")
    func damagedDatabase() throws {
        let sandbox = try Fixture.sandbox()
        let page = try sandbox.count("SELECT pageno FROM dbstat WHERE pagetype = 'internal' AND pageno > 1 LIMIT 1")
        try #require(page > 1, "the fixture has an interior b-tree page")
        var damaged = try #require(sandbox.contents("runner.db"))
        damaged.replaceSubrange((page - 1) * 4096 + 8..<(page - 1) * 4096 + 12, with: [0x00, 0x0F, 0x42, 0x40])
        try damaged.write(to: sandbox.database)
        let result = try sandbox.runner("run", try sandbox.spec("more"))
        #expect(result.status == 1 && result.stderr.contains("runner.db is damaged (PRAGMA quick_check:"), "\(result)")
        #expect(sandbox.contents("runner.db") == damaged)
    }

    @Test("opening a large file to write says it checks it first; a small one goes on without a word")
    func largeFileCheckAnnounced() throws {
        let sandbox = try Fixture.sandbox()
        let run = try sandbox.scalar("SELECT short_id FROM runs LIMIT 1")
        let quiet = try sandbox.runner("tag", run, "size=small")
        #expect(quiet.status == 0 && quiet.stderr == "tagged 1 run size=small\n", "\(quiet)")
        // 110 MB of a table of someone's own make
        try sandbox.execute("CREATE TABLE padding (data BLOB); INSERT INTO padding VALUES (zeroblob(110000000))")
        let result = try sandbox.runner("tag", run, "size=large")
        #expect(result.status == 0 && result.stderr == """
            runner: checking runner.db (111 MB) for damage before writing to it
            tagged 1 run size=large

            """, "\(result)")
    }

    @Test("timestamps edited into nonsense never crash list or compare")
    func editedTimestamps() throws {
        let sandbox = try Fixture.sandbox()
        try sandbox.execute("""
            DROP TRIGGER runs_timestamps_on_update;
            UPDATE runs SET finished_at = '2026-02-30T25:00:00.000Z', created_at = '2026-1X-29T04:30:00.000Z' WHERE group_name = 'grid';
            """)
        let list = try sandbox.succeed("list", "--format", "csv")
        #expect(list.stdout.split(separator: "\n").count == 6)
        let compare = try sandbox.runner("compare", "--group", "grid")
        #expect(!compare.endedBySignal && (compare.status == 0 || compare.stderr.contains("not a timestamp like")), "\(compare)")
    }

    @Test("a status the schema does not know (its CHECK ignored) is a clear error naming the run and the fix, in every read command")
    func editedStatus() throws {
        let sandbox = try Fixture.sandbox()
        let run = try sandbox.scalar("SELECT id FROM runs WHERE group_name = 'grid' ORDER BY created_at LIMIT 1")
        try sandbox.execute("PRAGMA ignore_check_constraints = 1; UPDATE runs SET status = 'bogus' WHERE id = '\(run)'")
        let message = "run \(run.prefix(8)): column status holds \"bogus\", not one of running, completed, diverged, interrupted, failed; "
            + "correct it with sqlite3 (UPDATE runs SET status = '…' WHERE id = '\(run)')"
        for command in [["list"], ["show", String(run.prefix(8))], ["compare", "--group", "grid"], ["export", String(run.prefix(8))], ["report", "--group", "grid", "--out", "r.html"], ["plot", String(run.prefix(8)), "--out", "p.svg"]] {
            let result = try RunnerProcess.run(command, in: sandbox.url)
            #expect(result.status == 1 && result.stderr.contains(message) && !result.endedBySignal, "\(command): \(result)")
        }
    }

    @Test("a spec edited into something that is not JSON is a clear error when exported")
    func editedSpec() throws {
        let sandbox = try Fixture.sandbox()
        let run = try sandbox.scalar("SELECT id FROM runs ORDER BY created_at LIMIT 1")
        try sandbox.execute("PRAGMA ignore_check_constraints = 1; UPDATE runs SET spec_json = 'not json' WHERE id = '\(run)'")
        let result = try sandbox.runner("export", String(run.prefix(8)), "--what", "spec")
        #expect(result.status == 1 && result.stderr == """
            Error: run \(run.prefix(8)): column spec_json does not hold a JSON object; correct it with sqlite3 (UPDATE runs SET spec_json = '…' WHERE id = '\(run)')

            """, "\(result)")
    }

    @Test("runner run piped into head -1 records what ran, says what it did not start, and exits 141")
    func closedStandardOutput() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("sweep", Spec.small(name: "sweep", points: "200", epochs: "300", seed: "[1, 2, 3, 4, 5, 6]"))
        let result = try bash("runner run sweep.json --jobs 1 2>stderr.txt | head -1; echo \"status ${PIPESTATUS[0]}\"", in: sandbox)
        #expect(result.stdout.hasSuffix("status 141\n"), "\(result)")
        let stderr = String(decoding: sandbox.contents("stderr.txt") ?? Data(), as: UTF8.self)
        #expect(stderr.hasSuffix("runner: interrupted: its output was closed (SIGPIPE); 4 runs not started (run the same command again to train them).\n"), "\(stderr)")
        let statuses = try sandbox.sqlite("SELECT status FROM runs ORDER BY created_at").map { $0[0] }
        #expect(statuses == ["completed", "completed"])
    }

    @Test("output that cannot be written (a full disk, no standard output) fails with exit 1; no standard error is no failure")
    func unwritableOutput() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("tiny", Spec.small(name: "tiny"))
        // Without standard error the run still trains and is recorded.
        let quiet = try bash("runner run tiny.json 2>&-; echo \"status $?\"", in: sandbox)
        #expect(quiet.stdout.hasSuffix("status 0\n"), "\(quiet)")
        #expect(try sandbox.sqlite("SELECT status FROM runs") == [["completed"]])
        let full = try bash("runner list > /dev/full; echo \"status $?\"", in: sandbox)
        #expect(full.stdout == "status 1\n" && full.stderr == "Error: cannot write standard output: No space left on device\n", "\(full)")
        let closed = try bash("runner list >&-; echo \"status $?\"", in: sandbox)
        #expect(closed.stdout == "status 1\n" && closed.stderr == "Error: cannot write standard output: Bad file descriptor\n", "\(closed)")
        // runner run treats output it cannot write as a closed pipe: no run starts without one.
        try sandbox.spec("other", Spec.small(name: "other"))
        let run = try bash("runner run other.json >&-; echo \"status $?\"", in: sandbox)
        #expect(run.stdout == "status 141\n" && run.stderr.contains("its output could not be written (Bad file descriptor); 1 run not started"), "\(run)")
        #expect(try sandbox.sqlite("SELECT count(*) FROM runs") == [["1"]])
        // A full disk found by the last summary line: the run is recorded, and nothing is left to train.
        let last = try bash("runner run other.json > /dev/full; echo \"status $?\"", in: sandbox)
        #expect(last.stdout == "status 141\n" && last.stderr.hasSuffix("(No space left on device); every run had ended and is recorded.\n"), "\(last)")
        #expect(try sandbox.sqlite("SELECT status FROM runs WHERE name = 'other'") == [["completed"]])
        // --version and --help too: the argument parser would print them and exit 0.
        for command in ["runner --version > /dev/full", "runner list --help >&-"] {
            let result = try bash("\(command); echo \"status $?\"", in: sandbox)
            #expect(result.stdout == "status 1\n" && result.stderr.hasPrefix("Error: cannot write standard output"), "\(command): \(result)")
        }
    }

    @Test("--db file:NAME names a file of that name, not an SQLite URI for NAME")
    func databaseNamedLikeAURI() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("tiny")
        try sandbox.succeed("run", "tiny.json", "--db", "file:y.db", "--quiet")
        #expect(sandbox.contents("file:y.db") != nil && sandbox.contents("y.db") == nil)
        #expect(try sandbox.succeed("query", "SELECT count(*) AS n FROM runs", "--db", "file:y.db", "--format", "csv").stdout == "n\n1\n")
        #expect(try sandbox.succeed("list", "--db", "file:y.db", "--format", "csv").stdout.contains("tiny"))
    }

    @Test("a --db that does not exist suggests a database of a similar name beside it")
    func missingDatabaseSuggestsASimilarOne() throws {
        let sandbox = try Fixture.sandbox()
        for arguments in [["list", "--db", "runer.db"], ["tag", "abcd", "k=v", "--db", "runer.db"]] {
            let result = try RunnerProcess.run(arguments, in: sandbox.url)
            #expect(result.status == 1 && result.stderr == "Error: no database at runer.db (run `runner run` to create one); did you mean runner.db?\n", "\(result)")
        }
        let unlike = try sandbox.runner("list", "--db", "elsewhere.db")
        #expect(unlike.status == 1 && unlike.stderr == "Error: no database at elsewhere.db (run `runner run` to create one)\n", "\(unlike)")
    }

    @Test("a spec may come from a pipe; a data file must be a regular file, and is refused saying so")
    func specFromAPipe() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("tiny", Spec.small(name: "piped"))
        let piped = try bash("cat tiny.json | runner run /dev/stdin --quiet && runner run <(cat tiny.json) --quiet --rerun", in: sandbox)
        #expect(piped.status == 0, "\(piped)")
        #expect(try sandbox.sqlite("SELECT name FROM runs") == [["piped"], ["piped"]])
        // Paths in a piped spec are taken from the current folder, a pipe having none.
        let points = (0..<40).map { "\(Double($0) / 40),\(Double($0 % 7) / 7),\($0 % 2)" }.joined(separator: "\n")
        try sandbox.write("points.csv", "x1,x2,label\n" + points + "\n")
        try sandbox.write("csv.json", #"{"name": "from-csv", "data": {"train_csv": "points.csv"}, "training": {"epochs": 2}}"#)
        let csv = try bash("runner run <(cat csv.json) --quiet", in: sandbox)
        #expect(csv.status == 0, "\(csv)")
        #expect(try sandbox.count("SELECT count(*) FROM runs WHERE name = 'from-csv'") == 1)
        let missing = try bash(#"runner run <(echo '{"data": {"train_csv": "nope.csv"}}')"#, in: sandbox)
        #expect(missing.status == 1 && missing.stderr.contains("(\"nope.csv\" resolved against the current folder \(sandbox.url.path))"), "\(missing)")
        let endless = try bash("yes | runner run /dev/stdin", in: sandbox)
        #expect(endless.status == 1 && endless.stderr.contains("the pipe could not be read to its end, or holds more than 64 MB"), "\(endless)")
        try sandbox.write("device.json", #"{"data": {"train_csv": "/dev/zero"}, "training": {"epochs": 1}}"#)
        let device = try sandbox.runner("run", "device.json")
        #expect(device.status == 1 && device.stderr.contains("/dev/zero: it is a character device, not a regular file; save it to a file first"), "\(device)")
    }

    @Test("an argument that is not UTF-8 is refused before anything is stored")
    func argumentsThatAreNotUTF8() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("tiny", Spec.small(name: "tiny"))
        try sandbox.succeed("run", "tiny.json", "--quiet")
        let before = sandbox.databaseSnapshot()
        let result = try bash("runner tag $(runner list -q --limit 1) $'key=a\\xffb'; echo \"status $?\"", in: sandbox)
        #expect(result.stdout == "status 64\n", "\(result)")
        #expect(result.stderr.contains("argument 3 (key=a\\xFFb) is not valid UTF-8"), "\(result)")
        #expect(sandbox.databaseSnapshot() == before)
    }

    @Test("with SIGPIPE ignored, a closed progress pipe stops the run, recorded as interrupted, without a crash")
    func closedStandardErrorWithSIGPIPEIgnored() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("long", Spec.small(name: "long", points: "200", epochs: "20000", seed: "[1, 2]"))
        let result = try bash("(trap '' PIPE; runner run long.json --jobs 1 2>&1 >/dev/null | head -2; echo \"status ${PIPESTATUS[0]}\")", in: sandbox)
        #expect(result.stdout.hasSuffix("status 141\n") && !result.stdout.contains("Fatal error"), "\(result)")
        let runs = try sandbox.sqlite("SELECT status, error_message FROM runs")
        #expect(runs == [["interrupted", "interrupted: its output was closed (SIGPIPE)"]])
    }

    @Test("query reads PRAGMA journal_mode, takes SQL that starts with a comment, and stops at --timeout")
    func queryEdges() throws {
        let sandbox = try Fixture.sandbox()
        #expect(try sandbox.succeed("query", "PRAGMA journal_mode", "--format", "csv").stdout == "journal_mode\nwal\n")
        #expect(try sandbox.succeed("query", "-- the count\nSELECT count(*) AS n FROM runs", "--format", "csv").stdout == "n\n5\n")
        let comment = try sandbox.runner("query", "-- nothing")
        #expect(comment.status == 1 && comment.stderr.contains("it holds no SQL statement, only blanks or comments"), "\(comment)")
        let endless = try sandbox.runner("query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", "--timeout", "0.3")
        #expect(endless.status == 1 && endless.stderr.contains("time limit of 0.3 s"), "\(endless)")
    }
}
