import Foundation

/// The scripts that train a plan on a Slurm cluster: a job array whose task i trains
/// shard i/N of the plan into its own SQLite file, and a merge job that runs after every
/// task (`afterany`) and merges the shard files into the target database.
///
/// One file per task because SQLite's file locking is unreliable on network file systems,
/// where a cluster's shared folders live; the shards are merged once the tasks are done.
public struct SlurmJob: Sendable {
    /// The `runner` binary the cluster runs, by absolute path.
    public var runner: String
    /// The spec files, by absolute path.
    public var specs: [String]
    /// The SHA-256 of each spec file's bytes, as `sha256sum` prints it.
    public var specDigests: [String]
    /// Array tasks (shards).
    public var tasks: Int
    /// Processors per task; each task trains that many runs at once.
    public var cpusPerTask: Int
    public var partition: String?
    public var timeLimit: String?
    public var account: String?
    /// The folder of the scripts, shard files and logs, absolute.
    public var directory: String
    /// The database the shards are merged into, absolute.
    public var target: String
    /// Names the jobs in `squeue`.
    public var name: String
    /// The plan's positions the tasks do not train: runs already finished in the target when
    /// the job is written, and runs repeating an earlier run of the plan (see `RunPlan.positionsDone`).
    public var positionsDone: (finished: [Int], repeated: [Int]) = ([], [])

    public init(
        runner: String, specs: [String], specDigests: [String], tasks: Int, cpusPerTask: Int, partition: String?, timeLimit: String?,
        account: String?, directory: String, target: String, name: String
    ) {
        self.runner = runner
        self.specs = specs
        self.specDigests = specDigests
        self.tasks = tasks
        self.cpusPerTask = cpusPerTask
        self.partition = partition
        self.timeLimit = timeLimit
        self.account = account
        self.directory = directory
        self.target = target
        self.name = name
    }

    public var arrayScriptPath: String { directory + "/array.sbatch" }
    public var mergeScriptPath: String { directory + "/merge.sbatch" }
    public var shardFolder: String { directory + "/shards" }
    public var logFolder: String { directory + "/logs" }
    /// The list of `positionsDone` (see `PositionList`), written even when empty: tasks still
    /// queued from an earlier writing of the same job read it too.
    public var skipListPath: String { directory + "/skipped-runs.txt" }

    /// The positions the tasks pass over, in plan order.
    public var skipped: [Int] { (positionsDone.finished + positionsDone.repeated).sorted() }

    /// How many tasks have no run to train, of a plan of `planCount` runs.
    public func idleTasks(planCount: Int) -> Int {
        let skipped = Set(skipped)
        var busy = Set<Int>()
        for position in 0..<planCount where !skipped.contains(position) {
            busy.insert(position % tasks)
            if busy.count == tasks { break }
        }
        return tasks - busy.count
    }

    /// The job array: task i runs `runner run SPECS --shard i/N --jobs C --db shards/i.db`,
    /// passing over the runs `skipListPath` lists, once `sha256sum` has found the spec files
    /// as they were submitted (shards of an edited plan would not cover the submitted one).
    public var arrayScript: String {
        let specs = specs.map(shellQuoted).joined(separator: " ")
        let digests = zip(specDigests, self.specs).map { "\($0)  \($1)" }.joined(separator: "\n")
        return header(jobName: name, output: "\(logFolder)/task-%a.out", extra: [
            "--array=0-\(tasks - 1)", "--cpus-per-task=\(cpusPerTask)",
        ]) + """
            # Task i trains the runs of the plan at positions ≡ i mod \(tasks) into its own SQLite file,
            # but those \(skipListPath) lists, which were done when the job was written.
            # Resubmitting a failed or preempted task (sbatch --array=i \(shellQuoted(arrayScriptPath)))
            # skips the runs its shard file already holds as finished.
            if ! sha256sum --check --quiet --strict <<'SPECS'
            \(digests)
            SPECS
            then
                echo "runner slurm: a spec file changed since this job was submitted, so its shards would not cover the plan" \\
                    "the other tasks train; submit the study again (runner slurm, with its own --dir)." >&2
                exit 1
            fi
            exec \(shellQuoted(runner)) run \(specs) --quiet \\
                --shard "${SLURM_ARRAY_TASK_ID}/\(tasks)" --jobs "${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}" \\
                --db \(shellQuoted(shardFolder))/"${SLURM_ARRAY_TASK_ID}.db" --skip-positions \(shellQuoted(skipListPath))

            """
    }

