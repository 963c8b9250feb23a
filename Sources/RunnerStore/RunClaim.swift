import Foundation

/// What `ExperimentStore.claimRun` found for a run about to train.
public enum RunClaim: Sendable, Equatable {
    /// The run was inserted as `running`: train it.
    case started(RunIdentity)
    /// The same experiment already finished in this database (completed or diverged), trained
    /// by a process that started it at a time (its row's `host`, `pid` and `started_at`; nil
    /// for a pid no process can have): a process can tell a run it trained itself.
    case finished(RunIdentity, TrainingProcess?, startedAt: Date)
    /// The same experiment is being trained right now by a live process.
    case inProgress(RunIdentity, TrainingProcess)
}

/// Which run ids a process may give out.
///
/// The short id (the first 8 hex digits) must be unique in a database. Shards of one study
/// write separate files that are merged later, so each shard takes ids from its own residue
/// class: shard I of N only gives out short ids whose value is ≡ I mod N, and shards never
/// collide when merged.
public struct RunIDSpace: Sendable, Equatable {
    /// The residue class of short ids, `index` mod `count`.
    public var index: Int
    public var count: Int

    /// Every id.
    public static let all = RunIDSpace(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index)/\(count) out of range")
        self.index = index
        self.count = count
    }

    /// A random lowercase UUID in this space: a random one whose first 8 hex digits (random
    /// in a version-4 UUID) are moved down to the nearest value of this residue class, so
    /// that one UUID is drawn however many shards there are.
    func randomID() -> String {
        let id = UUID().uuidString.lowercased()
        let drawn = UInt64(id.prefix(8), radix: 16)!
        let (count, index) = (UInt64(self.count), UInt64(self.index))
        var value = drawn - drawn % count + index
        if value > UInt64(UInt32.max) { value -= count }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits + id.dropFirst(8)
    }
}
