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
        let sweepsOfGroup = Dictionary(sweeps.map { ($0.group, 1) }, uniquingKeysWith: +)
        /// Whether runs of `sweep` may repeat another sweep's, or be among `finished`.
        func looks(at sweep: SpecSweep) -> (mayRepeat: Bool, mayBeFinished: Bool) {
            // Within one sweep no two runs are alike: it refuses repeated values.
            (sweepsOfGroup[sweep.group, default: 0] > 1, !finished.keys.isEmpty && finished.mayHold(group: sweep.group))
        }
        let looked = sweeps.filter { looks(at: $0) != (false, false) }.reduce(0) { $0 + $1.count }
        if looked >= Self.announcedRuns { announce(looked) }
        let dataIDs = RecentDataCache.loadingDataIDs()
        var start = 0
        for sweep in sweeps {
            defer { start += sweep.count }
            let (mayRepeat, mayBeFinished) = looks(at: sweep)
            guard mayRepeat || mayBeFinished else { continue }
            // The keys of the runs that may be done, in blocks (only those runs are kept).
            let blockSize = 256
            let blocks = Array(stride(from: 0, to: sweep.count, by: blockSize)).concurrentMap(minimumChunk: 1) {
                first -> Result<[(index: Int, key: ExperimentKey)], ExperimentError> in
                Result { () throws(ExperimentError) in
                    var keys: [(index: Int, key: ExperimentKey)] = []
                    for index in first..<min(first + blockSize, sweep.count) {
                        let spec = sweep[index]
                        if mayRepeat || finished.mayHold(group: sweep.group, name: spec.runName) {
                            let ids = try dataIDs.value(for: spec)
                            keys.append((index, ExperimentKey(specJSON: spec.canonicalJSON, trainingDataID: ids.training, validationDataID: ids.validation)))
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

    /// What tells this plan from another for a list of its positions (see `PositionList`):
    /// the SHA-256 of its spec files' texts and overrides, in order, and its number of runs.
    public var fingerprint: String {
        sha256Hex(bytes: Data((sources.map { ([$0.text] + $0.overrides).joined(separator: "\n") } + [String(count)]).joined(separator: "\n\u{1E}\n").utf8))
    }
}

/// The stored ids of a spec's training and validation sets (nil for a set too large to store).
private typealias DataIDs = (training: String?, validation: String?)

extension RecentDataCache<DataIDs> {
    /// A cache of the ids of the data sets that specs load, a failed load naming its run.
    fileprivate static func loadingDataIDs() -> RecentDataCache<DataIDs> {
        RecentDataCache { spec throws(ExperimentError) in
            let (training, validation): (Dataset, Dataset?)
            do throws(ExperimentError) {
                (training, validation) = try spec.loadData()
            } catch {
                throw ExperimentError("\(spec.runName): \(error.description)")
            }
            return (RunExecutor.stored(training)?.id, validation.flatMap(RunExecutor.stored)?.id)
        }
    }
}

/// A file of plan positions not to train (`runner run --skip-positions`): `runner slurm`
/// writes one for its tasks, listing the runs of the study already done when it was
/// submitted. Lines starting with `#` are comments; every other line is one position, 0-based.
/// A `# plan: FINGERPRINT` line ties the list to its plan (`RunPlan.fingerprint`): given
/// with another (specs in another order, say), it is refused rather than skip other runs.
public enum PositionList {
    /// The file's text for `plan`: `comment` (each line made a comment), the plan's
    /// fingerprint, then the positions.
    public static func text(_ positions: [Int], of plan: RunPlan, comment: String) -> String {
        comment.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)\n" }.joined()
            + "\(planLinePrefix)\(plan.fingerprint)\n" + positions.map { "\($0)\n" }.joined()
    }

    private static let planLinePrefix = "# plan: "

    /// The positions the file at `path` lists, for `plan`.
    ///
    /// - Throws: A `PositionListError` naming the file and line of anything that is not a
    ///   position of the plan, or saying that the file was written for another plan.
    public static func read(path: String, for plan: RunPlan) throws(PositionListError) -> Set<Int> {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw PositionListError("\(path) is a folder, not a file of positions")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PositionListError("cannot read \(path): \(ExperimentSpec.readFailure(path))")
        }
        let planCount = plan.count
        var positions = Set<Int>()
        // Any line break, "\r\n" included (one Character, which a split at "\n" would not see).
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(planLinePrefix) && text.dropFirst(planLinePrefix.count) != plan.fingerprint {
                throw PositionListError("\(path):\(index + 1): the list was written for another plan (other spec files, given in another "
                    + "order, or edited since); give the specs it was written for, in their order, or write the job again with runner slurm")
            }
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            guard let position = Int(text), (0..<planCount).contains(position) else {
                throw PositionListError("\(path):\(index + 1): expected a position of the plan's \(Format.count(planCount)) runs (0 to \(planCount - 1)), "
                    + "found '\(text.prefix(40))'; this file is written by runner slurm for the plan it was given, so submit the study again if its specs changed")
            }
            positions.insert(position)
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
