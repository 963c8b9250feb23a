import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

struct RerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Train stored runs again from their resolved specs and stored points.",
        discussion: """
            Each new run has the original's spec, name, group and spec source, trains on the \
            points stored with it, and is tagged rerun_of=<original id>. Afterwards runner says \
            whether its final weights equal the original's bit for bit, and exits with status 1 \
            when any differ: run it after an upgrade to check that results still reproduce. \
            (An interrupted or failed original has no final weights to compare with; its rerun \
            trains to the end.)

            Example:
              runner rerun 1a2b3c4d
              runner rerun --group practical-sweep --quiet
            """)

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions

    @Flag(name: .shortAndLong, help: "Print only the summary, no progress.")
    var quiet = false

    func validate() throws {
        try selection.requireChoice(toDo: "train again")
    }

    func run() throws {
        let store = try database.openForChanging()
        defer { store.close() }
        let originals = try selection.summaries(in: store)
        let jobs: [TrainingJob]
        do {
            jobs = try originals.map { try TrainingJob.rerun(of: $0.id, in: store) }
        } catch {
            throw CLIError("\(error)\nNothing was run and the database was not changed.")
        }
        let progress = RunCommand.progress(quiet: quiet)
        try store.waitingForLocks(RunCommand.lockWaiting(clearing: progress)) {
            try train(jobs, rerunning: originals, in: store, progress: progress)
        }
    }

    /// Trains `jobs`, the reruns of `originals`, and says how each compares with its original.
    private func train(_ jobs: [TrainingJob], rerunning originals: [RunSummary], in store: ExperimentStore, progress: any ProgressReporter) throws {
        let interruption = InterruptionMonitor()
        let recorder = RunRecorder(store: store)
        let executor = RunExecutor(recorder: recorder, progress: progress, interruption: interruption)
        progress.planStarted(total: jobs.count)
        var (trained, differing) = (0, 0)
        let outcome = Result {
            for (original, job) in zip(originals, jobs) where interruption.signalReceived == nil {
                guard let result = try executor.execute(job) else { continue }
                trained += 1
                progress.runFinished(result.identity.shortID) { write(RunCommand.summaryLine(result)) }
                try store.setTags([RunTag(key: "rerun_of", value: original.shortID)], on: [result.identity.id])
                // An interrupted or failed original stopped before its last epoch: its weights are
                // not what the rerun, trained to the end, must reproduce.
                guard [.completed, .diverged].contains(original.status) else {
                    write("  \(original.shortID) was \(original.status.rawValue) after \(plural(original.epochsCompleted, "epoch")): no final weights to compare with\n")
                    continue
                }
                let originalWeights = try store.weights(of: original.id).map(\.values.bitPatterns)
                guard !originalWeights.isEmpty else {
                    write("  \(original.shortID) has no final weights to compare with\n")
                    continue
                }
                let same = try store.weights(of: result.identity.id).map(\.values.bitPatterns) == originalWeights
                if !same { differing += 1 }
                write("  \(same ? "same final weights as" : "final weights differ from") \(original.shortID), bit for bit\n")
            }
        }
        // Every epoch already handed to the recorder is committed, even after a failure.
        let closing = Result { try recorder.close() }
        progress.clear()
        // What could not be recorded comes first: it says what to do about the runs.
        try closing.get()
        try outcome.get()
        if let reason = interruption.reason {
            note("runner: \(reason); \(plural(jobs.count - trained, "run")) not started.")
            throw ExitCode(interruption.exitStatus)
        }
        if differing > 0 {
            note("runner: \(differing) of \(trained) rerun\(trained == 1 ? "" : "s") ended with other final weights than the original: those results did not reproduce")
            throw ExitCode.failure
        }
    }
}

private extension Array where Element == Double {
    /// The exact bits of each number (NaN and −0 included).
    var bitPatterns: [UInt64] { map(\.bitPattern) }
}
