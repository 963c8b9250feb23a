import Foundation
import Testing

extension Sandbox {
    /// The exact bits of a run's final weights, in a fixed order.
    func weightBits(_ id: String) throws -> [String] {
        try sqlite("SELECT tensor || row || ',' || col || ':' || bits FROM weights WHERE run_id = '\(id)' ORDER BY tensor, row, col").map { $0[0] }
    }

    /// How many rows each table of the store holds.
    func tableCounts() throws -> [String: Int] {
        let tables = ["runs", "epochs", "weights", "run_tags", "datasets", "dataset_points", "spec_sources"]
        return Dictionary(uniqueKeysWithValues: try tables.map { ($0, try count("SELECT count(*) FROM \($0)")) })
    }
}

@Suite("a stored run is a recipe")
struct RecipeTests {
    @Test("progress in a pipe is a start line and a line every tenth of the epochs, the first ones included")
    func lineProgress() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.succeed("run", try sandbox.spec("tenth", Spec.small(name: "tenth", epochs: "50", seed: "[1, 2]")), "--jobs", "1")
        for name in ["tenth seed=1", "tenth seed=2"] {
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("[") && $0.hasSuffix(" \(name): training 50 epochs") }.count == 1)
            let epochs = result.stderr.split(separator: "\n").filter { $0.contains(" \(name): epoch ") }.map {
                $0.split(separator: " ").first { $0.hasSuffix("/50") }.map(String.init) ?? "?"
            }
            #expect(epochs == (1...10).map { "\($0 * 5)/50" }, "\(name): \(result.stderr)")
        }
    }

    @Test("an exported spec runs again, with the same name, group and weight bits")
    func exportRoundTrip() throws {
        let sandbox = try Sandbox()
        let ids = try sandbox.runSpec(try sandbox.spec("grid", Spec.small(name: "grid", hidden: "[2, 3]")))
        #expect(ids.count == 2)
        let original = try sandbox.scalar("SELECT id FROM runs WHERE name = 'grid hidden=3'")
        let spec = try sandbox.succeed("export", original, "--what", "spec").stdout
        try sandbox.write("again.json", spec)
        // The same experiment is in the database already: --rerun trains it anyway.
        let skipped = try sandbox.succeed("run", "again.json", "--quiet")
        #expect(skipped.stderr.contains("skipped 1 run already in"), "\(skipped)")
        try sandbox.succeed("run", "again.json", "--quiet", "--rerun")
        let again = try sandbox.existingRunIDs().filter { !ids.contains($0) }
        #expect(again.count == 1)
        #expect(try sandbox.weightBits(again[0]) == sandbox.weightBits(original))
        #expect(!(try sandbox.weightBits(original)).isEmpty)
        let rows = try sandbox.sqlite("SELECT name, group_name, spec_hash FROM runs WHERE id IN ('\(original)', '\(again[0])')")
        #expect(rows.count == 2 && rows[0] == rows[1], "same name, group and resolved spec: \(rows)")
        #expect(rows[0][0] == "grid hidden=3")
    }

    @Test("run_name and swept describe one run: with a list they are an error")
    func singleRunKeys() throws {
        let sandbox = try Sandbox()
        let spec = """
            {"run_name": "x", "swept": [{"field": "model.hidden", "key": "hidden", "value": "3"}], "model": {"hidden": [2, 3]}}
            """
        let result = try sandbox.runner("run", try sandbox.write("both.json", spec))
        #expect(result.status != 0)
        #expect(result.stderr.contains("both.json:1:14: $.run_name: 'run_name' describes a single run, but this spec sweeps"), "\(result.stderr)")
        #expect(result.stderr.contains("$.swept: 'swept' describes a single run"))
        let wrong = try sandbox.runner("run", try sandbox.write("wrong.json", #"{"swept": [{"field": "model.hiden", "key": "hidden", "value": "3"}]}"#))
        #expect(wrong.stderr.contains("$.swept[0].field: expected the path of a spec field such as training.learning_rate, found \"model.hiden\"; did you mean 'model.hidden'?"), "\(wrong.stderr)")
        #expect(sandbox.contents("runner.db") == nil, "nothing was written")
    }

    @Test("rerun trains a run again on its stored points, even when its CSV is gone")
    func rerun() throws {
        let sandbox = try Sandbox()
        var csv = ""
        for i in 0..<40 {
            let x = Double(i) / 10
            csv += "\(x),\(sin(x * 3)),\(i % 3 == 0 ? 1 : -1)\n"
        }
        try sandbox.write("points.csv", csv)
        let spec = try sandbox.write("csv.json", #"{"data": {"train_csv": "points.csv"}, "model": {"hidden": 3}, "training": {"epochs": 4}}"#)
        let original = try #require(try sandbox.runSpec(spec).first)
        try FileManager.default.removeItem(at: sandbox.url.appendingPathComponent("points.csv"))
        let result = try sandbox.succeed("rerun", String(original.prefix(8)), "--quiet")
        #expect(result.stdout.contains("same final weights as \(original.prefix(8)), bit for bit"), "\(result.stdout)")
        let rerun = try #require(try sandbox.existingRunIDs().last)
        #expect(rerun != original)
        #expect(try sandbox.weightBits(rerun) == sandbox.weightBits(original))
        #expect(try sandbox.scalar("SELECT value FROM run_tags WHERE run_id = '\(rerun)' AND key = 'rerun_of'") == String(original.prefix(8)))
        #expect(try sandbox.count("SELECT count(DISTINCT spec_source_id) FROM runs") == 1, "the rerun keeps the original's spec source")
        // Weights that no longer reproduce (here the original's, edited) fail the rerun: exit 1.
        try sandbox.sqlite("UPDATE weights SET bits = bits + 1 WHERE run_id = '\(original)' AND tensor = 'bo'")
        let differs = try sandbox.runner("rerun", String(original.prefix(8)), "--quiet")
        #expect(differs.status == 1 && differs.stdout.contains("final weights differ from \(original.prefix(8)), bit for bit"), "\(differs)")
        #expect(differs.stderr.contains("runner: 1 of 1 rerun ended with other final weights than the original: those results did not reproduce"), "\(differs)")
        // An interrupted original stopped early: its weights are no verdict on the rerun's.
        try sandbox.sqlite("UPDATE runs SET status = 'interrupted' WHERE id = '\(original)'; DELETE FROM epochs WHERE run_id = '\(original)' AND epoch > 2")
        let interrupted = try sandbox.succeed("rerun", String(original.prefix(8)), "--quiet")
        #expect(interrupted.stdout.contains("  \(original.prefix(8)) was interrupted after 2 epochs: no final weights to compare with\n"), "\(interrupted)")
        #expect(try sandbox.weightBits(try #require(try sandbox.existingRunIDs().last)) == sandbox.weightBits(rerun), "trained to the end")
        let none = try sandbox.runner("rerun")
        #expect(none.status != 0 && none.stderr.contains("Name the runs to train again"), "\(none)")
        let unknown = try sandbox.runner("rerun", "ffffffff")
        #expect(unknown.status != 0 && unknown.stderr.contains("no run matches \"ffffffff\""), "\(unknown)")
    }

    @Test("rerun --jobs 2 trains a group's runs two at a time, each line with its verdict, the same bits as --jobs 1")
    func parallelRerun() throws {
        let sandbox = try Sandbox()
        // Runs of different lengths, so that the two workers end runs at different times.
        let originals = try sandbox.runSpec(try sandbox.spec("grid", Spec.small(name: "grid", epochs: "[5, 40]", hidden: "[2, 6]", group: "grid")))
        #expect(originals.count == 4)
        let result = try sandbox.succeed("rerun", "--group", "grid", "--jobs", "2", "--quiet")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 8, "a summary line and a verdict a rerun: \(result.stdout)")
        for original in originals {
            let shortID = String(original.prefix(8))
            let verdict = try #require(lines.firstIndex { $0 == "  same final weights as \(shortID), bit for bit" }, "\(result.stdout)")
            let rerun = try sandbox.scalar("SELECT run_id FROM run_tags WHERE key = 'rerun_of' AND value = '\(shortID)'")
            #expect(verdict > 0 && lines[verdict - 1].hasPrefix("\(rerun.prefix(8)) ") && lines[verdict - 1].contains(" completed "),
                    "the verdict follows its own rerun's summary: \(result.stdout)")
            #expect(try sandbox.weightBits(rerun) == sandbox.weightBits(original))
        }
        let serial = try sandbox.succeed("rerun", "--group", "grid", "--jobs", "1", "--quiet")
        #expect(serial.stdout.split(separator: "\n").count == 16, "the four originals and their four reruns: \(serial.stdout)")
        let refused = try sandbox.runner("rerun", "--group", "grid", "--jobs", "0")
        #expect(refused.status == 64 && refused.stderr.contains("--jobs must be at least 1, got 0"), "\(refused)")
    }

    @Test("a run records its spec file's path and text, and the git commit")
    func specSource() throws {
        let sandbox = try Sandbox()
        func git(_ arguments: String...) throws {
            let result = try runTool("/usr/bin/git", ["-C", sandbox.url.path, "-c", "user.name=t", "-c", "user.email=t@t"] + arguments)
            try #require(result.status == 0, "git \(arguments): \(result)")
        }
        let text = Spec.small(name: "tracked")
        let outside = try sandbox.runSpec(try sandbox.spec("tracked", text))
        #expect(try sandbox.sqlite("SELECT path, text, overrides, git_commit, git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(outside[0])'")
            == [[sandbox.url.appendingPathComponent("tracked.json").standardizedFileURL.path, text, "[]", "", ""]])

        try git("init", "-q")
        try sandbox.write(".gitignore", "runner.db*\n")
        try git("add", "tracked.json", ".gitignore")
        try git("commit", "-q", "-m", "spec")
        let head = try runTool("/usr/bin/git", ["-C", sandbox.url.path, "rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try sandbox.succeed("run", "tracked.json", "--quiet", "--rerun")
        let clean = [try #require(try sandbox.existingRunIDs().last)]
        #expect(try sandbox.sqlite("SELECT git_commit, git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(clean[0])'") == [[head, "0"]])
        // Started with SIGCHLD ignored, as some supervisors leave it, runner still reads git's answers.
        let ignoring = try runTool("/usr/bin/perl", [
            "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV", RunnerBinary.url.path, "run", sandbox.url.appendingPathComponent("tracked.json").path,
            "--rerun", "--quiet", "--db", sandbox.database.path,
        ])
        #expect(ignoring.status == 0, "\(ignoring)")
        let reaped = try #require(try sandbox.existingRunIDs().last)
        #expect(try sandbox.sqlite("SELECT git_commit, git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(reaped)'") == [[head, "0"]])
        try sandbox.spec("tracked", Spec.small(name: "tracked", epochs: "2"))
        let dirty = try sandbox.runSpec("tracked.json")
        #expect(try sandbox.sqlite("SELECT git_commit, git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(dirty[0])'") == [[head, "1"]])
        try git("checkout", "-q", "tracked.json")
        let untracked = try sandbox.runSpec(try sandbox.spec("new"))
        #expect(try sandbox.sqlite("SELECT git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(untracked[0])'") == [["1"]], "an uncommitted spec counts as dirty")
        let shown = try sandbox.succeed("show", String(clean[0].prefix(8))).stdout
        #expect(shown.contains("spec file   \(sandbox.url.appendingPathComponent("tracked.json").standardizedFileURL.path) (git \(head.prefix(12)))"), "\(shown)")

        // A spec in a subfolder: git names paths from the top of the work tree.
        try sandbox.write("specs/deep.json", Spec.small(name: "deep"))
        try git("add", "specs/deep.json")
        try git("commit", "-q", "-m", "deep")
        let deepHead = try runTool("/usr/bin/git", ["-C", sandbox.url.path, "rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let deep = try sandbox.runSpec("specs/deep.json")
        #expect(try sandbox.sqlite("SELECT git_commit, git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(deep[0])'") == [[deepHead, "0"]],
                "an untracked file beside it (new.json) does not make a committed spec dirty")
        let draft = try sandbox.runSpec(try sandbox.write("specs/draft.json", Spec.small(name: "draft")))
        #expect(try sandbox.sqlite("SELECT git_dirty FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = '\(draft[0])'") == [["1"]])
    }
}

@Suite("runner run --set")
struct OverrideTests {
    @Test("overrides a value, sweeps a list, and is recorded")
    func overrides() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("base")
        let one = try sandbox.runner("run", spec, "--quiet", "--set", "training.learning_rate=0.1", "--set", "$.data.generator=circles")
        #expect(one.status == 0, "\(one)")
        #expect(try sandbox.sqlite("SELECT learning_rate, dataset, json_extract(spec_json, '$.training.learning_rate') FROM runs") == [["0.1", "circles", "0.1"]])
        #expect(try sandbox.scalar("SELECT overrides FROM spec_sources") == #"["training.learning_rate=0.1","$.data.generator=circles"]"#)
        try sandbox.succeed("run", spec, "--quiet", "--set", "model.hidden=[5,7]", "--set", "training.epochs=2")
        #expect(try sandbox.sqlite("SELECT name, hidden_units, epochs FROM runs WHERE epochs = 2 ORDER BY name") == [["base hidden=5", "5", "2"], ["base hidden=7", "7", "2"]])
    }

    @Test("bad overrides fail like the file would, naming the argument and JSON path")
    func badOverrides() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("base")
        let cases: [(String, String)] = [
            ("training.lerning_rate=0.1", "--set training.lerning_rate=0.1: $.training.lerning_rate: unknown key \"lerning_rate\" in 'training'; did you mean 'learning_rate'?"),
            ("training.learning_rate=-1", "--set training.learning_rate=-1: $.training.learning_rate: expected a finite number > 0, found -1"),
            ("model.hidden=[5,7", "--set model.hidden=[5,7: invalid JSON value:"),
            ("model.init=hee", "--set model.init=hee: $.model.init: expected one of he, xavier, uniform, found \"hee\"; did you mean 'he'?"),
            ("trainig.epochs=3", "--set trainig.epochs=3: $.trainig: unknown key \"trainig\" at the top level; did you mean 'training'?"),
            ("training.epochs.x=3", "--set training.epochs.x=3: $.training.epochs: cannot set 'x' inside 5; 'epochs' holds no object"),
            ("epochs", "--set epochs: expected path=value, e.g. --set training.learning_rate=0.1"),
        ]
        for (argument, message) in cases {
            let result = try sandbox.runner("run", spec, "--set", argument)
            #expect(result.status != 0 && result.stderr.contains(message), "\(argument): \(result.stderr)")
            #expect(result.stderr.contains("Nothing was run and the database was not changed."))
        }
        #expect(sandbox.contents("runner.db") == nil)
    }
}

@Suite("tags and notes")
struct TagTests {
    @Test("tag, filter by tag, show tags, remove them; notes")
    func tags() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let (a, b) = (runs.shortIDs[0], runs.shortIDs[1])
        try sandbox.succeed("tag", a, b, "baseline=yes", "data=v2")
        try sandbox.succeed("tag", b, "baseline=no")
        #expect(try sandbox.sqlite("SELECT r.short_id, t.key, t.value FROM run_tags t JOIN runs r ON r.id = t.run_id ORDER BY r.short_id = '\(a)' DESC, t.key")
            == [[a, "baseline", "yes"], [a, "data", "v2"], [b, "baseline", "no"], [b, "data", "v2"]])
        let listed = try parseCSVRecords(try sandbox.succeed("list", "--tag", "baseline=yes", "--format", "csv").stdout).records
        #expect(listed.map { $0["id"] } == [a] && listed.first?["tags"] == "baseline=yes, data=v2")
        // In JSON the tags are an object: a value holding ", " is not two tags
        try sandbox.succeed("tag", b, "note=x=1, y=2")
        let json = try parseJSONRecords(try sandbox.succeed("list", "--format", "json").stdout)
        #expect(json.first { $0["id"] as? String == b }?["tags"] as? [String: String] == ["baseline": "no", "data": "v2", "note": "x=1, y=2"])
        #expect(json.first { $0["id"] as? String == runs.shortIDs[2] }?["tags"] as? [String: String] == [:], "a run without tags has an empty object")
        try sandbox.succeed("tag", b, "--remove", "note")
        let union = try parseCSVRecords(try sandbox.succeed("list", "--tag", "baseline=yes", "--tag", "baseline=no", "--format", "csv").stdout).records
        #expect(union.map { $0["id"] } == [a, b])
        let compared = try parseCSVRecords(try sandbox.succeed("compare", "--tag", "data=v2", "--format", "csv").stdout)
        #expect(Set(compared.records.compactMap { $0["id"] }) == [a, b] && compared.headers.contains("tags"))
        try sandbox.succeed("report", "--tag", "data=v2", "--out", "tagged.html")
        #expect(String(decoding: sandbox.contents("tagged.html") ?? Data(), as: UTF8.self).contains("baseline=no, data=v2"))
        let missing = try sandbox.runner("list", "--tag", "baseline=maybe")
        #expect(missing.status != 0 && missing.stderr.contains("no runs are tagged baseline=maybe"), "\(missing)")

        try sandbox.succeed("tag", a, "--remove", "baseline")
        #expect(try sandbox.count("SELECT count(*) FROM run_tags t JOIN runs r ON r.id = t.run_id WHERE r.short_id = '\(a)'") == 1)
        try sandbox.succeed("note", a, "lr too high")
        #expect(try sandbox.succeed("show", a).stdout.contains("  note        lr too high"))
        #expect(try sandbox.succeed("show", a).stdout.contains("  tags        data=v2"))
        // A note's control characters are stored as given and shown as pictures, never sent to the terminal.
        try sandbox.succeed("note", a, "red \u{1B}[31mnote\u{7}")
        #expect(try sandbox.succeed("show", a).stdout.contains("  note        red \u{241B}[31mnote\u{2407}\n"))
        let cell = try sandbox.succeed("query", "SELECT note FROM runs WHERE short_id = '\(a)'").stdout
        #expect(cell.contains("red \u{241B}[31mnote\u{2407}") && !cell.contains("\u{1B}"), "\(cell)")
        #expect(try sandbox.succeed("query", "SELECT note FROM runs WHERE short_id = '\(a)'", "--format", "csv").stdout == "note\nred \u{1B}[31mnote\u{7}\n", "CSV keeps the text")
        try sandbox.succeed("note", a, "")
        #expect(try sandbox.scalar("SELECT note IS NULL FROM runs WHERE short_id = '\(a)'") == "1")
    }

    @Test("tag chooses runs as the other commands do: --group, --tag, --status, --last, with ids")
    func selectors() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let grid = Set(runs.grid.map { $0[1] })
        func tagged(_ tag: String) throws -> Set<String> {
            Set(try sandbox.sqlite("SELECT r.short_id FROM run_tags t JOIN runs r ON r.id = t.run_id WHERE t.key || '=' || t.value = '\(tag)'").map { $0[0] })
        }
        #expect(try sandbox.succeed("tag", "--group", "grid", "study=grid").stderr == "tagged \(grid.count) runs study=grid\n")
        #expect(try tagged("study=grid") == grid && grid.count == 4)
        // runs chosen by a tag, with an id besides
        try sandbox.succeed("tag", runs.solo[1], "--tag", "study=grid", "reviewed=yes")
        #expect(try tagged("reviewed=yes") == grid.union([runs.solo[1]]))
        try sandbox.succeed("tag", "--last", "1", "newest=yes")
        #expect(try tagged("newest=yes") == [runs.shortIDs[0]])
        try sandbox.succeed("tag", "--status", "completed", "done=yes")
        #expect(try tagged("done=yes") == Set(runs.shortIDs))
        // and removing needs no tag to put
        #expect(try sandbox.succeed("tag", "--group", "grid", "--remove", "study").stderr == "removed 4 tags (study) from 4 runs\n")
        #expect(try tagged("study=grid").isEmpty)

        let before = sandbox.databaseSnapshot()
        let none = try sandbox.runner("tag", "x=1")
        #expect(none.status == 64 && none.stderr.contains("Give the runs to tag: their ids before the tags"), "\(none)")
        let missing = try sandbox.runner("tag", "--group", "gird", "x=1")
        #expect(missing.status == 1 && missing.stderr.contains("no runs in group 'gird'; did you mean 'grid'?"), "\(missing)")
        #expect(sandbox.databaseSnapshot() == before)
    }

    @Test("bad tags and unknown ids: one line, database unchanged")
    func badInput() throws {
        let sandbox = try Fixture.sandbox()
        let id = try FixtureRuns(sandbox).shortIDs[0]
        let before = sandbox.databaseSnapshot()
        let cases: [([String], String)] = [
            (["tag", id, "best"], "Give at least one tag as key=value"),
            (["tag", id, "a=1", "b"], "'b' follows a tag but is not key=value"),
            (["tag", id, "=1"], "'' cannot be a tag key"),
            (["tag", id, "a="], "'a=' has no value after '='"),
            (["tag", id, "a=b", "a=c"], "the key 'a' is given twice (a=b, a=c); a run has one value per key"),
            (["tag", "ffffffff", "a=1"], "no run matches \"ffffffff\""),
            (["tag", id, "ffffffff", "a=1"], "no run matches \"ffffffff\""),
            (["note", "ffffffff", "x"], "no run matches \"ffffffff\""),
            (["list", "--tag", "nokey"], "'nokey' is not a tag: write key=value"),
        ]
        for (arguments, message) in cases {
            let result = try RunnerProcess.run(arguments, in: sandbox.url)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal"), "no crash")
        }
        #expect(sandbox.databaseSnapshot() == before)
        // A run named twice (by two prefixes of its id) is tagged once.
        #expect(try sandbox.succeed("tag", id, String(id.prefix(5)), "a=1").stderr == "tagged 1 run a=1\n")
    }
}