    /// The merge job, run after every task of the array has ended, whatever its state: it
    /// merges the shard files of this job's tasks, those that hold something, and no other
    /// file; it names the tasks that left none (and then exits 1, once the others are merged).
    public var mergeScript: String {
        header(jobName: name + "-merge", output: "\(logFolder)/merge.out", extra: []) + """
            # Merges the shard file of every task into the target; running it again later changes
            # nothing but what the shards gained since.
            shards=()
            missing=()
            for ((task = 0; task < \(tasks); task++)); do
                shard=\(shellQuoted(shardFolder))/"$task.db"
                # A task killed as it started can leave an empty file.
                if [ -s "$shard" ]; then shards+=("$shard"); else missing+=("$task"); fi
            done
            if [ ${#missing[@]} -gt 0 ]; then
                echo "runner slurm: no shard file, or an empty one, of task ${missing[*]}: see \(logFolder)/task-<i>.out," \\
                    "resubmit with sbatch --array=<i> \(shellQuoted(arrayScriptPath)), then merge again" >&2
            fi
            if [ ${#shards[@]} -gt 0 ]; then
                \(shellQuoted(runner)) merge "${shards[@]}" --db \(shellQuoted(target))
            fi
            [ ${#missing[@]} -eq 0 ]

            """
    }

    /// What the shard files of a folder are the shards of: the specs (by path and by the
    /// digest of their bytes), split into `tasks` shards, for `target`. It is written next to
    /// the scripts (`submission.json`).
    public struct Submission: Codable, Equatable, Sendable {
        public var specs: [String]
        public var specDigests: [String]
        public var tasks: Int
        public var target: String
    }

    public var submission: Submission { Submission(specs: specs, specDigests: specDigests, tasks: tasks, target: target) }
    public var submissionPath: String { directory + "/submission.json" }

    /// Why this job must not use its folder, when another submission uses it (other specs or
    /// spec files edited since, another number of tasks or another target): its shard files
    /// hold runs this job's merge would take in, or its jobs, if still queued, would write
    /// the same shard files. Nil for a new folder, or this very submission written again.
    public func conflict() -> String? {
        let shards = ((try? FileManager.default.contentsOfDirectory(atPath: shardFolder)) ?? []).filter { $0.hasSuffix(".db") }
        let recorded = FileManager.default.fileExists(atPath: submissionPath)
        let earlier = (try? Data(contentsOf: URL(fileURLWithPath: submissionPath))).flatMap { try? JSONDecoder().decode(Submission.self, from: $0) }
        guard earlier != submission, !shards.isEmpty || recorded else { return nil }
        let what = earlier.map { earlier in
            let edited = earlier.specs == specs && earlier.specDigests != specDigests ? ", whose spec files have changed since" : ""
            return "another submission (\(earlier.specs.joined(separator: ", ")) in \(earlier.tasks) task\(earlier.tasks == 1 ? "" : "s"), "
                + "into \(earlier.target)\(edited))"
        } ?? "a submission runner slurm did not record"
        let fix = "give this study a folder of its own with --dir"
        guard !shards.isEmpty else {
            return "\(directory) holds the scripts of \(what): if its jobs are queued, they would write the same shard files as this one's. "
                + "Remove the folder if they are not, or \(fix)."
        }
        return "\(shardFolder) holds \(shards.count) shard file\(shards.count == 1 ? "" : "s") of \(what); this job would mix their runs "
            + "with its own. Merge them where they belong and remove the folder, or \(fix)."
    }

    private func header(jobName: String, output: String, extra: [String]) -> String {
        // Appended to, so that a resubmitted task's log keeps the failed attempt's.
        // sbatch splits #SBATCH lines at spaces, unless quoted: a folder may have one.
        var options = ["--job-name=\(jobName)", "--output=\"\(output)\"", "--open-mode=append"] + extra
        if let partition { options.append("--partition=\"\(partition)\"") }
        if let timeLimit { options.append("--time=\(timeLimit)") }
        if let account { options.append("--account=\"\(account)\"") }
        return "#!/bin/bash\n# Written by `runner slurm`; see the README's \"Scaling out\".\n"
            + options.map { "#SBATCH \($0)\n" }.joined() + "set -euo pipefail\n"
    }

    /// Writes both scripts, the list of runs skipped and the submission, and creates the
    /// shard and log folders.
    public func write(for plan: RunPlan) throws {
        for folder in [directory, shardFolder, logFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try arrayScript.write(toFile: arrayScriptPath, atomically: true, encoding: .utf8)
        try mergeScript.write(toFile: mergeScriptPath, atomically: true, encoding: .utf8)
        let comment = "Plan positions (0-based) of the runs the tasks of \(arrayScriptPath) do not train:\n"
            + "\(Format.count(positionsDone.finished.count)) finished in \(target) when the job was written, "
            + "\(Format.count(positionsDone.repeated.count)) repeating an earlier run of the plan."
        try PositionList.text(skipped, of: plan, comment: comment).write(toFile: skipListPath, atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(submission).write(to: URL(fileURLWithPath: submissionPath), options: .atomic)
    }
}
