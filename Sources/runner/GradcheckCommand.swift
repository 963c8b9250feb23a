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

            With --example N, prints instead the practical's QB2 for training point N at the \
            start weights: every component of the gradient, analytic next to central differences.

            Examples:
              runner gradcheck experiments/practical-default.json
              runner gradcheck experiments/practical/qc1-default.json --example 0
            """)

    @Argument(help: ArgumentHelp("An experiment spec file (the first run of a sweep is checked).", valueName: "spec"))
    var spec: String

    @Option(name: .long, parsing: .unconditional, help: "The finite-difference step ε (about the cube root of double precision).")
    var step: Double = Parameters.gradientCheckStep

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Compare the gradient on this one training point (counted from 0), component by component.", valueName: "N"))
    var example: Int?

    @OptionGroup var output: FormatOption

    func validate() throws {
        if !(step > 0 && step < 1) { throw refusedValue("--step must lie in (0, 1), got \(step).") }
        if let example, example < 0 { throw refusedValue("--example must be 0 or more, got \(example).") }
    }

    func run() throws {
        // Only the first run of a sweep is checked: prepare just that one.
        let runs = try SpecFile.load(path: spec)
        guard let first = runs.first else { return }
        note(runs.count == 1 ? "checking \(first.runName)" : "checking \(first.runName), the first of the sweep's \(runs.count) runs")
        let job = try TrainingJob(spec: first)
        if let example, example >= job.training.count {
            throw CLIError("--example \(example) is past the last training point: the spec has \(job.training.count), numbered from 0; choose a smaller N")
        }
        let check = GradientCheckJob(job: job)
        let (table, passed) = example.map { check.exampleComparison(index: $0, step: step) } ?? check.run(step: step)
        write(table.rendered(as: output.format))
        if !passed { throw ExitCode.failure }
    }
}
