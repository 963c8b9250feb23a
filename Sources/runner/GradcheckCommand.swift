import ArgumentParser
import RunnerCore
import RunnerKit

struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check the analytic gradient against central differences on a spec's data.",
        discussion: """
            Reports the largest relative error per tensor at the start weights and after \
            training (up to \(GradientCheckJob.pointLimit) training points; points on a ReLU kink are skipped). \
            Nothing is written to the database. Exits with status 1 when an error exceeds 1e-6.

            Example:
              runner gradcheck experiments/practical-default.json
            """)

    @Argument(help: ArgumentHelp("An experiment spec file (the first run of a sweep is checked).", valueName: "spec"))
    var spec: String

    @Option(name: .long, parsing: .unconditional, help: "The finite-difference step ε (about the cube root of double precision).")
    var step: Double = Parameters.gradientCheckStep

    @OptionGroup var output: FormatOption

    func validate() throws {
        if !(step > 0 && step < 1) { throw ValidationError("--step must lie in (0, 1), got \(step).") }
    }

    func run() throws {
        // Only the first run of a sweep is checked: prepare just that one.
        let runs = try SpecFile.load(path: spec)
        guard let first = runs.first else { return }
        note(runs.count == 1 ? "checking \(first.runName)" : "checking \(first.runName), the first of the sweep's \(runs.count) runs")
        let job = try TrainingJob(spec: first)
        let (table, passed) = GradientCheckJob(job: job).run(step: step)
        write(table.rendered(as: output.format))
        if !passed { throw ExitCode.failure }
    }
}
