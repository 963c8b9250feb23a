import Foundation
import RunnerCore
import RunnerStore

/// One resolved run, ready to train: its data loaded and its start weights made.
public struct TrainingJob: Sendable {
    /// The fully resolved spec of this run.
    public let spec: ExperimentSpec
    /// The training points.
    public let training: Dataset
    /// The validation points, unless the spec has none.
    public let validation: Dataset?
    /// The weights training starts from: from the spec's file, or drawn by its initialization.
    public let startParameters: Parameters
    /// The training seed's generator after drawing the start weights: it draws the visiting order next.
    public let random: RandomSource
    /// The spec file the run comes from, recorded with it.
    public var source: StoredSpecSource?

    /// Loads the data of `spec` (unless given) and makes its start weights
    /// with `RandomSource(seed: training.seed)`, in the order docs/spec.md describes.
    public init(spec: ExperimentSpec, data: (training: Dataset, validation: Dataset?)? = nil) throws(ExperimentError) {
        let (training, validation): (Dataset, Dataset?)
        if let data {
            (training, validation) = data
        } else {
            (training, validation) = try spec.loadData()
        }
        var random = spec.makeTrainingRandom()
        self.spec = spec
        self.training = training
        self.validation = validation
        startParameters = try spec.startParameters(inputDimension: training.dimension, random: &random)
        self.random = random
    }

    /// Trains the start weights by the spec's options, calling `onEpoch` after every epoch.
    public func train(onEpoch: (EpochReport) throws -> EpochDecision) rethrows -> TrainingEnd {
        var random = random
        return try startParameters.trained(
            on: training, validation: validation, options: spec.trainingOptions, random: &random, onEpoch: onEpoch)
    }
}

/// Every run that `runner run` will train, checked before the first one starts.
///
/// Loading a plan parses and validates every spec file, reads every distinct data set once
/// and estimates the memory a run needs, so a mistake anywhere is reported before the
/// database is touched. The runs themselves are made one at a time as they are trained:
/// a plan of a million runs holds its spec files, not a million runs.
public struct RunPlan: Sendable {
    /// Each spec file's runs, in the order the files were given.
    public let sweeps: [SpecSweep]
    /// Each spec file as it was read, for the runs' records; parallel to `sweeps`.
    public let sources: [StoredSpecSource]
    /// The most memory one run of the plan is estimated to need, in bytes.
    public let largestRunBytes: Int

    /// The number of runs.
    public var count: Int { sweeps.reduce(0) { $0 + $1.count } }

    /// How many of this plan's runs fit in memory at once, by `largestRunBytes`, up to `jobs`.
    public func jobsThatFit(_ jobs: Int) -> Int {
        max(1, min(jobs, MemoryEstimate.physicalBytes / 10 * 8 / max(largestRunBytes, 1)))
    }

    /// The run at `position` in plan order: the files in order, each in its sweep order.
    public subscript(position: Int) -> ExperimentSpec {
        let (sweep, index) = locate(position)
        return sweeps[sweep][index]
    }

    /// The spec file the run at `position` comes from.
    public func source(at position: Int) -> StoredSpecSource {
        sources[locate(position).sweep]
    }

    /// Which sweep holds the run at `position`, and where in it.
    private func locate(_ position: Int) -> (sweep: Int, index: Int) {
        var rest = position
        for (index, sweep) in sweeps.enumerated() {
            if rest < sweep.count { return (index, rest) }
            rest -= sweep.count
        }
        preconditionFailure("run \(position) of a plan of \(count)")
    }

