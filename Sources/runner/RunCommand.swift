import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train every run of the given spec files and record them in the database.",
        discussion: """
            All specs are validated and their data read before anything is written. A spec with \
            lists in place of values is a sweep: every combination runs, recorded as one group. \
            Runs train --jobs at a time; a run whose identical experiment already finished in the \
            database is skipped (one another live process trains is waited for), so running the \
            same command again resumes an interrupted sweep. Ctrl-C stops every run in flight after its \
            current epoch and records it as interrupted.

            Example:
              runner run experiments/practical-default.json
              runner run experiments/practical-sweep.json --db sweep.db --jobs 8
              runner run experiments/practical-sweep.json --shard 0/4 --db shard-0.db
              runner run experiments/moons.json --set training.learning_rate=0.1 \\
                  --set 'model.hidden=[5,7]'
            """)

    @Argument(help: ArgumentHelp("Experiment spec files (JSON); see docs/spec.md.", valueName: "spec"))
    var specs: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Set a spec field for this run, e.g. training.learning_rate=0.1 (JSON value; a list sweeps). Repeatable.",
        valueName: "path=value"))
    var overrides: [String] = []

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var jobs: JobsOption

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Train only the runs whose position in the plan is ≡ i mod n (0 ≤ i < n); n processes with i = 0 … n-1 cover the plan once.",
        valueName: "i/n"))
    var shard: String?

    @Flag(help: "Train every run, even those whose identical experiment already finished in the database.")
    var rerun = false

    @Option(help: ArgumentHelp(
        "Skip the runs at the plan positions (0-based) this file lists, one per line; runner slurm writes it for its tasks.",
        valueName: "file"))
    var skipPositions: String?

    @Flag(name: .shortAndLong, help: "Print only the summary, no progress.")
    var quiet = false

    /// Plans of more runs than this get `--aggregate` in the closing hint: their comparison
    /// would be a table of thousands of rows.
    static let runsWorthAggregating = 500

    func validate() throws {
        if let shard { _ = try Self.shardSpace(shard) }
    }

    /// The ids and positions of `--shard i/n`.
    static func shardSpace(_ text: String) throws -> RunIDSpace {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw refusedValue("--shard expects i/n with whole numbers, e.g. --shard 0/4, got '\(text)'.")
        }
        guard count >= 1 else {
            throw refusedValue("--shard \(text): the number of shards n must be at least 1, e.g. --shard 0/4.")
        }
        // More shards than a spec's runs would only be empty; each shard also needs short ids of its own.
        guard count <= SpecFile.maximumRuns else {
            throw refusedValue("--shard \(text): at most \(Format.count(SpecFile.maximumRuns)) shards, as many as a spec's runs.")
        }
        guard (0..<count).contains(index) else {
            throw refusedValue("--shard \(text): shards of \(count) are numbered 0 to \(count - 1) (i must satisfy 0 ≤ i < n).")
        }
        return RunIDSpace(index: index, count: count)
    }

    func run() throws {
        let plan: RunPlan
        do {
            plan = try RunPlan.load(specPaths: specs, overrides: overrides.map(SpecOverride.init(parsing:))) { note("runner: \($0)") }
        } catch {
            throw CLIError("\(error)\nNothing was run and the database was not changed.")
        }
        let requestedJobs = jobs.requested(forRuns: plan.count)
        let shardSpace = try shard.map(Self.shardSpace) ?? .all
        let skipping: Set<Int>
        do {
            skipping = try skipPositions.map { try PositionList.read(path: $0, for: plan) } ?? []
        } catch {
            throw CLIError("--skip-positions: \(error)\nNothing was run and the database was not changed.")
        }
        let options = ExecutionOptions(jobs: plan.jobsThatFit(requestedJobs), shard: shardSpace, rerun: rerun, skipping: skipping)
        if options.shard.count > 1 && RunExecutor.positions(of: plan, shard: options.shard).underestimatedCount == 0 {
            note("runner: shard \(options.shard.index)/\(options.shard.count) has no runs to train: the plan holds \(plural(plan.count, "run"))")
        }
        if options.jobs < requestedJobs {
            note("runner: training \(options.jobs) runs at once rather than \(requestedJobs): the largest run needs about \(MemoryEstimate.describe(plan.largestRunBytes)) of memory")
        }
        let store = try database.openForWriting()
        defer { store.close() }
        let progress = Self.progress(quiet: quiet)
        let summary = try store.waitingForLocks(Self.lockWaiting(clearing: progress)) {
            let (interruption, suspension) = Self.watchSignals(of: store, clearing: progress)
            defer { withExtendedLifetime(suspension) {} }
            let recorder = RunRecorder(store: store) { queued in
                progress.clear()
                note(Self.fallingBehindNote(queued: queued))
            }
            let executor = RunExecutor(recorder: recorder, progress: progress, interruption: interruption)
            let outcome = Result {
                try executor.execute(plan, options: options, onWaiting: { runs in
                    progress.clear()
                    note("runner: another runner process is training \(plural(runs, "run")) of this plan: waiting for \(runs == 1 ? "it" : "them") to end "
                        + "(a run whose process is gone is trained here: at once on this host, after 10 minutes without a heartbeat from "
                        + "another); Ctrl-C stops waiting")
                }) { write(Self.summaryLine($0)) }
            }
            // Every epoch already handed to the recorder is committed, even after a failure.
            let closing = Result { try recorder.close() }
            progress.clear()
            // What could not be recorded comes first: it says what to do about the runs.
            try closing.get()
            let summary = try outcome.get()
            return (summary, interruption)
        }
        report(summary.0, plan: plan, interrupted: summary.1.reason != nil)
        if let reason = summary.1.reason {
            note("runner: \(reason); \(Self.leftUndone(summary.0)).")
            throw ExitCode(summary.1.exitStatus)
        }
    }

    /// What an interruption left to train: "1 run interrupted, 4 runs not started (run the
    /// same command again to train them)", the runs left to another process, or that it
    /// came after the last run ended.
    static func leftUndone(_ summary: ExecutionSummary) -> String {
        let counts = [(summary.interrupted, "interrupted"), (summary.notStarted, "not started")].filter { $0.0 > 0 }
        let elsewhere = summary.inProgressElsewhere > 0
            ? "\(plural(summary.inProgressElsewhere, "run")) left to the other runner process training \(summary.inProgressElsewhere == 1 ? "it" : "them")" : nil
        guard !counts.isEmpty else {
            return elsewhere.map { "\($0) (run the same command again once that process has ended, to train any it leaves)" }
                ?? "every run had ended and is recorded"
        }
        return (counts.map { "\(plural($0.0, "run")) \($0.1)" } + [elsewhere].compactMap { $0 }).joined(separator: ", ")
            + " (run the same command again to train them)"
    }

    private func report(_ summary: ExecutionSummary, plan: RunPlan, interrupted: Bool) {
        if summary.listed > 0, let skipPositions {
            note("skipped \(plural(summary.listed, "run")) listed in \(skipPositions)")
        }
        if summary.alreadyFinished > 0 {
            note("skipped \(plural(summary.alreadyFinished, "run")) already in \(database.path) (--rerun to train \(summary.alreadyFinished == 1 ? "it" : "them") again)")
        }
        if summary.inProgressElsewhere > 0 && !interrupted {
            note("skipped \(plural(summary.inProgressElsewhere, "run")) that another runner process trained meanwhile")
        }
        if summary.repeatedInPlan > 0 {
            note("skipped \(plural(summary.repeatedInPlan, "run")) repeating an earlier run of this plan (the same experiment, given twice)")
        }
        let groups = Set(plan.sweeps.compactMap { $0.first?.group })
        // Worth it when the plan holds several experiments (not one spec given twice).
        if groups.count == 1, plan.count - summary.repeatedInPlan > 1, summary.trained > 0, !interrupted {
            // With the database named on the command line, so that the hint works as printed; for a
            // study too large to read run by run, one row per setting.
            let aggregate = plan.count > Self.runsWorthAggregating ? " --aggregate" : ""
            note("Compare them: runner compare --group \(shellQuoted(groups.first!))\(aggregate)" + (database.db.map { " --db \(shellQuoted($0))" } ?? ""))
        }
    }

    /// Why training waits, said once when `queued` epochs wait for a writer that cannot keep up.
    static func fallingBehindNote(queued: Int) -> String {
        "runner: training makes epochs faster than one database file can record them (\(Format.count(queued)) are waiting in memory), "
            + "so it now waits for the writer. To spread many runs over more cores than one file keeps up with, train shards into "
            + "files of their own and merge them: `--shard i/n`, then `runner merge` (README, \"Scaling out\")."
    }

    /// How training writes wait for other processes' locks: as long as they are held, saying
    /// so on stderr (below the progress display) while runs go on training.
    static func lockWaiting(clearing progress: any ProgressReporter) -> LockWaiting {
        .patient(reportAfter: 5) { wait in
            progress.clear()
            note("runner: \(wait); runs in flight keep training, and their epochs are written when the lock frees")
        }
    }

    /// What `run` and `rerun` watch while they train: Ctrl-C and the other stopping signals
    /// (saying at once that the runs in flight stop after their epoch, which can take
    /// minutes), and Ctrl-Z, which waits for the end of a transaction. Keep both alive.
    static func watchSignals(of store: ExperimentStore, clearing progress: any ProgressReporter) -> (InterruptionMonitor, SuspensionHandler) {
        let interruption = InterruptionMonitor()
        interruption.whenSignalled { _ in
            progress.clear()
            note("runner: stopping each run in flight after its current epoch; a second Ctrl-C stops at once (the runs then count as interrupted when next read)")
        }
        return (interruption, SuspensionHandler(store: store) { progress.clear() })
    }

    /// Progress on standard error: none when quiet, a live display on a terminal, plain lines elsewhere.
    static func progress(quiet: Bool) -> any ProgressReporter {
        quiet ? SilentProgress() as any ProgressReporter
            : Terminal.isTerminal(STDERR_FILENO) ? TerminalProgress() as any ProgressReporter : LineProgress()
    }

    /// "1a2b3c4d  name  completed  100 epochs  train_acc 0.962  val_acc 0.950  0.21 s", fitted to
    /// the terminal's width when standard output is one.
    static func summaryLine(_ result: RunResult) -> String {
        var status = result.status.rawValue
        if let epoch = result.divergedAtEpoch { status += " at epoch \(epoch)" }
        var epochs = result.epochsCompleted == 1 ? "1 epoch" : "\(result.epochsCompleted) epochs"
        // A run that failed on a write may have trained epochs that could not be stored.
        if result.status == .failed { epochs += " trained" }
        var parts = [result.identity.shortID, result.name, status, epochs]
        if let last = result.finalEpoch {
            parts.append("train_loss \(Format.metric(last.training.loss))  train_acc \(Format.accuracy(last.training.accuracy))")
            if let validation = last.validation {
                parts.append("val_loss \(Format.metric(validation.loss))  val_acc \(Format.accuracy(validation.accuracy))")
            }
        }
        parts.append(Format.duration(result.seconds))
        let lines = TerminalSize.columns(of: STDOUT_FILENO).map { TerminalSize.fit(parts, flexible: 1, width: $0 - 1) }
            ?? [parts.joined(separator: "  ")]
        let text = lines.joined(separator: "\n") + "\n"
        // Colour once the widths are settled: its escape codes take no columns.
        guard Terminal.usesColor else { return text }
        return text.replacingOccurrences(of: "  \(status)", with: "  " + Terminal.colored(status, status: result.status), options: [], range: nil)
    }
}
