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

    @Test("a running run whose pid no process can have (edited in) is reaped, not a crash")
    func reapsImpossiblePid() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        try rawConnection(folder.file()).write { db in try db.execute(sql: "UPDATE runs SET pid = 5000000000") }
        #expect(try store.reapAbandonedRuns() == [run.id])
        #expect(try store.run(run.id).errorMessage == "abandoned: its pid 5000000000 is not one a process can have")
    }

    @Test("on this host a live process keeps its run, however old its heartbeat (Ctrl-Z, sleep)")
    func liveProcessWithStaleHeartbeat() throws {
        // Given a run of this live process
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun(name: "stopped"))
        // When a reader reaps abandoned runs an hour later, without a heartbeat in between
        let reaped = try store.reapAbandonedRuns(heartbeatTimeout: 600, now: Date(timeIntervalSinceNow: 3600))
        // Then the run is still running
        #expect(reaped.isEmpty)
        #expect(try store.run(run.id).status == .running)
    }

    @Test("a run taken for abandoned by another host is still finished by its own live process")
    func reapedButAliveFinishes() throws {
        // Given a run of this process that a reader elsewhere marked interrupted
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun(name: "slow"))
        try rawConnection(folder.file()).write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'interrupted', finished_at = heartbeat_at,
                error_message = 'abandoned: no heartbeat from process 1 on elsewhere' WHERE id = ?
                """, arguments: [run.id])
        }
        // When the process finishes it
        let weights = [WeightTensor(name: .bo, shape: [], values: [0.5])]
        try store.finishRun(id: run.id, outcome: .completed, metrics: FinalMetrics(trainLoss: 0.1, trainAccuracy: 0.9), weights: weights)
        // Then its result and weights are stored
        #expect(try store.run(run.id).status == .completed)
        #expect(try store.run(run.id).errorMessage == nil)
        #expect(try store.weights(of: run.id) == weights)
    }

    @Test("a pid now held by a process younger than the run (a reboot) does not keep the run alive")
    func reusedPID() throws {
        // Given a run recorded as started long before this (live) test process started
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let started = Date(timeIntervalSince1970: 1_000_000_000)
        let run = try store.startRun(sampleRun(name: "before-reboot"), at: started)
        // When abandoned runs are reaped
        let reaped = try store.reapAbandonedRuns()
        // Then the run is interrupted where /proc tells process start times
        #expect(reaped == (TrainingProcess.startTime(of: getpid()) == nil ? [] : [run.id]))
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