    /// Loads, validates and expands `specPaths` (each with `overrides`, see `SpecOverride`),
    /// reading each distinct data set once. Before data sets that take long to make or read
    /// (millions of points), `announce` is told what is being prepared.
    ///
    /// - Throws: `RunPlanError` with every problem of every file.
    public static func load(
        specPaths: [String], overrides: [SpecOverride] = [], announce: (String) -> Void = { _ in }
    ) throws(RunPlanError) -> RunPlan {
        var problems: [String] = []
        var sweeps: [SpecSweep] = []
        var sources: [StoredSpecSource] = []
        for path in specPaths {
            do {
                let (sweep, source) = try SpecFile.loadWithSource(path: path, overrides: overrides)
                sweeps.append(sweep)
                sources.append(source)
            } catch {
                problems.append(error.description)
            }
        }
        let dataSets = sweeps.map(\.dataSetCount).reduce(0, +)
        let points = sweeps.map(\.generatedPoints).reduce(0, +)
        let csvBytes = sweeps.map(\.csvBytes).reduce(0, +)
        if problems.isEmpty && (points >= Self.announcedPoints || csvBytes >= Self.announcedCSVBytes) {
            let sizes = [points > 0 ? "\(Format.count(points)) generated points" : nil, csvBytes > 0 ? "\(MemoryEstimate.describe(csvBytes)) of CSV" : nil]
            let what = dataSets == 1 ? "1 data set" : "\(dataSets) data sets"
            announce("preparing \(what) (\(sizes.compactMap { $0 }.joined(separator: " and "))) to check \(dataSets == 1 ? "it" : "them") first")
        }
        var largestRunBytes = 0
        for sweep in sweeps {
            do {
                largestRunBytes = max(largestRunBytes, try checkData(of: sweep))
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw RunPlanError(problems: problems) }
        return RunPlan(sweeps: sweeps, sources: sources, largestRunBytes: largestRunBytes)
    }

    /// From this many points (about a second of generating them) `load` announces the data.
    static let announcedPoints = 2_000_000
    /// From this many bytes of CSV files (about a second of reading them) `load` announces the data.
    static let announcedCSVBytes = 50_000_000

    /// Loads each distinct data set of `sweep` once (each is checked as it is made) and
    /// returns the memory its largest run needs: its points, plus its weights a few times
    /// over (start, trained, the kernel's copy, the stored copy).
    ///
    /// - Throws: `RunPlanError` naming the run whose data fails, or a run too large for
    ///   this machine's memory.
    private static func checkData(of sweep: SpecSweep) throws(RunPlanError) -> Int {
        var largestData = 0
        var widest = 1
        for position in sweep.dataBlockStarts {
            let spec = sweep[position]
            do {
                let (training, validation) = try spec.loadData()
                largestData = max(largestData, MemoryEstimate.bytes(of: training) + (validation.map(MemoryEstimate.bytes(of:)) ?? 0))
                widest = max(widest, training.dimension)
            } catch {
                throw RunPlanError(problems: ["\(spec.runName): \(error.description)"])
            }
        }
        let widestNetwork = (sweep.positions(varying: .hidden) + sweep.positions(varying: .startWeights))
            .map { sweep[$0] }
            .max { $0.model.hiddenUnits < $1.model.hiddenUnits }
        guard let widestNetwork else { return largestData }
        let weightBytes = MemoryEstimate.weightBytes(inputs: widest, hidden: widestNetwork.model.hiddenUnits)
        let total = largestData.addingReportingOverflow(weightBytes)
        let available = MemoryEstimate.physicalBytes
        if total.overflow || total.partialValue > available / 2 {
            throw RunPlanError(problems: [
                "\(widestNetwork.runName): a network of \(widest) inputs × \(widestNetwork.model.hiddenUnits) hidden units "
                    + "on these points needs about \(MemoryEstimate.describe(total.overflow ? .max : total.partialValue)) of memory, "
                    + "more than half of this machine's \(MemoryEstimate.describe(available)); use fewer hidden units, fewer input features or fewer points",
            ])
        }
        return total.partialValue
    }
}

/// Rough memory needs, for refusing plans that cannot fit before allocating anything.
public enum MemoryEstimate {
    /// This machine's memory.
    static var physicalBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// A data set's features and labels.
    static func bytes(of data: Dataset) -> Int {
        data.count * (data.dimension + 1) * MemoryLayout<Double>.stride
    }

    /// A network's weights, times the copies a run holds at once.
    static func weightBytes(inputs: Int, hidden: Int) -> Int {
        let (product, overflow) = inputs.multipliedReportingOverflow(by: hidden)
        let values = product.addingReportingOverflow(2 * hidden + 1)
        guard !overflow, !values.overflow else { return .max }
        let (bytes, tooMany) = values.partialValue.multipliedReportingOverflow(by: 5 * MemoryLayout<Double>.stride)
        return tooMany ? .max : bytes
    }

    /// "3.2 GB", "512 MB".
    public static func describe(_ bytes: Int) -> String {
        guard bytes < .max else { return "more than 9 EB" }
        let gigabytes = Double(bytes) / 1e9
        return gigabytes >= 1 ? "\(Format.metric(gigabytes)) GB" : "\(Int((Double(bytes) / 1e6).rounded(.up))) MB"
    }
}

/// Why a set of spec files cannot run, every problem listed.
public struct RunPlanError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public var description: String {
        problems.joined(separator: "\n")
    }
}

private extension SpecSweep {
    /// Its distinct data sets.
    var dataSetCount: Int {
        dataBlockStarts.underestimatedCount  // exact for a stride
    }

    /// The points the generators of its distinct data sets draw, validation points included.
    var generatedPoints: Int {
        dataBlockStarts.reduce(0) { total, position in
            let data = self[position].data
            var points = 0
            if case .generator(_, let count, _) = data.source { points += count }
            if case .generated(let count) = data.validation { points += count }
            return total + points
        }
    }

    /// The size of the CSV files its distinct data sets read.
    var csvBytes: Int {
        dataBlockStarts.reduce(0) { total, position in
            let data = self[position].data
            var paths: [String] = []
            if case .csv(let path) = data.source { paths.append(path) }
            if case .csv(let path) = data.validation { paths.append(path) }
            return total + paths.map { (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int ?? 0 }.reduce(0, +)
        }
    }
}
