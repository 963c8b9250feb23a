import ArgumentParser
import Foundation
import RunnerKit

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of runs: table, curves, sweep summary, boundaries.",
        discussion: """
            The file has no scripts and fetches nothing: it works offline and can be mailed.

            Example:
              runner report --group practical-sweep --out sweep.html
            """)

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The HTML file to write.", valueName: "file.html"))
    var out: String

    @Option(name: .long, help: "The report's title (default: the group's name).")
    var title: String?

    func validate() throws {
        if !(out.lowercased().hasSuffix(".html") || out.lowercased().hasSuffix(".htm")) {
            throw refusedValue("--out must name an .html file, got '\(out)'.")
        }
        if title?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true {
            throw refusedValue("--title is empty; give the report a title, or leave --title out for the group's name.")
        }
        if let title, title.contains(where: Table.isControl) {
            throw refusedValue("--title has a control character (\(Table.visibleControlCharacters(title))); give plain text.")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let runs = try selection.summaries(in: store)
        let groups = Set(runs.compactMap(\.groupName))
        let heading = title ?? (groups.count == 1 ? "runner report: \(groups.first!)" : "runner report: \(runs.count) runs")
        let stamp = "Generated \(Format.timestamp(Date())) UTC from \(store.path), \(runs.count) run\(runs.count == 1 ? "" : "s")"
        try writeFile(try Figures(store: store).report(runs, title: heading, generatedAt: stamp), to: out, database: store.path)
    }
}
