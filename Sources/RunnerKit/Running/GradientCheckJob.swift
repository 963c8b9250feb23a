import RunnerCore

/// The finite-difference gradient check of `runner gradcheck`: at the start
/// weights of a spec and again after training it.
public struct GradientCheckJob {
    /// The most training points the check uses; each costs two forward passes per parameter.
    public static let pointLimit = 200

    public let job: TrainingJob

    public init(job: TrainingJob) {
        self.job = job
    }

    /// The reports before and after training, as a table with one row per stage.
    public func run(step: Double = Parameters.gradientCheckStep) throws -> Table {
        var random = job.spec.makeTrainingRandom()
        let start = try job.spec.startParameters(inputDimension: job.training.dimension, random: &random)
        let sample = job.training.subset(0..<min(job.training.count, Self.pointLimit))
        let trained = start.trained(on: job.training, validation: job.validation, options: job.spec.trainingOptions, random: &random)
        let stages = [("start", start), ("trained (\(trained.epochs.count) epochs)", trained.parameters)]
        let reports = stages.map { ($0.0, $0.1.gradientCheck(on: sample, step: step)) }
        let tensors = reports[0].1.largestRelativeError.map(\.tensor)
        return Table(
            headers: ["weights"] + tensors + ["points", "near_kinks", "verdict"],
            rows: reports.map { stage, report in
                [Cell(stage)]
                    + report.largestRelativeError.map { Cell(String(format: "%.2e", $0.error), isNumber: true) }
                    + [Cell(String(report.pointsUsed), isNumber: true), Cell(String(report.pointsNearKinks), isNumber: true),
                       Cell(report.worstError <= 1e-6 ? "ok" : "CHECK")]
            })
    }
}