@Suite("runner delete")
struct DeleteTests {
    @Test("dry run, refusal without a terminal, then delete with what goes with the runs")
    func delete() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        try sandbox.succeed("tag", runs.grid[0][1], "doomed=yes")
        let before = sandbox.databaseSnapshot()
        let dry = try sandbox.succeed("delete", "--group", "grid", "--dry-run")
        #expect(dry.stderr.contains("dry run: would delete 4 runs, 12 epochs, 44 weights, 1 tag, 0 data sets, 1 spec source; nothing was changed"), "\(dry.stderr)")
        #expect(runs.grid.allSatisfy { dry.stdout.contains($0[1]) }, "the runs are listed: \(dry.stdout)")
        #expect(sandbox.databaseSnapshot() == before)
        let refused = try sandbox.runner("delete", "--group", "grid")
        #expect(refused.status != 0 && refused.stderr.contains("standard input is not a terminal; add --yes"), "\(refused)")
        let unselected = try sandbox.runner("delete", "--yes")
        #expect(unselected.status != 0 && unselected.stderr.contains("Name the runs to delete"), "\(unselected)")
        #expect(sandbox.databaseSnapshot() == before)

        // The grid and solo runs share their data sets (4h + 1 weights each): they stay while solo uses them.
        try sandbox.succeed("delete", "--group", "grid", "--yes")
        #expect(try sandbox.tableCounts() == ["runs": 1, "epochs": 5, "weights": 17, "run_tags": 0, "datasets": 2, "dataset_points": 60, "spec_sources": 1])
        let last = try sandbox.succeed("delete", runs.solo[1], "--yes")
        #expect(last.stderr.contains("deleted 1 run, 5 epochs, 17 weights, 0 tags, 2 data sets, 1 spec source"), "\(last.stderr)")
        #expect(try sandbox.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test("filters of different kinds narrow each other in every command, as in list: delete takes what list shows")
    func filtersNarrow() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        try sandbox.succeed("tag", runs.grid[0][1], runs.solo[1], "doomed=yes")
        let listed = try sandbox.succeed("list", "--group", "grid", "--tag", "doomed=yes", "-q").stdout
        #expect(listed == runs.grid[0][1] + "\n")
        let compared = try parseCSVRecords(try sandbox.succeed("compare", "--group", "grid", "--tag", "doomed=yes", "--format", "csv").stdout).records
        #expect(compared.map { $0["id"] } == [runs.grid[0][1]])
        // --last counts the runs that pass the other filters
        let newest = try parseCSVRecords(try sandbox.succeed("compare", "--group", "grid", "--last", "2", "--format", "csv").stdout).records
        #expect(newest.map { $0["id"] } == [runs.grid[1][1], runs.grid[0][1]], "the two newest of grid, oldest first")
        // a repeated filter takes any of its values; ids come besides, first
        try sandbox.succeed("tag", runs.grid[1][1], "doomed=no")
        let either = try parseCSVRecords(try sandbox.succeed("compare", runs.solo[1], "--tag", "doomed=yes", "--tag", "doomed=no", "--format", "csv").stdout).records
        #expect(either.map { $0["id"] } == [runs.solo[1], runs.grid[1][1], runs.grid[0][1]])
        let none = try sandbox.runner("delete", "--group", "solo", "--status", "diverged", "--yes")
        #expect(none.status == 1 && none.stderr.contains("no runs are diverged"), "\(none)")
        let apart = try sandbox.runner("compare", "--group", "solo", "--tag", "doomed=maybe")
        #expect(apart.status == 1 && apart.stderr.contains("no runs are tagged doomed=maybe"), "\(apart)")
        let together = try sandbox.runner("compare", "--group", "solo", "--tag", "doomed=no")
        #expect(together.status == 1 && together.stderr.contains("no run passes all of --group solo --tag doomed=no (each matches runs of its own)"), "\(together)")

