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
            whether its final weights equal the original's bit for bit: run it after an upgrade \
            to check that results still reproduce.

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
        let plan: RunPlan
        do {
            plan = try RunPlan.rerun(originals.map(\.id), store: store)
        } catch {
            throw CLIError("\(error)\nNothing was run and the database was not changed.")
        }
        let interruption = InterruptionMonitor()
        let executor = RunExecutor(store: store, progress: RunCommand.progress(quiet: quiet), interruption: interruption)
        var index = 0
        try executor.execute(plan) { result in
            let original = originals[index]
            index += 1
            write(RunCommand.summaryLine(result))
            do {
                try store.setTags([RunTag(key: "rerun_of", value: original.shortID)], on: [result.identity.id])
                let same = try store.weights(of: result.identity.id).map(\.values.bitPatterns) == store.weights(of: original.id).map(\.values.bitPatterns)
                write("  \(same ? "same final weights as" : "final weights differ from") \(original.shortID), bit for bit\n")
            } catch {
                note("runner: could not compare with \(original.shortID): \(error)")
            }
        }
        if let reason = interruption.reason {
            note("runner: \(reason); \(plan.jobs.count - index) run(s) not started.")
            throw ExitCode(130)
        }
    }
}

private extension Array where Element == Double {
    /// The exact bits of each number (NaN and −0 included).
    var bitPatterns: [UInt64] { map(\.bitPattern) }
}
