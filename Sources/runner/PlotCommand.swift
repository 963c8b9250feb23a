import ArgumentParser
import Foundation
import RunnerKit

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw learning curves, a decision boundary or a sweep summary as SVG.",
        discussion: """
            Everything is drawn from the database: the boundary uses the stored weights and \
            the training points stored with the run.

            Example:
              runner plot 1a2b3c4d 5e6f7a8b --out curves.svg
              runner plot 1a2b3c4d --kind boundary --out boundary.svg
              runner plot --group practical-sweep --kind sweep --x learning_rate \\
                  --out sweep.svg
            """)

    enum Kind: String, CaseIterable, ExpressibleByArgument {
        case curves, boundary, sweep
    }

    @OptionGroup var selection: RunSelection
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "What to draw.")
    var kind: Kind = .curves

    @Option(name: .long, help: "The hyperparameter on the x axis of a sweep summary (default: learning_rate).")
    var x: SweepAxis?

    @Option(name: .long, help: ArgumentHelp("The SVG file to write.", valueName: "file.svg"))
    var out: String

    func validate() throws {
        if !out.lowercased().hasSuffix(".svg") {
            throw refusedValue("--out must name an .svg file (plots are SVG), got '\(out)'.")
        }
        if x != nil && kind != .sweep {
            throw refusedValue("--x sets the x axis of --kind sweep; --kind \(kind.rawValue) \(kind == .curves ? "plots against epochs" : "draws the input plane"), so leave --x out.")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let runs = try selection.summaries(in: store)
        let figures = Figures(store: store)
        let svg: String
        switch kind {
        case .curves:
            svg = try figures.learningCurves(runs).svg()
        case .boundary:
            guard runs.count == 1 else { throw FigureError.needsOneRun(count: runs.count) }
            svg = try figures.decisionBoundary(runs[0]).svg()
        case .sweep:
            svg = try figures.sweepSummary(runs, axis: x ?? .learningRate).svg()
        }
        try writeFile(svg, to: out, database: store.path)
    }
}

/// Writes `text` to `path`, replacing it atomically and never touching the database; see `OutputFile`.
func writeFile(_ text: String, to path: String, database: String) throws {
    do {
        try OutputFile.write(text, to: path, database: database)
    } catch {
        throw CLIError(error.description)
    }
    note("wrote \(path)")
}