        let deleted = try sandbox.succeed("delete", "--group", "grid", "--tag", "doomed=yes", "--yes")
        #expect(deleted.stderr.contains("deleted 1 run,"), "\(deleted.stderr)")
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 4)
    }

    @Test("a running run is never deleted, and nothing else is then")
    func running() throws {
        let sandbox = try Fixture.sandbox()
        // A copy of a run that is still running, in this (living) test process.
        try sandbox.insertRunningCopy(of: try FixtureRuns(sandbox).ids[0], as: "eeee0000-0000-4000-8000-000000000000", withEpochs: true)
        let before = sandbox.databaseSnapshot()
        let result = try sandbox.runner("delete", "--last", "2", "--yes")
        #expect(result.status != 0 && result.stderr.contains("run eeee0000 is still running; stop it"), "\(result)")
        #expect(sandbox.databaseSnapshot() == before)
    }

    @Test("a plain DELETE in sqlite3, foreign keys off, leaves nothing behind")
    func plainDelete() throws {
        let sandbox = try Fixture.sandbox()
        try sandbox.succeed("tag", try FixtureRuns(sandbox).shortIDs[0], "x=1")
        try sandbox.execute("PRAGMA foreign_keys = OFF; DELETE FROM runs WHERE group_name = 'grid';")
        #expect(try sandbox.count("SELECT count(*) FROM epochs WHERE run_id NOT IN (SELECT id FROM runs)") == 0)
        #expect(try sandbox.count("SELECT count(*) FROM weights WHERE run_id NOT IN (SELECT id FROM runs)") == 0)
        #expect(try sandbox.count("SELECT count(*) FROM run_tags WHERE run_id NOT IN (SELECT id FROM runs)") == 0)
        #expect(try sandbox.count("SELECT count(*) FROM datasets") == 2, "solo still uses them")
        try sandbox.execute("DELETE FROM runs")
        #expect(try sandbox.tableCounts().values.allSatisfy { $0 == 0 })
    }
}

