import Foundation
import Testing

/// Whether a Slurm cluster answers here (`.ci/run` starts one with scripts/slurm-local.sh).
private let clusterAnswers: Bool = {
    guard let sinfo = ["/usr/bin/sinfo", "/usr/local/bin/sinfo"].first(where: FileManager.default.isExecutableFile(atPath:)),
          let result = try? runTool(sinfo, ["-h", "-o", "%T"])
    else { return false }
    return result.status == 0 && ["idle", "mixed", "allocated"].contains { result.stdout.contains($0) }
}()

/// The project's practical sweep (72 runs), as the README submits it.
private let practicalSweep = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("experiments/practical-sweep.json")

/// The array and merge job ids `runner slurm --submit` printed:
/// "submitted array job 40 (4 tasks, 72 runs) and merge job 41 (after every task)".
private func submittedJobs(_ stdout: String) -> [Int] {
    let words = (stdout.split(separator: "\n").first ?? "").split(separator: " ")
    return words.indices.dropFirst().filter { words[$0 - 1] == "job" }.compactMap { Int(words[$0]) }
}

/// The jobs of `jobs` that are queued or running (an array's tasks count as their job).
private func unfinished(_ jobs: [Int]) throws -> Set<Int> {
    // Every job, rather than `-j` these: squeue refuses an id it has dropped once finished.
    let queue = try runTool("/usr/bin/squeue", ["-h", "-o", "%i"])
    try #require(queue.status == 0, "squeue: \(queue)")
    let queued = queue.stdout.split(separator: "\n").compactMap { Int($0.prefix { $0.isNumber }) }
    return Set(jobs).intersection(queued)
}

/// Waits (up to 10 minutes) until none of `jobs` is queued or running.
private func waitForJobs(_ jobs: [Int]) throws {
    let deadline = Date().addingTimeInterval(600)
    while try !unfinished(jobs).isEmpty {
        guard Date() < deadline else {
            Issue.record("jobs \(try unfinished(jobs).sorted()) still queued or running after 10 minutes")
            return
        }
        Thread.sleep(forTimeInterval: 0.5)
    }
}

@Suite("runner slurm on a real cluster", .serialized)
struct SlurmTests {
    @Test(
        "the practical sweep as a 4-task array and a merge job: 72 runs, each once, with the bits of a local run",
        .enabled(if: clusterAnswers, "no Slurm cluster answers (sinfo); start one with `scripts/slurm-local.sh start`, as .ci/run does"))
    func practicalSweepOnTheCluster() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.write("practical-sweep.json", String(contentsOf: practicalSweep, encoding: .utf8))
        let submitted = try sandbox.succeed("slurm", spec, "--tasks", "4", "--db", "cluster.db", "--submit")
        let jobs = submittedJobs(submitted.stdout)
        try #require(jobs.count == 2, "array and merge job ids: \(submitted.stdout)")
        #expect(submitted.stdout.contains("(4 tasks, 72 runs)"))

        // Meanwhile, the same sweep locally.
        try sandbox.succeed("run", spec, "--db", "local.db", "--quiet")

