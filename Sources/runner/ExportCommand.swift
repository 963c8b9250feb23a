import ArgumentParser
import RunnerKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print one run's epochs, weights or spec for other tools.",
        discussion: """
            Numbers are printed with full precision: weights read back bit for bit.

            Example:
              runner export 1a2b3c4d --what epochs --format csv > curve.csv
              runner export 1a2b3c4d --what weights --format json
            """)

    @Argument(help: ArgumentHelp("The run id, full or any unique prefix of 4 or more characters.", valueName: "run"))
    var reference: String

    @Option(name: .long, help: "What to export.")
    var what: ExportContent = .epochs

    @Option(name: .long, help: "Output format (default: csv, and json for the spec, which is JSON only).")
    var format: OutputFormat?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        write(try Export.render(store: store, reference: reference, content: what, format: format ?? (what == .spec ? .json : .csv)))
    }
}
