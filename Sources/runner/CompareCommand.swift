import ArgumentParser
import RunnerKit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs side by side: the hyperparameters that differ, final and best metrics.",
        discussion: """
            With no runs given, compares the group of the most recent run. --aggregate folds \
            runs that differ only in their training seed into one row with mean ± standard \
            deviation (separate _mean and _std columns in CSV and JSON); a spec run twice counts once. \
            Its rows are ordered by their settings, numbers by value, so a sweep lists alike however \
            it was scheduled (jobs, shards, merges); --sort orders by any column.

            Example:
              runner compare --group practical-sweep --aggregate \\
                  --sort val_acc --descending
              runner compare --group big-study --sort val_acc --descending --limit 10
              runner compare 1a2b 3c4d --format markdown
            """)

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Flag(name: .long, help: "One row per setting: mean ± std over seeds.")
    var aggregate = false

    @Option(name: .long, help: ArgumentHelp("Sort by this column (e.g. val_acc, lr, seconds).", valueName: "column"))
    var sort: String?

    @Flag(name: .long, help: "Sort in descending order.")
    var descending = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only the first N rows (after --sort): the top N.", valueName: "N"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw refusedValue("--limit needs a positive number, got \(limit).") }
        if descending && sort == nil {
            throw refusedValue("--descending orders by the --sort column; give one too, e.g. --sort val_acc --descending.")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let comparison = try Comparison(store: store, runs: selection.summaries(in: store))
        let forMachines = output.format == .csv || output.format == .json
        var table = aggregate ? comparison.aggregatedTable(separateColumns: forMachines) : comparison.table(separateColumns: forMachines)
        if let sort {
            let column = table.column(named: sort)
            // Ties in settings order (an aggregate's rows are in it already), not in the order the runs were made.
            table = try table.sorted(by: column, descending: descending, tieRanks: aggregate ? nil : comparison.settingsRanks)
        }
        if let limit, table.rows.count > limit {
            note("\(limit) of \(plural(table.rows.count, "row")) (a larger --limit, or none, shows the rest)")
            table.rows.removeLast(table.rows.count - limit)
        }
        write(output.fittedToTerminal(table).rendered(as: output.format))
    }
}