        try waitForJobs(jobs)
        let folder = "slurm/practical-sweep"
        let merge = String(decoding: sandbox.contents("\(folder)/logs/merge.out") ?? Data(), as: UTF8.self)
        // srun and sbatch can report success for a task that never ran: the outputs are the proof.
        #expect(merge.split(separator: "\n").count == 4 && merge.contains("shards/0.db: 18 added"), "merge log: \(merge)")
        #expect(try sandbox.sqlite("SELECT count(*), count(DISTINCT spec_hash), sum(status = 'completed') FROM runs", file: "cluster.db") == [["72", "72", "72"]])
        #expect(try sandbox.fingerprints(file: "cluster.db") == sandbox.fingerprints(file: "local.db"))
        for task in 0..<4 {
            let shard = "\(folder)/shards/\(task).db"
            #expect(try sandbox.sqlite("PRAGMA integrity_check", file: shard) == [["ok"]])
            #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status = 'completed'", file: shard) == 18)
        }
        // A resubmitted task finds its shard done and trains nothing.
        let again = try sandbox.succeed("run", spec, "--shard", "2/4", "--db", "\(folder)/shards/2.db")
        #expect(again.stderr.contains("skipped 18 runs"), "\(again.stderr)")
    }

    @Test(
        "a task cancelled midway and resubmitted with sbatch --array trains only what it left; merged again, each run is there once with a local run's bits",
        .enabled(if: clusterAnswers, "no Slurm cluster answers (sinfo); start one with `scripts/slurm-local.sh start`, as .ci/run does"))
    func cancelledTaskIsResubmitted() throws {
        let sandbox = try Sandbox()
        // Six runs of a second or more each (debug build), three per task: task 1 is cancelled
        // once its first run is in, while it trains the next.
        let spec = try sandbox.spec("preempted", Spec.small(
            name: "preempted", points: "400", epochs: "1500", hidden: "100", seed: "[1, 2, 3, 4, 5, 6]"))
        let submitted = try sandbox.succeed("slurm", spec, "--tasks", "2", "--db", "cluster.db", "--submit")
        var jobs = submittedJobs(submitted.stdout)
        try #require(jobs.count == 2, "array and merge job ids: \(submitted.stdout)")
        // Nothing of this test stays queued on the cluster, whatever fails.
        defer { _ = try? runTool("/usr/bin/scancel", jobs.map(String.init)) }
        let folder = "slurm/preempted"
        #expect(submitted.stdout.contains("merge by hand:  bash \(sandbox.url.path)/\(folder)/merge.sbatch   # once job \(jobs[1]) has ended\n"), "\(submitted.stdout)")
        let shard = "\(folder)/shards/1.db"
        /// The runs of `file` with `status`: 0 before the file holds runner's tables.
        func count(_ status: String, in file: String) -> Int {
            let path = sandbox.url.appendingPathComponent(file).path
            // sqlite3 would create a missing file.
            guard FileManager.default.fileExists(atPath: path) else { return 0 }
            let count = try? runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", path, "SELECT count(*) FROM runs WHERE status = '\(status)'"])
            guard let count, count.status == 0 else {
                // Only while the task creates the file, before its first run is in.
                #expect(count?.stderr.contains("no such table: runs") == true, "sqlite3 on \(file): \(String(describing: count))")
                return 0
            }
            return Int(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let deadline = Date().addingTimeInterval(300)
        while count("completed", in: shard) == 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let queue = try runTool("/usr/bin/squeue", ["-h"]).stdout
        try #require(count("completed", in: shard) > 0, "task 1 finished no run in 300 s; the queue: \(queue)")
        let cancel = try runTool("/usr/bin/scancel", ["\(jobs[0])_1"])
        try #require(cancel.status == 0, "scancel of task 1: \(cancel); the queue: \(queue)")
        let local = try sandbox.runner("run", spec, "--db", "local.db", "--quiet", timeout: 300)
        #expect(local.status == 0, "\(local)")
        try waitForJobs(jobs)

        // The task stopped on SIGTERM, its run in flight recorded as interrupted; the merge job,
        // which runs after any end of the array, took what the shard held.
        let left = 3 - count("completed", in: shard)
        try #require((1...2).contains(left), "task 1 should be cancelled between its first and last run; its shard holds \(3 - left) completed")
        let cancelled = String(decoding: sandbox.contents("\(folder)/logs/task-1.out") ?? Data(), as: UTF8.self)
        #expect(cancelled.contains("runner: interrupted by SIGTERM; 1 run interrupted"), "task 1's log: \(cancelled)")
        #expect(count("interrupted", in: shard) == 1 && count("running", in: shard) == 0)
        #expect(count("completed", in: "cluster.db") == 6 - left && count("interrupted", in: "cluster.db") == 1,
                "merged after the array: \(String(decoding: sandbox.contents("\(folder)/logs/merge.out") ?? Data(), as: UTF8.self))")

        // Resubmitted as the README says, the task trains only the runs it left.
        let resubmitted = try runTool("/usr/bin/sbatch", ["--parsable", "--array=1", sandbox.url.appendingPathComponent("\(folder)/array.sbatch").path])
        let again = try #require(Int(resubmitted.stdout.split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "\(resubmitted)")
        jobs.append(again)
        try waitForJobs([again])
        let log = String(decoding: sandbox.contents("\(folder)/logs/task-1.out") ?? Data(), as: UTF8.self)
        #expect(log.hasPrefix(cancelled) && log.contains("skipped \(3 - left) run"), "the log keeps both attempts: \(log)")
        #expect(count("completed", in: shard) == 3)

        let merged = try runTool("/bin/bash", [sandbox.url.appendingPathComponent("\(folder)/merge.sbatch").path])
        #expect(merged.status == 0 && merged.stdout.contains("shards/1.db: \(left) added"), "\(merged)")
        #expect(try sandbox.sqlite(
            "SELECT count(*), count(DISTINCT spec_hash) FROM runs WHERE status = 'completed'", file: "cluster.db") == [["6", "6"]])
        #expect(count("interrupted", in: "cluster.db") == 1, "the interrupted run stays as history")
        #expect(try sandbox.fingerprints(file: "cluster.db", status: "completed") == sandbox.fingerprints(file: "local.db"))
        for task in 0..<2 {
            #expect(try sandbox.sqlite("PRAGMA integrity_check", file: "\(folder)/shards/\(task).db") == [["ok"]])
        }
    }

    @Test("the scripts, run by bash: a task refuses a spec edited since; the merge job names the tasks that left no shard")
    func scriptsCheckTheirInputs() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2]"))
        // A folder with a space, which sbatch would split an unquoted #SBATCH line at.
        try sandbox.succeed("slurm", spec, "--tasks", "3", "--dir", "with space")
        let folder = sandbox.url.appendingPathComponent("with space").path
        let array = String(decoding: sandbox.contents("with space/array.sbatch") ?? Data(), as: UTF8.self)
        #expect(array.contains("#SBATCH --output=\"\(folder)/logs/task-%a.out\"\n"), "\(array)")
        func task(_ index: Int) throws -> ProcessResult {
            try runTool("/usr/bin/env", ["SLURM_ARRAY_TASK_ID=\(index)", "/bin/bash", "\(folder)/array.sbatch"])
        }
        #expect(try task(0).status == 0)
        // Task 1 never ran; task 2 was killed as it created its file.
        try sandbox.write("with space/shards/2.db", "")
        let merged = try runTool("/bin/bash", ["\(folder)/merge.sbatch"])
        #expect(merged.status == 1 && merged.stdout.contains("shards/0.db: 1 added"), "\(merged)")
        #expect(merged.stderr.contains("no shard file, or an empty one, of task 1 2: see \(folder)/logs/task-<i>.out"), "\(merged)")
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 1)

        // Shards of an edited spec would not cover the plan the other tasks train.
        try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2, 3]"))
        let edited = try task(1)
        #expect(edited.status == 1 && edited.stderr.contains("a spec file changed since this job was submitted"), "\(edited)")
        #expect(sandbox.contents("with space/shards/1.db") == nil)
    }

    @Test("a study extended after its merge trains only its new runs; a spec given twice trains once; --rerun trains all")
    func extendedStudy() throws {
        let sandbox = try Sandbox()
        func runJob(_ folder: String, tasks: Int) throws {
            for index in 0..<tasks {
                let task = try runTool("/usr/bin/env", ["SLURM_ARRAY_TASK_ID=\(index)", "/bin/bash", "\(sandbox.url.path)/\(folder)/array.sbatch"])
                #expect(task.status == 0, "\(task)")
            }
            let merged = try runTool("/bin/bash", ["\(sandbox.url.path)/\(folder)/merge.sbatch"])
            #expect(merged.status == 0, "\(merged)")
        }
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2]"))
        try sandbox.succeed("slurm", spec, "--tasks", "2", "--dir", "first")
        try runJob("first", tasks: 2)
        let firstRuns = try sandbox.sqlite("SELECT id, spec_hash FROM runs ORDER BY created_at")

        // Two more seeds, and the same spec in a second file: of its 8 runs, 2 are in the
        // target and 4 repeat the first file's.
        try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2, 3, 4]"))
        let copy = try sandbox.spec("copy", Spec.small(name: "grid", seed: "[1, 2, 3, 4]"))
        let written = try sandbox.succeed("slurm", spec, copy, "--tasks", "3", "--dir", "second")
        #expect(written.stderr.contains("runner: the tasks skip 2 runs already finished in \(sandbox.url.path)/runner.db "
            + "and 4 runs repeating an earlier run of the plan (--rerun trains the finished ones again)\n"), "\(written)")
        #expect(written.stdout.contains("wrote \(sandbox.url.path)/second/array.sbatch (3 tasks, 2 runs of 8)"), "\(written)")
        let list = String(decoding: sandbox.contents("second/skipped-runs.txt") ?? Data(), as: UTF8.self)
        #expect(list.hasSuffix("\n0\n1\n4\n5\n6\n7\n") && list.hasPrefix("# Plan positions (0-based)") && list.contains("\n# plan: "), "\(list)")
        // The list belongs to its plan: given with another (here the first spec alone), by hand, it is refused.
        let reordered = try sandbox.runner("run", spec, "--skip-positions", "second/skipped-runs.txt", "--db", "by-hand.db")
        #expect(reordered.status == 1 && reordered.stderr.contains("skipped-runs.txt:3: the list was written for another plan"), "\(reordered)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.url.appendingPathComponent("by-hand.db").path))
        let array = String(decoding: sandbox.contents("second/array.sbatch") ?? Data(), as: UTF8.self)
        #expect(array.contains("--skip-positions \(sandbox.url.path)/second/skipped-runs.txt\n"), "\(array)")
        try runJob("second", tasks: 3)
        // The first runs are untouched, and each experiment is there once.
        #expect(try sandbox.sqlite("SELECT id, spec_hash FROM runs ORDER BY created_at").prefix(2) == firstRuns[...])
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 4)
        #expect(try sandbox.count("SELECT count(DISTINCT spec_hash) FROM runs WHERE status = 'completed'") == 4)
        let shardRuns = try (0..<3).map { try sandbox.count("SELECT count(*) FROM runs", file: "second/shards/\($0).db") }
        #expect(shardRuns.reduce(0, +) == 2, "\(shardRuns)")

        // Nothing left: nothing is written or submitted.
        let done = try sandbox.succeed("slurm", spec, "--tasks", "2", "--dir", "third")
        #expect(done.stdout == "nothing to train: every run of the plan is done (4 runs already finished in \(sandbox.url.path)/runner.db), "
            + "so nothing was written or submitted (--rerun trains the finished ones again)\n", "\(done)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.url.appendingPathComponent("third").path))
        // --rerun trains all of them. A task still queued from the earlier writing of the same
        // job (sbatch keeps its script) reads the new list.
        try FileManager.default.copyItem(atPath: "\(sandbox.url.path)/second/array.sbatch", toPath: "\(sandbox.url.path)/queued.sbatch")
        try sandbox.succeed("slurm", spec, copy, "--tasks", "3", "--dir", "second", "--rerun")
        let emptied = String(decoding: sandbox.contents("second/skipped-runs.txt") ?? Data(), as: UTF8.self)
        #expect(emptied.contains("0 finished in \(sandbox.url.path)/runner.db when the job was written, 0 repeating an earlier run of the plan.\n")
            && emptied.split(separator: "\n").allSatisfy { $0.hasPrefix("# ") }, "no positions: \(emptied)")
        let queued = try runTool("/usr/bin/env", ["SLURM_ARRAY_TASK_ID=0", "/bin/bash", "\(sandbox.url.path)/queued.sbatch"])
        #expect(queued.status == 0 && !queued.stderr.contains("listed in"), "\(queued)")

        // A target of an older schema cannot tell which runs are done: it says how to upgrade it.
        try sandbox.sqlite("DELETE FROM schema_migrations WHERE version >= 2")
        let outdated = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "fourth")
        #expect(outdated.status == 1 && outdated.stderr.contains("has an older runner schema, from which the runs already done cannot be told: "
            + "upgrade it with `runner migrate --db \(sandbox.url.path)/runner.db`"), "\(outdated)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.url.appendingPathComponent("fourth").path))
    }

    @Test("a submission sbatch refuses records nothing, so the corrected command goes through")
    func refusedSubmission() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2]"))
        try sandbox.write("bin/sbatch", "#!/bin/sh\necho 'sbatch: error: Batch job submission failed: Invalid job array specification' >&2\nexit 1\n")
        _ = try runTool("/bin/chmod", ["+x", sandbox.url.appendingPathComponent("bin/sbatch").path])
        let path = sandbox.url.appendingPathComponent("bin").path + ":/usr/bin:/bin"
        let refused = try sandbox.runner("slurm", spec, "--tasks", "5000", "--submit", environment: ["PATH": path])
        #expect(refused.status == 1 && refused.stderr.contains("Invalid job array specification"), "\(refused)")
        #expect(sandbox.contents("slurm/grid/submission.json") == nil)
        try sandbox.succeed("slurm", spec, "--tasks", "2")
        // More tasks than `runner run` takes shards: every task would fail; refused before anything is written.
        let tooMany = try sandbox.runner("slurm", spec, "--tasks", "100000000", "--dir", "many")
        #expect(tooMany.status == 64 && tooMany.stderr.hasPrefix("Error: --tasks 100000000: at most 1,000,000, as many as a spec's runs"), "\(tooMany)")
        #expect(sandbox.contents("many/array.sbatch") == nil)
        // The target cannot be one of the files the tasks write.
        let inside = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "other", "--db", "other/shards/0.db")
        #expect(inside.status == 1 && inside.stderr.contains("is in the folder of this job's shard files"), "\(inside)")
        #expect(sandbox.contents("other/array.sbatch") == nil)
    }

    @Test("without --submit the scripts are written with absolute paths; --submit without sbatch is a clear error")
    func scriptsAndMissingSbatch() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2, 3]"))
        let written = try sandbox.succeed("slurm", spec, "--tasks", "2", "--cpus-per-task", "2", "--time", "10:00", "--dir", "jobs")
        #expect(written.stdout.contains("wrote \(sandbox.url.path)/jobs/array.sbatch (2 tasks, 3 runs)"), "\(written.stdout)")
        let array = String(decoding: sandbox.contents("jobs/array.sbatch") ?? Data(), as: UTF8.self)
        #expect(array.contains("#SBATCH --array=0-1\n#SBATCH --cpus-per-task=2\n#SBATCH --time=10:00\n"), "\(array)")
        #expect(array.contains("\(RunnerBinary.url.resolvingSymlinksInPath().path) run \(sandbox.url.path)/grid.json --quiet"), "\(array)")
        #expect(array.contains(#"--shard "${SLURM_ARRAY_TASK_ID}/2""#) && array.contains("--db \(sandbox.url.path)/jobs/shards/"), "\(array)")
        let merge = String(decoding: sandbox.contents("jobs/merge.sbatch") ?? Data(), as: UTF8.self)
        #expect(merge.contains("merge \"${shards[@]}\" --db \(sandbox.url.path)/runner.db"), "\(merge)")
        #expect(merge.contains("for ((task = 0; task < 2; task++)); do\n    shard=\(sandbox.url.path)/jobs/shards/\"$task.db\""), "only this job's shards: \(merge)")

        // The same submission may be written again (a longer --time, say), but not another one
        // into its folder: while it has no shard files its jobs may be queued, ...
        let other = try sandbox.spec("more", Spec.small(name: "more"))
        let queued = try RunnerProcess.run(["slurm", spec, "--tasks", "3", "--dir", "jobs"], in: sandbox.url)
        #expect(queued.status == 1 && queued.stderr.hasPrefix("Error: \(sandbox.url.path)/jobs holds the scripts of another submission (\(sandbox.url.path)/grid.json in 2 tasks, into \(sandbox.url.path)/runner.db): if its jobs are queued"), "\(queued)")
        // ... and once it has, their runs would be merged with this job's.
        try sandbox.write("jobs/shards/0.db", "")
        try sandbox.succeed("slurm", spec, "--tasks", "2", "--cpus-per-task", "2", "--time", "20:00", "--dir", "jobs")
        let scripts = [sandbox.contents("jobs/array.sbatch"), sandbox.contents("jobs/merge.sbatch"), sandbox.contents("jobs/submission.json")]
        for arguments in [[spec, "--tasks", "3"], [spec, "--tasks", "2", "--db", "other.db"], [spec, other, "--tasks", "2"]] {
            let refused = try RunnerProcess.run(["slurm"] + arguments + ["--dir", "jobs"], in: sandbox.url)
            #expect(refused.status == 1 && refused.stderr.hasPrefix("Error: \(sandbox.url.path)/jobs/shards holds 1 shard file of another submission (\(sandbox.url.path)/grid.json in 2 tasks, into \(sandbox.url.path)/runner.db); this job would mix their runs with its own."), "\(arguments): \(refused)")
            #expect(refused.stderr.contains("Nothing was written or submitted."))
            #expect([sandbox.contents("jobs/array.sbatch"), sandbox.contents("jobs/merge.sbatch"), sandbox.contents("jobs/submission.json")] == scripts)
        }
        // A spec edited in place is another study too.
        let edited = try sandbox.spec("grid", Spec.small(name: "grid", seed: "[1, 2, 3, 4]"))
        let changed = try RunnerProcess.run(["slurm", edited, "--tasks", "2", "--dir", "jobs"], in: sandbox.url)
        #expect(changed.status == 1 && changed.stderr.contains("into \(sandbox.url.path)/runner.db, whose spec files have changed since); this job would mix"), "\(changed)")

        let noSbatch = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "other", "--submit", environment: ["PATH": "/nonexistent"])
        #expect(noSbatch.status != 0 && noSbatch.stderr.contains("sbatch is not on the PATH"), "\(noSbatch)")
        #expect(sandbox.contents("other/array.sbatch") == nil, "nothing written")

        try sandbox.write("bad.json", #"{"model": {"hidden": 0}}"#)
        let bad = try sandbox.runner("slurm", spec, "bad.json", "--tasks", "2", "--dir", "third")
        #expect(bad.status != 0 && bad.stderr.contains("Nothing was written or submitted"), "\(bad)")
        #expect(sandbox.contents("third/array.sbatch") == nil)

        // A target the merge job could not write is refused now, not after the array ran.
        try sandbox.write("notes.txt", "not a database")
        let target = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "fourth", "--db", "notes.txt")
        #expect(target.status == 1 && target.stderr.contains("--db: \(sandbox.url.path)/notes.txt is not a usable SQLite database"), "\(target)")
        #expect(sandbox.contents("fourth/array.sbatch") == nil)
        // A file where the folder should be is named, in one line, not as a Foundation error.
        let blocked = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "notes.txt")
        #expect(blocked.status == 1 && blocked.stderr == "Error: cannot write the job scripts under \(sandbox.url.path)/notes.txt: a file is in the way of a folder it needs; choose a folder you can write with --dir.\n", "\(blocked)")
        // An empty --dir, and a spec the tasks could not read again (a pipe), are refused before anything is written.
        let empty = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "")
        #expect(empty.status == 64 && empty.stderr.hasPrefix("Error: --dir must name a folder, got an empty path."), "\(empty)")
        let time = try sandbox.runner("slurm", spec, "--tasks", "2", "--dir", "sixth", "--time", "banana")
        #expect(time.status == 64 && time.stderr.hasPrefix("Error: --time banana is not a Slurm time limit"), "\(time)")
        #expect(sandbox.contents("sixth/array.sbatch") == nil)
        for limit in ["90", "1:30:00", "2-12:30", "UNLIMITED"] {
            try sandbox.succeed("slurm", spec, "--tasks", "1", "--dir", "limit-\(limit)", "--time", limit)
        }
        // A group of ".." gets a folder of its own under slurm/, not the current folder.
        let dots = try sandbox.spec("dots", #"{"group": "..", "data": {"points": 20}, "training": {"epochs": 1}}"#)
        let dotted = try sandbox.succeed("slurm", dots, "--tasks", "1")
        #expect(dotted.stdout.contains("wrote \(sandbox.url.path)/slurm/__/array.sbatch"), "\(dotted)")
        #expect(sandbox.contents("array.sbatch") == nil && sandbox.contents("slurm/array.sbatch") == nil)
        // The tasks check each spec file on a line of its own.
        let broken = try sandbox.spec("line\nbreak", Spec.small(name: "broken"))
        let newline = try sandbox.runner("slurm", broken, "--tasks", "2", "--dir", "seventh")
        #expect(newline.status == 1 && newline.stderr.contains("line\\nbreak.json\" holds a line break"), "\(newline)")
        #expect(sandbox.contents("seventh/array.sbatch") == nil)
        let piped = try runTool("/bin/bash", ["-c", "cd '\(sandbox.url.path)' && '\(RunnerBinary.url.path)' slurm <(cat '\(spec)') --tasks 2 --dir fifth"])
        #expect(piped.status == 64 && piped.stderr.contains("is a pipe: the cluster's tasks read their spec files when they start"), "\(piped)")
        #expect(sandbox.contents("array.sbatch") == nil && sandbox.contents("fifth/array.sbatch") == nil)
    }
}
