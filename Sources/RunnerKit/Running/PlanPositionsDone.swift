import Foundation
import RunnerCore
import RunnerStore

extension RunPlan {
    /// The positions of this plan, in plan order, that a study need not train: runs whose
    /// experiment is among `finished` (see `ExperimentStore.finishedExperiments`), and runs
    /// repeating an earlier run of the plan (a spec given twice, say), which `runner run`
    /// trains once. An experiment is its points as well as its spec, so each distinct data
    /// set is read, as training would.
    public func positionsDone(finished: Set<ExperimentKey>) throws(ExperimentError) -> (finished: [Int], repeated: [Int]) {
        // Within one spec file no two runs are alike: a sweep refuses repeated values.
        let findRepeats = sweeps.count > 1
        guard !finished.isEmpty || findRepeats else { return ([], []) }
        var done: (finished: [Int], repeated: [Int]) = ([], [])
        var seen = Set<ExperimentKey>()
        // The runs of a sweep share their points, and plan order keeps them together.
        var recentData: [(settings: DataSettings, ids: (training: String?, validation: String?))] = []
        for position in 0..<count {
            let spec = self[position]
            let ids: (training: String?, validation: String?)
            if let recent = recentData.first(where: { $0.settings == spec.data }) {
                ids = recent.ids
            } else {
                let (training, validation) = try spec.loadData()
                ids = (RunExecutor.stored(training)?.id, validation.flatMap(RunExecutor.stored)?.id)
                recentData.insert((spec.data, ids), at: 0)
                if recentData.count > 4 { recentData.removeLast() }
            }
            let key = ExperimentKey(specJSON: spec.canonicalJSON, trainingDataID: ids.training, validationDataID: ids.validation)
            if findRepeats && !seen.insert(key).inserted {
                done.repeated.append(position)
            } else if finished.contains(key) {
                done.finished.append(position)
            }
        }
        return done
    }
}

/// A file of plan positions not to train (`runner run --skip-positions`): `runner slurm`
/// writes one for its tasks, listing the runs of the study already done when it was
/// submitted. Lines starting with `#` are comments; every other line is one position, 0-based.
public enum PositionList {
    /// The file's text: `comment` (each line made a comment), then the positions.
    public static func text(_ positions: [Int], comment: String) -> String {
        comment.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)\n" }.joined()
            + positions.map { "\($0)\n" }.joined()
    }

    /// The positions the file at `path` lists that `shard` trains, for a plan of `planCount` runs.
    ///
    /// - Throws: A `PositionListError` naming the file and line of anything that is not a
    ///   position of the plan.
    public static func read(path: String, planCount: Int, shard: RunIDSpace) throws(PositionListError) -> Set<Int> {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PositionListError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        var positions = Set<Int>()
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            guard let position = Int(text), (0..<planCount).contains(position) else {
                throw PositionListError("\(path):\(index + 1): expected a position of the plan's \(Format.count(planCount)) runs (0 to \(planCount - 1)), "
                    + "found '\(text.prefix(40))'; this file is written by runner slurm for the plan it was given, so submit the study again if its specs changed")
            }
            if position % shard.count == shard.index { positions.insert(position) }
        }
        return positions
    }
}

/// Why a list of positions cannot be used.
public struct PositionListError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
