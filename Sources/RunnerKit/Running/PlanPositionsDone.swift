import Foundation
import RunnerCore
import RunnerStore

extension RunPlan {
    /// The positions of this plan, in plan order, that a study need not train: runs whose
    /// experiment is among `finished`, and runs repeating an earlier run of the plan (a spec
    /// given twice, say), which `runner run` trains once.
    ///
    /// An experiment is its resolved spec (group and run name included) and its points: only
    /// runs of a name that `finished` holds, and the sweeps of a group that another sweep of the
    /// plan shares, are looked at, their specs encoded on every core and each distinct data
    /// set read, as training would. Before looking at `announcedRuns` runs or more (some 20 µs
    /// a run), `announce` is told how many.
    public func positionsDone(
        finished: FinishedExperiments, announce: (Int) -> Void = { _ in }
    ) throws(ExperimentError) -> (finished: [Int], repeated: [Int]) {
        var done: (finished: [Int], repeated: [Int]) = ([], [])
        var seen = Set<ExperimentKey>()
        let sweepsOfGroup = Dictionary(sweeps.map { ($0.first?.group ?? "", 1) }, uniquingKeysWith: +)
        /// Whether runs of `sweep` may repeat another sweep's, or be among `finished`.
        func looks(at sweep: SpecSweep) -> (mayRepeat: Bool, mayBeFinished: Bool) {
            let group = sweep.first?.group ?? ""
            // Within one sweep no two runs are alike: it refuses repeated values.
            return (sweepsOfGroup[group, default: 0] > 1, !finished.keys.isEmpty && finished.mayHold(group: group))
        }
        let looked = sweeps.filter { looks(at: $0) != (false, false) }.reduce(0) { $0 + $1.count }
        if looked >= Self.announcedRuns { announce(looked) }
        var start = 0
        for sweep in sweeps {
            defer { start += sweep.count }
            let group = sweep.first?.group ?? ""
            let (mayRepeat, mayBeFinished) = looks(at: sweep)
            guard mayRepeat || mayBeFinished else { continue }
            // The keys of the runs that may be done, in blocks (only those runs are kept).
            let blockSize = 256
            let blocks = Array(stride(from: 0, to: sweep.count, by: blockSize)).concurrentMap(minimumChunk: 1, state: { RecentDataIDs() }) {
                (recent: inout RecentDataIDs, first: Int) -> Result<[(index: Int, key: ExperimentKey)], ExperimentError> in
                Result { () throws(ExperimentError) in
                    var keys: [(index: Int, key: ExperimentKey)] = []
                    for index in first..<min(first + blockSize, sweep.count) {
                        let spec = sweep[index]
                        if mayRepeat || finished.mayHold(group: group, name: spec.runName) {
                            keys.append((index, try ExperimentKey(of: spec, dataIDs: &recent)))
                        }
                    }
                    return keys
                }
            }
            for block in blocks {
                for (index, key) in try block.get() {
                    if mayRepeat && !seen.insert(key).inserted {
                        done.repeated.append(start + index)
                    } else if mayBeFinished && finished.keys.contains(key) {
                        done.finished.append(start + index)
                    }
                }
            }
        }
        return done
    }

    /// From this many runs to look at, `positionsDone` announces them.
    static let announcedRuns = 100_000
}

/// The ids of the data sets of the last few data settings read: the runs of a sweep share
/// their points, and plan order keeps them together.
private struct RecentDataIDs {
    private var recent: [(settings: DataSettings, ids: (training: String?, validation: String?))] = []

    /// The stored ids of the training and validation sets of `settings`, reading them when new.
    mutating func ids(of spec: ExperimentSpec) throws(ExperimentError) -> (training: String?, validation: String?) {
        if let hit = recent.first(where: { $0.settings == spec.data }) { return hit.ids }
        let (training, validation) = try spec.loadData()
        let ids = (RunExecutor.stored(training)?.id, validation.flatMap(RunExecutor.stored)?.id)
        recent.insert((spec.data, ids), at: 0)
        if recent.count > 4 { recent.removeLast() }
        return ids
    }
}

private extension ExperimentKey {
    /// The key a claim of a run of `spec` looks for (see `RunExecutor.newRun(for:)`).
    init(of spec: ExperimentSpec, dataIDs: inout RecentDataIDs) throws(ExperimentError) {
        let ids = try dataIDs.ids(of: spec)
        self.init(specJSON: spec.canonicalJSON, trainingDataID: ids.training, validationDataID: ids.validation)
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
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw PositionListError("\(path) is a folder, not a file of positions")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PositionListError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        var positions = Set<Int>()
        // Any line break, "\r\n" included (one Character, which a split at "\n" would not see).
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
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
