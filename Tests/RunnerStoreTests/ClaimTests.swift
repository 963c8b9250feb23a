import Foundation
import GRDB
import Testing
@testable import RunnerStore

/// What a claim costs at scale: its lookup of the same experiment, and the ids it gives out
/// (shard I of N gives out short ids ≡ I mod N, so shards never collide when merged).
@Suite("Claims")
struct ClaimTests {
    @Test("a claim looks its experiment up by spec hash, not by the data every run of a sweep shares")
    func searchesBySpecHash() throws {
        let folder = TemporaryFolder()
        _ = try ExperimentStore(path: folder.file())
        let plan = try rawConnection(folder.file()).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + ExperimentStore.sameExperimentQuery, arguments: ["hash", "data", nil])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING INDEX runs_by_spec_hash") }, "\(plan)")
    }

    @Test("ids are lowercase UUIDs in their shard's residue class, however many shards", arguments: [
        (0, 1), (2, 3), (0, 1_000), (999, 1_000), (123_456, 1_000_000), (4_294_967_294, 4_294_967_295),
    ])
    func idsInTheirClass(index: Int, count: Int) throws {
        let space = RunIDSpace(index: index, count: count)
        let ids = (0..<2_000).map { _ in space.randomID() }
        for id in ids {
            #expect(id == id.lowercased() && UUID(uuidString: id) != nil, "\(id) is not a lowercase UUID")
            #expect(Int(id.prefix(8), radix: 16)! % count == index, "\(id) is not ≡ \(index) mod \(count)")
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test("a pid no process can have (edited in) neither crashes a claim nor keeps a run in progress")
    func impossiblePid() throws {
        // Given a completed run and a running one of other experiments, their pids set past 2³¹ − 1
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let done = try store.startRun(sampleRun(seed: 1))
        try store.finishRun(id: done.id, outcome: .completed, metrics: nil, weights: [])
        let running = try store.startRun(sampleRun(seed: 2))
        try rawConnection(folder.file()).write { db in try db.execute(sql: "UPDATE runs SET pid = 5000000000") }
        // When both experiments are claimed again
        let claims = try store.claimRuns([sampleRun(seed: 1), sampleRun(seed: 2)])
        // Then the first is finished, by no process one can name, and the second is started
        // anew, the old row abandoned
        guard case .finished(done, nil, _) = claims[0], case .started = claims[1] else {
            Issue.record("\(claims)")
            return
        }
        let old = try store.query("SELECT status, error_message FROM runs WHERE id = '\(running.id)'").rows
        #expect(old == [[.text("interrupted"), .text("abandoned: its pid 5000000000 is not one a process can have")]])
    }

    @Test("a shard's short ids spread over its whole class")
    func spread() {
        // The top and bottom halves of the 32-bit short ids both occur, for a class of 1,000.
        let values = (0..<2_000).map { _ in UInt32(RunIDSpace(index: 7, count: 1_000).randomID().prefix(8), radix: 16)! }
        #expect(values.contains { $0 < 1 << 31 } && values.contains { $0 >= 1 << 31 })
    }

    @Test("claims made together are one transaction, in order, each checked against those before it")
    func claimsTogether() throws {
        // Given a store with a completed run of seed 3, and a counter of its commits
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let startedAt = Date(timeIntervalSince1970: 1_800_000_000.25)
        let done = try store.startRun(sampleRun(seed: 3), at: startedAt)
        try store.finishRun(id: done.id, outcome: .completed, metrics: nil, weights: [])
        let commits = CommitCounter()
        store.connection.add(transactionObserver: commits)
        // When seeds 1, 2, 1 and 3 are claimed together
        let claims = try store.claimRuns([sampleRun(seed: 1), sampleRun(seed: 2), sampleRun(seed: 1), sampleRun(seed: 3)])
        // Then one commit started the first two, found the third in progress in this very
        // process and the fourth finished, and the new runs were created in that order
        #expect(commits.count == 1)
        guard case .started(let first) = claims[0], case .started(let second) = claims[1] else {
            Issue.record("\(claims)")
            return
        }
        #expect(claims[2] == .inProgress(first, .current))
        #expect(claims[3] == .finished(done, .current, startedAt: startedAt))
        let created = try rawConnection(folder.file()).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM runs ORDER BY created_at")
        }
        #expect(created == [done.id, first.id, second.id])
    }
}

/// Counts the commits of the connection it observes.
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var commits = 0
    var count: Int { lock.withLock { commits } }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { lock.withLock { commits += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
