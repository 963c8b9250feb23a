import ArgumentParser
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
        ])
}
