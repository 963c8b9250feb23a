import ArgumentParser
import Foundation
import RunnerKit

@main
struct Runner: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train small neural networks from experiment specs and keep every run in SQLite.",
        discussion: """
            Runs, their per-epoch metrics and final weights are stored in one SQLite file \
            (runner.db in the current folder, or --db, or $RUNNER_DB) that you can also open with sqlite3.
            """,
        version: RunnerVersion.current,
        subcommands: [
            RunCommand.self, ListCommand.self, ShowCommand.self, CompareCommand.self,
            QueryCommand.self, ExportCommand.self, PlotCommand.self, ReportCommand.self, GradcheckCommand.self, MigrateCommand.self,
            MergeCommand.self, SlurmCommand.self,
            RerunCommand.self, TagCommand.self, NoteCommand.self, DeleteCommand.self,
        ])

    /// Parses and runs the command, first catching a misspelt subcommand, which
    /// the argument parser would report without a suggestion.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let word = arguments.first, !word.hasPrefix("-"), word != "help" {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(word) {
                let hint = closestMatch(to: word, among: names).map { "; did you mean '\($0)'?" } ?? ""
                note("Error: unknown command '\(word)'\(hint)\nThe commands are: \(names.joined(separator: ", ")). See 'runner --help'.")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
        }
        main(arguments)
    }
}
