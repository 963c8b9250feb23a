import Foundation
import RunnerCore

/// What was made from the data settings of the last few specs asked about, made once each and
/// shared by threads: the runs of a sweep mostly share their points, and plan order keeps
/// the runs of one data set together.
final class RecentDataCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [(settings: DataSettings, value: Value)] = []
    private let capacity = 4
    private let make: @Sendable (ExperimentSpec) throws(ExperimentError) -> Value

    /// A cache of what `make` makes from a spec's data settings.
    init(_ make: @escaping @Sendable (ExperimentSpec) throws(ExperimentError) -> Value) {
        self.make = make
    }

    /// What `make` made from `spec`'s data settings, made now when they are not recent.
    func value(for spec: ExperimentSpec) throws(ExperimentError) -> Value {
        // Making under the lock makes threads that need the same points wait for one making.
        lock.lock()
        defer { lock.unlock() }
        if let hit = recent.first(where: { $0.settings == spec.data }) { return hit.value }
        let value = try make(spec)
        recent.insert((spec.data, value), at: 0)
        if recent.count > capacity { recent.removeLast() }
        return value
    }
}

/// The data sets of recent runs, shared by an executor's workers.
typealias DataCache = RecentDataCache<(training: Dataset, validation: Dataset?)>

extension DataCache {
    /// A cache of the data sets that specs load.
    static func loadingData() -> DataCache {
        DataCache { spec throws(ExperimentError) in try spec.loadData() }
    }
}