@Suite("merge carries what 0005 added")
struct MergeLabelsTests {
    @Test("merging a database copies its runs' tags, notes and spec sources")
    func mergeLabels() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("labelled"), "--quiet", "--db", "shard.db")
        let id = try #require(try sandbox.sqlite("SELECT short_id FROM runs", file: "shard.db").first?[0])
        try sandbox.succeed("tag", id, "baseline=yes", "--db", "shard.db")
        try sandbox.succeed("note", id, "from the shard", "--db", "shard.db")
        try sandbox.succeed("merge", "shard.db", "--db", "merged.db")
        let query = "SELECT r.note, t.key || '=' || t.value, s.path FROM runs r JOIN run_tags t ON t.run_id = r.id JOIN spec_sources s ON s.id = r.spec_source_id"
        #expect(try sandbox.sqlite(query, file: "merged.db") == sandbox.sqlite(query, file: "shard.db"))
        #expect(try sandbox.sqlite(query, file: "merged.db").count == 1)
    }
}

@Suite("choosing runs and small fixes")
struct SelectionTests {
    @Test("repeated selectors combine; one that matches nothing is named")
    func union() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let both = try parseCSVRecords(try sandbox.succeed("compare", "--group", "grid", "--group", "solo", "--format", "csv").stdout).records
        #expect(Set(both.compactMap { $0["id"] }) == Set(runs.shortIDs))
        let listed = try parseCSVRecords(try sandbox.succeed("list", "--group", "grid", "--group", "solo", "--format", "csv").stdout).records
        #expect(listed.count == 5)
        #expect(try sandbox.succeed("list", "--group", "grid", "-q").stdout == runs.grid.map { $0[1] + "\n" }.joined(), "-q prints ids only")
        let mixed = try parseCSVRecords(try sandbox.succeed("compare", runs.solo[1], "--last", "1", "--group", "solo", "--format", "csv").stdout).records
        #expect(mixed.map { $0["id"] } == [runs.solo[1]], "each run once")
        for arguments in [["compare", "--group", "grid", "--group", "nope"], ["list", "--group", "nope"], ["plot", "--group", "nope", "--out", "x.svg"]] {
            let result = try RunnerProcess.run(arguments, in: sandbox.url)
            #expect(result.status != 0 && result.stderr.contains("no runs in group 'nope'"), "\(arguments): \(result)")
        }
    }

    @Test("misspelt commands get a suggestion, options before the command a reordered line; query's mistakes print query's usage")
    func usage() throws {
        let sandbox = try Fixture.sandbox()
        let typo = try sandbox.runner("lsit")
        #expect(typo.status != 0 && typo.stderr.contains("unknown command 'lsit'; did you mean 'list'?"), "\(typo)")
        let early = try sandbox.runner("--db", "runner.db", "list")
        #expect(early.status == 64 && early.stderr == "Error: options go after the command: runner list --db runner.db\n", "\(early)")
        let spaced = try sandbox.runner("--db", "my study.db", "list")
        #expect(spaced.stderr == "Error: options go after the command: runner list --db 'my study.db'\n", "\(spaced)")
        let query = try sandbox.runner("query", "SELECT 1", "--param", "x")
        #expect(query.status != 0 && query.stderr.contains("--param needs the form name=value, got 'x'"), "\(query)")
        #expect(query.stderr.contains("runner query"), "query's usage: \(query.stderr)")
    }

    @Test("show --format json has the run, its epochs and exact weights")
    func showJSON() throws {
        let sandbox = try Fixture.sandbox()
        let solo = try FixtureRuns(sandbox).solo
        let text = try sandbox.succeed("show", solo[1], "--format", "json").stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["id"] as? String == solo[0] && object["status"] as? String == "completed")
        #expect((object["epochs"] as? [Any])?.count == 5)
        let bits = try #require(((object["weights"] as? [String: Any])?["Wo"] as? [String: Any])?["bits"] as? [NSNumber])
        #expect(bits.map(\.stringValue) == (try sandbox.sqlite("SELECT bits FROM weights WHERE run_id = '\(solo[0])' AND tensor = 'Wo' ORDER BY row").map { $0[0] }))
        #expect((object["spec"] as? [String: Any])?["run_name"] as? String == "solo")
        let csv = try sandbox.runner("show", solo[1], "--format", "csv")
        #expect(csv.status != 0 && csv.stderr.contains("use runner export"), "\(csv)")
        // and its help offers only what it prints
        #expect(try sandbox.succeed("show", "--help").stdout.contains("(values: table, json; default: table)"))
    }

    @Test("gradcheck on a sweep names the run it checks")
    func gradcheckNamesRun() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.runner("gradcheck", try sandbox.spec("grid", Spec.small(name: "grid", epochs: "2", hidden: "[2, 3]")))
        #expect(result.stderr.contains("checking grid hidden=2, the first of the sweep's 2 runs"), "\(result)")
    }
}

