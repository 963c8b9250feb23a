import ArgumentParser
import RunnerKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: its resolved spec, loss curves, epochs and final weights.",
        discussion: """
            Example:
              runner show 1a2b3c4d
            """)

    @Argument(help: ArgumentHelp("The run id, full or any unique prefix of 4 or more characters.", valueName: "run"))
    var reference: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        write(try RunDetails(store: store, reference: reference).text())
    }
}
