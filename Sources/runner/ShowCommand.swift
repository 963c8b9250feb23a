import ArgumentParser
import RunnerKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: its resolved spec, tags, spec file, loss curves, epochs and final weights.",
        discussion: """
            --format json prints all of it as one JSON object, every epoch and weight included.

            Example:
              runner show 1a2b3c4d
              runner show 1a2b3c4d --format json
            """)

    @Argument(help: ArgumentHelp("The run id, full or any unique prefix of 4 or more characters.", valueName: "run"))
    var reference: String

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Output format.")
    var format = ShowFormat(.table)

    func validate() throws {
        if format.format == .csv || format.format == .markdown {
            throw refusedValue("show prints one run as text (--format table) or JSON (--format json); for its epochs as \(format.format.rawValue), use runner export.")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let details = try RunDetails(store: store, reference: reference)
        write(format.format == .json ? details.json() : details.text())
    }
}

/// `show`'s `--format`, whose help lists only the two it prints: CSV and Markdown are parsed
/// so that `validate()` can point at `runner export` for them.
struct ShowFormat: ExpressibleByArgument {
    var format: OutputFormat

    init(_ format: OutputFormat) {
        self.format = format
    }

    init?(argument: String) {
        guard let format = OutputFormat(rawValue: argument) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { [OutputFormat.table, .json].map(\.rawValue) }
    var defaultValueDescription: String { format.rawValue }
}
