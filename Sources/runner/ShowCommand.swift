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
    @OptionGroup var output: FormatOption

    func validate() throws {
        if output.format == .csv || output.format == .markdown {
            throw ValidationError("show prints one run as text (--format table) or JSON (--format json); for its epochs as \(output.format.rawValue), use runner export.")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let details = try RunDetails(store: store, reference: reference)
        write(output.format == .json ? details.json() : details.text())
    }
}