@Suite("choosing runs by their settings")
struct SettingChoiceTests {
    @Test("--where chooses by a setting's value, as tables name it, as the spec does, or by its path; numbers by value")
    func whereSetting() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", points: "20", epochs: "1", hidden: "[1, 10, 100]", learningRate: "[0.1, 0.02]", seed: "[1, 2]"))
        try sandbox.succeed("run", spec, "--quiet")
        func listed(_ arguments: String...) throws -> Set<String> {
            Set(try sandbox.succeed(["list", "--limit", "100", "-q"] + arguments).stdout.split(separator: "\n").map(String.init))
        }
        func ids(_ condition: String) throws -> Set<String> {
            Set(try sandbox.sqlite("SELECT short_id FROM runs WHERE \(condition)").map { $0[0] })
        }
        // hidden=1 is not hidden=10 or 100, as a --name of "hidden=1" would be.
        #expect(try listed("--where", "hidden=1") == ids("hidden_units = 1") && ids("hidden_units = 1").count == 4)
        #expect(try listed("--where", "hidden=1.0") == ids("hidden_units = 1"))
        #expect(try listed("--where", "hidden=1", "--where", "hidden=100") == ids("hidden_units IN (1, 100)"))
        for name in ["lr", "learning_rate", "training.learning_rate"] {
            #expect(try listed("--where", "\(name)=0.1") == ids("learning_rate = 0.1"), "\(name)")
        }
        let compared = try parseCSVRecords(try sandbox.succeed("compare", "--where", "hidden=1", "--where", "lr=0.02", "--format", "csv").stdout).records
        #expect(compared.compactMap { $0["name"] } == ["grid hidden=1 learning_rate=0.02 seed=1", "grid hidden=1 learning_rate=0.02 seed=2"])

