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
              runner list --tag baseline=yes --group a --group b
              runner show $(runner list --name practical-default --limit 1 -q)
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(name: .long, help: "Only runs with this status. Repeatable: any of them.")
    var status: [RunStatus] = []

    @Option(name: .long, help: ArgumentHelp("Only runs whose name or group contains this text. Repeatable: any of them.", valueName: "text"))
    var name: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only runs of exactly this group. Repeatable: any of them.", valueName: "name"))
    var group: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only runs with this tag. Repeatable: any of them.", valueName: "key=value"))
    var tag: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only runs whose spec sets this setting to this value (hidden=7, lr=0.02, init=he). Repeatable: one setting takes any of its values.",
        valueName: "setting=value"))
    var settings: [String] = []

    @Option(name: .long, parsing: .unconditional, help: "At most this many runs (default: 20).")
    var limit: Int?

    @Flag(name: .shortAndLong, help: "Print only the short ids, one per line (for $(runner list -q ...) in a shell).")
    var quiet = false

    func validate() throws {
        if let limit, limit < 1 { throw refusedValue("--limit needs a positive number, got \(limit).") }
        if quiet && output.format != .table {
            throw refusedValue("-q prints short ids, one per line, in no format; drop -q for the \(output.format.rawValue) listing, whose id column has them.")
        }
        _ = try parsedTags(tag)
        _ = try parsedSettings(settings)
    }

    func run() throws {
        let store = try database.openForReading()
        let tags = try parsedTags(tag)
        // A group or tag that no run has is a mistake, not an empty answer.
        for group in group where try store.runs(matching: RunFilter(groups: [group], limit: 1)).isEmpty {
            throw RunChoiceError.emptyGroup(group, existing: try store.groupNames())
        }
        for tag in tags where try store.runs(matching: RunFilter(tags: [tag], limit: 1)).isEmpty {
            throw RunChoiceError.noTaggedRuns(tag)
        }
        let settings = try parsedSettings(self.settings)
        try RunChoiceError.requireEachValue(of: settings, in: store)
        let limit = self.limit ?? 20
        let filter = RunFilter(statuses: status, texts: name, groups: group, tags: tags, settings: settings, limit: limit)
        let runs = try store.runs(matching: filter)
        if runs.isEmpty {
            note("no runs match in \(store.path)")
        }
        if quiet {
            write(runs.map { $0.shortID + "\n" }.joined())
        } else {
            let forMachines = output.format == .csv || output.format == .json
            let table = RunListing.table(runs, tags: try store.tags(ofRuns: runs.map(\.id)), separateColumns: forMachines)
            write(output.fittedToTerminal(table).rendered(as: output.format))
        }
        // On stderr, so that `$(runner list -q …)` takes only the ids, and the shell still shows
        // it; not for ids cut at a --limit asked for (`runner show $(runner list --limit 1 -q)`).
        if !(quiet && self.limit != nil), runs.count == limit, case let total = try store.countRuns(matching: filter), total > limit {
            note("\(limit) of \(total) runs; --limit N shows more")
        }
    }
}
