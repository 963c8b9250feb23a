import Foundation
import Testing
@testable import RunnerStore

@Suite("Reaping abandoned runs")
struct ReapingTests {
    /// The pid of a process that has exited.
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test("a running run whose process is gone becomes interrupted; live ones stay running")
    func reapsDeadProcess() throws {
        // Given a run by a process that died on this host, and one by this (live) process
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let dead = try store.startRun(sampleRun(
            name: "killed", process: TrainingProcess(host: TrainingProcess.current.host, pid: try deadPID())))
        let alive = try store.startRun(sampleRun(name: "alive"))
        // When abandoned runs are reaped
        let reaped = try store.reapAbandonedRuns()
        // Then only the dead one is interrupted, with a reason
        #expect(reaped == [dead.id])
        #expect(try store.run(dead.id).status == .interrupted)
        #expect(try store.run(dead.id).errorMessage?.contains("ended without finishing") == true)
        #expect(try store.run(alive.id).status == .running)
    }

    @Test("a run on another host is reaped only once its heartbeat is stale")
    func reapsStaleHeartbeat() throws {
        // Given a run on another host whose last heartbeat was at t0
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let remote = try store.startRun(
            sampleRun(process: TrainingProcess(host: "elsewhere.example", pid: 4242)), at: start)
        // When reaping 5 minutes later, then 11 minutes later
        let early = try store.reapAbandonedRuns(now: start.addingTimeInterval(300))
        let late = try store.reapAbandonedRuns(now: start.addingTimeInterval(660))
        // Then it survives the first and is interrupted by the second
        #expect(early.isEmpty)
        #expect(late == [remote.id])
        #expect(try store.run(remote.id).status == .interrupted)
    }
}
