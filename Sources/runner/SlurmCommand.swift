import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Train the given specs on a Slurm cluster: a job array of shards, then a merge job.",
        discussion: """
            Validates every spec, then writes under --dir an sbatch script for a job array of \
            --tasks tasks, task i training shard i/N of the plan into its own SQLite file \
            (SQLite's locking is unreliable on the network file systems clusters share), and a \
            merge job that runs after every task and merges the shards into --db. Runs whose \
            identical experiment already finished in --db (an extended study) are listed for the \
            tasks to pass over, unless --rerun. With --submit it submits both.

            Example:
              runner slurm experiments/practical-sweep.json --tasks 4 --submit
              runner slurm big-study.json --tasks 200 --cpus-per-task 8 --partition cpu \\
                  --time 2:00:00 --db study.db
            """)

    @Argument(help: ArgumentHelp("Experiment spec files (JSON); see docs/spec.md.", valueName: "spec"))
    var specs: [String]

    @Option(parsing: .unconditional, help: ArgumentHelp("Array tasks: the plan is split into this many shards.", valueName: "n"))
    var tasks: Int

    @Option(parsing: .unconditional, help: ArgumentHelp("Processors per task; each task trains this many runs at once.", valueName: "c"))
    var cpusPerTask = 1

    @Option(help: ArgumentHelp("Slurm partition (default: the cluster's).", valueName: "name"))
    var partition: String?

    @Option(help: ArgumentHelp("Time limit per task, in Slurm's format (e.g. 30:00 or 1-12:00:00).", valueName: "limit"))
    var time: String?

    @Option(help: ArgumentHelp("Slurm account to charge.", valueName: "name"))
    var account: String?

    @Option(help: ArgumentHelp("Folder for the scripts, shard files and logs (default: slurm/<group>).", valueName: "path"))
    var dir: String?

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Train every run, even those whose identical experiment already finished in --db.")
    var rerun = false

    @Flag(help: "Submit the array and the merge job with sbatch.")
    var submit = false

    func validate() throws {
        if tasks < 1 { throw refusedValue("--tasks must be at least 1, got \(tasks).") }
        // Each task trains shard i/N, and `runner run` takes at most as many shards as a spec's runs.
        if tasks > SpecFile.maximumRuns {
            throw refusedValue("--tasks \(tasks): at most \(Format.count(SpecFile.maximumRuns)), as many as a spec's runs (and clusters cap job arrays far lower: `scontrol show config | grep MaxArraySize`).")
        }
        if cpusPerTask < 1 { throw refusedValue("--cpus-per-task must be at least 1, got \(cpusPerTask).") }
        if dir?.isEmpty == true { throw refusedValue("--dir must name a folder, got an empty path.") }
        // The tasks read the spec files again when they start: a pipe would be gone by then.
        if let piped = specs.first(where: { FileKind.isPipe(atPath: $0) }) {
            throw refusedValue("\(piped) is a pipe: the cluster's tasks read their spec files when they start, so save it to a file first.")
        }
        for (name, value) in [("--partition", partition), ("--time", time), ("--account", account)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                throw refusedValue("\(name) must be one word without spaces or quotes, got '\(value)'.")
            }
        }
        if let time, !Self.isSlurmTime(time) {
            throw refusedValue("--time \(time) is not a Slurm time limit: write minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. --time 2:00:00), or UNLIMITED.")
        }
    }

    /// Whether `text` is a time limit in one of the forms sbatch's `--time` takes, so that a
    /// typo is caught here rather than when the scripts are submitted.
    static func isSlurmTime(_ text: String) -> Bool {
        if ["unlimited", "infinite"].contains(text.lowercased()) { return true }
        func numbers(_ part: Substring, atMost count: Int) -> Bool {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count <= count && fields.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        }
        let days = text.split(separator: "-", omittingEmptySubsequences: false)
        switch days.count {
        case 1: return numbers(days[0], atMost: 3)
        case 2: return numbers(days[0], atMost: 1) && numbers(days[1], atMost: 3)
        default: return false
        }
    }

    /// The group as one word, for the folder and the job name in `#SBATCH` lines: letters,
    /// digits, `-`, `_` and `.` as they are, anything else `_`, and never `.` or `..`, which
    /// would name this folder or the one above it rather than one of their own.
    static func word(_ group: String) -> String {
        let word = String(group.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        return word.allSatisfy { $0 == "." } ? String(repeating: "_", count: max(word.count, 1)) : word
    }

    func run() throws {
        if submit && Self.onPath("sbatch") == nil {
            throw CLIError("sbatch is not on the PATH: run `runner slurm --submit` on a Slurm login node, or leave out --submit to only write the scripts.")
        }
        let plan: RunPlan
        do {
            plan = try RunPlan.load(specPaths: specs) { note("runner: \($0)") }
        } catch {
            throw CLIError("\(error)\nNothing was written or submitted.")
        }
        guard let runner = Bundle.main.executableURL?.resolvingSymlinksInPath().path else {
            throw CLIError("cannot tell where this runner binary is; run it by its full path")
        }
        let group = Self.word(plan.sweeps.first?.first?.group ?? "runs")
        let specDigests = try specs.map { path in
            do {
                return sha256Hex(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw CLIError("cannot read \(path) again: \(error.localizedDescription)\nNothing was written or submitted.")
            }
        }
        var job = SlurmJob(
            runner: runner, specs: specs.map(Self.absolute), specDigests: specDigests, tasks: tasks, cpusPerTask: cpusPerTask,
            partition: partition, timeLimit: time, account: account,
            directory: Self.absolute(dir ?? "slurm/\(group)"),
            target: Self.absolute(database.path), name: "runner-\(group)")
        if job.target.hasPrefix(job.shardFolder + "/") {
            throw CLIError("--db \(job.target) is in the folder of this job's shard files, which its tasks write; "
                + "merge into a file elsewhere.\nNothing was written or submitted.")
        }
        do {
            try ExperimentStore.checkWritable(job.target)
        } catch {
            throw CLIError("--db: \(error)\nNothing was written or submitted.")
        }
        if job.directory.contains(where: { $0 == "\"" || $0.isNewline }) {
            throw CLIError("--dir: \(job.directory) holds a double quote or a line break, which an #SBATCH line cannot carry; "
                + "choose another folder with --dir.\nNothing was written or submitted.")
        }
        // Each task checks the spec files with sha256sum, one file a line.
        if let broken = job.specs.first(where: { $0.contains(where: \.isNewline) }) {
            throw CLIError("\(broken.debugDescription) holds a line break, which the tasks' check of the spec files cannot carry; "
                + "rename it.\nNothing was written or submitted.")
        }
        if let conflict = job.conflict() {
            throw CLIError("\(conflict)\nNothing was written or submitted.")
        }
        if !rerun {
            job.positionsDone = try Self.positionsDone(of: plan, target: job.target)
        }
        let done = job.skipped.count
        if done > 0 {
            let (finished, repeated) = (job.positionsDone.finished.count, job.positionsDone.repeated.count)
            let what = [
                finished == 0 ? nil : "\(plural(finished, "run")) already finished in \(job.target)",
                repeated == 0 ? nil : "\(plural(repeated, "run")) repeating an earlier run of the plan",
            ].compactMap { $0 }.joined(separator: " and ")
            // Repeats are trained once in any case: --rerun concerns only the target's runs.
            let rerun = finished == 0 ? "" : " (--rerun trains the finished ones again)"
            guard done < plan.count else {
                write("nothing to train: every run of the plan is done (\(what)), so nothing was written or submitted\(rerun)\n")
                return
            }
            note("runner: the tasks skip \(what)\(rerun)")
        }
        let recordedBefore = FileManager.default.fileExists(atPath: job.submissionPath)
        do {
            try job.write(for: plan)
        } catch {
            let reason = (error as? CocoaError)?.code == .fileWriteFileExists
                ? "a file is in the way of a folder it needs" : error.localizedDescription
            throw CLIError("cannot write the job scripts under \(job.directory): \(reason); choose a folder you can write with --dir.")
        }
        let size = "\(plural(tasks, "task")), \(plural(plan.count - done, "run"))" + (done > 0 ? " of \(Format.count(plan.count))" : "")
        let idle = job.idleTasks(planCount: plan.count)
        if idle > 0 {
            note("runner: the plan has \(plural(plan.count - done, "run")) to train, so \(Format.count(idle)) of the \(Format.count(tasks)) tasks \(idle == 1 ? "has" : "have") nothing to train")
        }
        guard submit else {
            write("""
                wrote \(job.arrayScriptPath) (\(size))
                wrote \(job.mergeScriptPath)
                submit them with:
                  jobid=$(sbatch --parsable \(shellQuoted(job.arrayScriptPath))) && sbatch --dependency=afterany:$jobid \(shellQuoted(job.mergeScriptPath))

                """)
            return
        }
        let array: String
        do {
            array = try Self.sbatch([job.arrayScriptPath])
        } catch {
            // Nothing is queued: a corrected command (fewer --tasks, say) must not be refused as another submission.
            if !recordedBefore { try? FileManager.default.removeItem(atPath: job.submissionPath) }
            throw error
        }
        let merge = try Self.sbatch(["--dependency=afterany:\(array)", job.mergeScriptPath])
        write("""
            submitted array job \(array) (\(size)) and merge job \(merge) (after every task)
            watch:          squeue -j \(array),\(merge)
            logs:           \(job.logFolder)/
            merge by hand:  bash \(shellQuoted(job.mergeScriptPath))   # once job \(merge) has ended
            failed task I:  sbatch --array=I \(shellQuoted(job.arrayScriptPath))   # then, once it has ended, merge by hand

            """)
    }

    /// The runs of `plan` not to train for `target`: those already finished there (an
    /// extended study), and those repeating an earlier run of the plan. Read on the login
    /// node as the job is written: the tasks never open the target, which the network file
    /// system's locking does not protect.
    private static func positionsDone(of plan: RunPlan, target: String) throws -> (finished: [Int], repeated: [Int]) {
        let finished: FinishedExperiments
        do {
            finished = try ExperimentStore.finishedExperiments(inDatabaseAt: target, groups: Set(plan.sweeps.map(\.group)))
        } catch .outdatedSchema {
            throw CLIError("--db: \(target) has an older runner schema, from which the runs already done cannot be told: "
                + "upgrade it with `runner migrate --db \(shellQuoted(target))` (the merge job would), or train every run with --rerun."
                + "\nNothing was written or submitted.")
        } catch {
            throw CLIError("--db: \(error)\nNothing was written or submitted.")
        }
        do {
            return try plan.positionsDone(finished: finished) { runs in
                note("runner: looking for runs done already among \(plural(runs, "run")) of the plan")
            }
        } catch {
            throw CLIError("\(error)\nNothing was written or submitted.")
        }
    }

    /// Submits with `sbatch --parsable` and returns the job id.
    private static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: onPath("sbatch")!)
        process.arguments = ["--parsable"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let id = printed.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard process.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw CLIError("sbatch \(arguments.joined(separator: " ")) failed: \(complaint.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return id
    }

    /// The full path of `command` on $PATH, if it is there.
    static func onPath(_ command: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(command)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
