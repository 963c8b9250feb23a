import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete runs with their epochs, weights and tags, in one transaction.",
        discussion: """
            Lists the runs and what goes with them, then asks before deleting when standard \
            input is a terminal; elsewhere --yes is required. Data sets and spec sources that no \
            remaining run uses are deleted too. Running runs are never deleted.

            Example:
              runner delete --status diverged --dry-run
              runner delete --group practical-sweep --yes
            """)

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Show what would be deleted, delete nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Delete without asking.")
    var yes = false

    func validate() throws {
        try selection.requireChoice(toDo: "delete")
    }

    func run() throws {
        // A dry run only reads: no damage check of the whole file, no write lock.
        let store = try dryRun ? database.openForReading() : database.openForChanging()
        defer { store.close() }
        let runs = try selection.summaries(in: store)
        let ids = runs.map(\.id)
        write(RunListing.table(runs, tags: try store.tags(ofRuns: ids)).rendered(as: .table))
        if dryRun {
            note("dry run: would delete \(describe(try store.deletion(ofRuns: ids))); nothing was changed")
            return
        }
        if !yes {
            let preview = try store.deletion(ofRuns: ids)
            guard Terminal.isTerminal(STDIN_FILENO) else {
                throw CLIError("not deleting \(describe(preview)) without confirmation: standard input is not a terminal; add --yes (or --dry-run to look first)")
            }
            FileHandle.standardError.write(Data("Delete \(describe(preview))? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                note("nothing was deleted")
                throw ExitCode.failure
            }
        }
        note("deleted \(describe(try store.deleteRuns(ids: ids)))")
    }

    /// "3 runs, 300 epochs, 66 weights, 1 tag, 1 data set, 1 spec source".
    private func describe(_ deletion: Deletion) -> String {
        [
            plural(deletion.runs, "run"), plural(deletion.epochs, "epoch"), plural(deletion.weights, "weight"),
            plural(deletion.tags, "tag"), plural(deletion.datasets, "data set"), plural(deletion.specSources, "spec source"),
        ].joined(separator: ", ")
    }
}
