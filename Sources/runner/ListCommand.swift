import ArgumentParser
import RunnerKit
import RunnerStore

extension RunStatus: ExpressibleByArgument {}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List recent runs, newest first.",
        discussion: """
            Example:
              runner list --status diverged
              runner list --group practical-sweep --limit 100 --format csv
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(name: .long, help: "Only runs with this status.")
    var status: RunStatus?

    @Option(name: .long, help: ArgumentHelp("Only runs whose name or group contains this text.", valueName: "text"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Only runs of exactly this group.", valueName: "name"))
    var group: String?

    @Option(name: .long, parsing: .unconditional, help: "At most this many runs.")
    var limit: Int = 20

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit needs a positive number, got \(limit).") }
    }

    func run() throws {
        let store = try database.openForReading()
        let filter = RunFilter(status: status, text: name, group: group, limit: limit)
        let runs = try store.runs(matching: filter)
        if runs.isEmpty {
            note("no runs match in \(store.path)")
        }
        write(output.fittedToTerminal(RunListing.table(runs)).rendered(as: output.format))
        if runs.count == limit, case let total = try store.countRuns(matching: filter), total > limit {
            note("\(limit) of \(total) runs; --limit N shows more")
        }
    }
}