        let unknown = try sandbox.runner("compare", "--where", "hiden=1")
        #expect(unknown.status == 64 && unknown.stderr.hasPrefix("Error: --where hiden=1: no setting is called 'hiden'; did you mean 'hidden'?"), "\(unknown)")
        let absent = try sandbox.runner("compare", "--where", "hidden=11")
        #expect(absent.status == 1 && absent.stderr.contains("no run's spec sets hidden to 11; "), "\(absent)")
        let apart = try sandbox.runner("list", "--where", "hidden=1", "--where", "seed=3")
        #expect(apart.status == 1 && apart.stderr.contains("no run's spec sets seed to 3"), "\(apart)")
        let together = try sandbox.runner("compare", "--where", "hidden=1", "--group", "nothere")
        #expect(together.status == 1 && together.stderr.contains("no runs in group 'nothere'"), "\(together)")
        // A typo among the values of one setting is named too, not passed over.
        let typo = try sandbox.runner("list", "--where", "hidden=1", "--where", "hidden=11")
        #expect(typo.status == 1 && typo.stderr.contains("no run's spec sets hidden to 11"), "\(typo)")
        let none = try sandbox.runner("compare", "--where", "hidden=1", "--where", "seed=2", "--where", "lr=0.1", "--group", "grid", "--status", "failed")
        #expect(none.status == 1 && none.stderr.contains("no runs are failed"), "\(none)")
        // The ids of stored points are no setting of a spec.
        let pseudo = try sandbox.runner("list", "--where", "data_id=abcd1234")
        #expect(pseudo.status == 64 && pseudo.stderr.contains("no setting is called 'data_id'"), "\(pseudo)")
    }

    @Test("--where matches a null as tables show it (none), and a file by its name")
    func whereNullAndFile() throws {
        let sandbox = try Sandbox()
        let points = (0..<20).map { i in "\(Double(i) / 10),\(Double(i % 7) / 10),\(i % 2)" }.joined(separator: "\n")
        try sandbox.write("ring.csv", "x1,x2,label\n" + points + "\n")
        try sandbox.succeed("run", try sandbox.spec("csv", """
            {"name": "csv", "data": {"train_csv": "ring.csv", "validation_fraction": [null, 0.25]},
             "model": {"hidden": 2}, "training": {"epochs": 1}}
            """), "--quiet")
        let unsplit = try sandbox.scalar("SELECT short_id FROM runs WHERE validation_size = 0")
        #expect(try sandbox.succeed("list", "--where", "val_fraction=none", "-q").stdout == unsplit + "\n")
        #expect(try sandbox.succeed("list", "--where", "train_csv=ring.csv", "-q").stdout.split(separator: "\n").count == 2)
        #expect(try sandbox.succeed("list", "--where", "train_csv=\(sandbox.url.path)/ring.csv", "-q").stdout.split(separator: "\n").count == 2)
        let other = try sandbox.runner("list", "--where", "train_csv=ing.csv")
        #expect(other.status == 1 && other.stderr.contains("no run's spec sets train_csv to ing.csv"), "\(other)")
    }
}
