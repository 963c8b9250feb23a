import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore
import Synchronization

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

            The runs train --jobs at a time; each one's lines come as it ends.

            Example:
              runner rerun 1a2b3c4d
              runner rerun --group practical-sweep --quiet
            """)

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var jobs: JobsOption

    @Flag(name: .shortAndLong, help: "Print only the summary, no progress.")
    var quiet = false

    func validate() throws {
        try selection.requireChoice(toDo: "train again")
    }

    func run() throws {
        let store = try database.openForChanging()
        defer { store.close() }
        let originals = try selection.summaries(in: store)
        let reruns: [TrainingJob]
        do {
            reruns = try TrainingJob.reruns(of: originals.map(\.id), in: store)
        } catch {
            throw CLIError("\(error)\nNothing was run and the database was not changed.")
        }
        let progress = RunCommand.progress(quiet: quiet)
        try store.waitingForLocks(RunCommand.lockWaiting(clearing: progress)) {
            try train(reruns, rerunning: originals, in: store, progress: progress)
        }
    }

    /// Trains `reruns`, the reruns of `originals`, `--jobs` at a time, and says how each
    /// compares with its original.
    private func train(_ reruns: [TrainingJob], rerunning originals: [RunSummary], in store: ExperimentStore, progress: any ProgressReporter) throws {
        let (interruption, suspension) = RunCommand.watchSignals(of: store, clearing: progress)
        defer { withExtendedLifetime(suspension) {} }
        let recorder = RunRecorder(store: store)
        let executor = RunExecutor(recorder: recorder, progress: progress, interruption: interruption)
        progress.planStarted(total: reruns.count)
        let counts = Mutex((trained: 0, differing: 0))
        let outcome = Result {
            try executor.execute(reruns, workers: jobs.requested(forRuns: reruns.count)) { index, result in
                let original = originals[index]
                counts.withLock { $0.trained += 1 }
                // The summary line first, whatever happens to the tag and the comparison.
                var failure: (any Error)?
                progress.runFinished(result.identity.shortID) {
                    write(RunCommand.summaryLine(result))
                    do {
                        try store.setTags([RunTag(key: "rerun_of", value: original.shortID)], on: [result.identity.id])
                        let verdict = try Self.verdict(on: result, rerunning: original, in: store)
                        if verdict.differs { counts.withLock { $0.differing += 1 } }
                        write("  \(verdict.line)\n")
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
            }
        }
        // Every epoch already handed to the recorder is committed, even after a failure.
        let closing = Result { try recorder.close() }
        progress.clear()
        // What could not be recorded comes first: it says what to do about the runs.
        try closing.get()
        try outcome.get()
        let (trained, differing) = counts.withLock { $0 }
        if let reason = interruption.reason {
            note("runner: \(reason); \(plural(reruns.count - trained, "run")) not started.")
            throw ExitCode(interruption.exitStatus)
        }
        if differing > 0 {
            note("runner: \(differing) of \(trained) rerun\(trained == 1 ? "" : "s") ended with other final weights than the original: those results did not reproduce")
            throw ExitCode.failure
        }
    }

    /// How the stored rerun `result` compares with `original`: its line, and whether their
    /// final weights differ.
    private static func verdict(on result: RunResult, rerunning original: RunSummary, in store: ExperimentStore) throws -> (line: String, differs: Bool) {
        // A rerun stopped early (Ctrl-C, another run's failure, a failed write) is no verdict.
        guard [.completed, .diverged].contains(result.status) else {
            return ("stopped \(result.status.rawValue) after \(plural(result.epochsCompleted, "epoch")): not compared with \(original.shortID)", false)
        }
        // An interrupted or failed original stopped before its last epoch: its weights are
        // not what the rerun, trained to the end, must reproduce.
        guard [.completed, .diverged].contains(original.status) else {
            return ("\(original.shortID) was \(original.status.rawValue) after \(plural(original.epochsCompleted, "epoch")): no final weights to compare with", false)
        }
        let originalWeights = try store.weights(of: original.id).map(\.values.bitPatterns)
        guard !originalWeights.isEmpty else {
            return ("\(original.shortID) has no final weights to compare with", false)
        }
        let same = try store.weights(of: result.identity.id).map(\.values.bitPatterns) == originalWeights
        return ("\(same ? "same final weights as" : "final weights differ from") \(original.shortID), bit for bit", !same)
    }
}

private extension Array where Element == Double {
    /// The exact bits of each number (NaN and −0 included).
    var bitPatterns: [UInt64] { map(\.bitPattern) }
}
