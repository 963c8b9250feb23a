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
            Ctrl-C stops after the current epoch and records the run as interrupted.

            Example:
              runner run experiments/practical-default.json
              runner run experiments/practical-sweep.json --db sweep.db --quiet
            """)

    @Argument(help: ArgumentHelp("Experiment spec files (JSON); see docs/spec.md.", valueName: "spec"))
    var specs: [String]

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .shortAndLong, help: "Print only the summary, no progress.")
    var quiet = false

    func run() throws {
        let plan: RunPlan
        do {
            plan = try RunPlan.load(specPaths: specs)
        } catch {
            throw CLIError("\(error)\nNothing was run and the database was not changed.")
        }
        let store = try ExperimentStore(path: database.path)
        defer { store.close() }
        let interruption = InterruptionMonitor()
        let progress: any ProgressReporter = quiet ? SilentProgress() as any ProgressReporter
            : Terminal.isTerminal(STDERR_FILENO) ? TerminalProgress() as any ProgressReporter : LineProgress()
        let executor = RunExecutor(store: store, progress: progress, interruption: interruption)

        let results = try executor.execute(plan) { write(summaryLine($0)) }
        if let reason = interruption.reason {
            let skipped = plan.jobs.count - results.count
            note("runner: \(reason); \(skipped) run(s) not started.")
            throw ExitCode(interruption.signalReceived == SIGPIPE ? 141 : 130)
        }
        if Set(plan.jobs.map(\.spec.group)).count == 1, plan.jobs.count > 1 {
            note("Compare them: runner compare --group \(shellQuoted(plan.jobs[0].spec.group))")
        }
    }

    /// "1a2b3c4d  name  completed  100 epochs  train_acc 0.962  val_acc 0.950  0.21 s"
    private func summaryLine(_ result: RunResult) -> String {
        var status = result.status.rawValue
        if let epoch = result.divergedAtEpoch { status += " at epoch \(epoch)" }
        var parts = [result.identity.shortID, result.name, Terminal.colored(status, status: result.status), result.epochsCompleted == 1 ? "1 epoch" : "\(result.epochsCompleted) epochs"]
        if let last = result.finalEpoch {
            parts.append("train_loss \(Format.metric(last.training.loss))  train_acc \(Format.accuracy(last.training.accuracy))")
            if let validation = last.validation {
                parts.append("val_loss \(Format.metric(validation.loss))  val_acc \(Format.accuracy(validation.accuracy))")
            }
        }
        parts.append(Format.duration(result.seconds))
        return parts.joined(separator: "  ") + "\n"
    }

    private func shellQuoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
