import Foundation
import Testing
@testable import RunnerStore

@Suite("Writing runs")
struct WritingTests {
    @Test("a started run is running, with ids, pid, host and spec hash")
    func startRun() throws {
        // Given a store
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        // When a run starts
        let identity = try store.startRun(sampleRun(), at: Date(timeIntervalSince1970: 1_795_000_000.123))
        // Then its row says so
        let run = try store.run(identity.id)
        #expect(identity.id.count == 36 && identity.id == identity.id.lowercased())
        #expect(identity.shortID == String(identity.id.prefix(8)))
        #expect(run.status == .running)
        #expect(run.pid == Int64(getpid()))
        #expect(run.host == ProcessInfo.processInfo.hostName)
        #expect(run.finishedAt == nil)
        #expect(run.specHash == (try shell("/usr/bin/sha256sum", [], input: run.specJSON).prefix(64)).description)
        #expect(run.hyperparameters == sampleHyperparameters())
        let createdAt = try store.query("SELECT created_at FROM runs").rows
        #expect(createdAt == [[.text(Timestamp.string(from: Date(timeIntervalSince1970: 1_795_000_000.123)))]])
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 1_795_000_000.123)) == "2026-11-18T11:06:40.123Z")
    }

    @Test("closing the store folds the write-ahead log into the file, even while another reference lives")
    func closeCheckpoints() throws {
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let laterReference = store  // like a heartbeat handler that Dispatch releases late
        let identity = try store.startRun(sampleRun())
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))

        store.close()

        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(throws: StoreError.self) { try laterReference.heartbeat(runID: identity.id) }
        #expect(try ExperimentStore(path: path, access: .readOnly).run(identity.id).status == .running)
    }

    @Test("weights read back bit for bit, including subnormals, huge, tiny, -0.0 and NaN")
    func exactWeightRoundTrip() throws {
        // Given random doubles over the whole exponent range plus the awkward ones
        var generator = SystemRandomNumberGenerator()
        let (inputs, hidden) = (3, 50)
        let special: [Double] = [
            0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan, .ulpOfOne,
            Double(bitPattern: 0x0000_1234_5678_9ABC), 9_007_199_254_740_992, 1e300, 1e-300, 0.1, 1.0 / 3.0,
        ]
        func randomDoubles(_ count: Int) -> [Double] {
            (0..<count).map { _ in
                var value: Double
                repeat { value = Double(bitPattern: generator.next()) } while value.isNaN
                return value
            }
        }
        let weights = [
            WeightTensor(name: .Wi, shape: [inputs, hidden], values: special + randomDoubles(inputs * hidden - special.count)),
            WeightTensor(name: .bi, shape: [hidden], values: randomDoubles(hidden)),
            WeightTensor(name: .Wo, shape: [hidden], values: randomDoubles(hidden)),
            WeightTensor(name: .bo, shape: [], values: [-0.0]),
        ]
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        // When they are stored with the run's end
        try store.finishRun(id: run.id, outcome: .completed, metrics: nil, weights: weights)
        // Then they read back identical, bit for bit, with Wi laid out as row = input, col = hidden
        #expect(try store.weights(of: run.id) == weights)
        let cell = try store.query(
            "SELECT value FROM weights WHERE run_id = :id AND tensor = 'Wi' AND row = 2 AND col = 7",
            parameters: ["id": run.id])
        #expect(cell.rows == [[.real(weights[0].values[2 * hidden + 7])]])
    }

    @Test("malformed weights are refused and the run stays running")
    func invalidWeights() throws {
        // Given a running run
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        // When it is finished with a Wi that lacks values
        let error = #expect(throws: StoreError.self) {
            try store.finishRun(
                id: run.id, outcome: .completed, metrics: nil,
                weights: [WeightTensor(name: .Wi, shape: [2, 3], values: [1, 2, 3])])
        }
        // Then nothing was written
        guard case .invalidWeights(.Wi, _) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(try store.run(run.id).status == .running)
        #expect(try store.weights(of: run.id).isEmpty)
    }

    @Test("an interrupted run keeps every epoch it recorded")
    func interruptedRunKeepsEpochs() throws {
        // Given a run that recorded 7 epochs
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let run = try store.startRun(sampleRun())
        for epoch in 1...7 {
            try store.recordEpoch(sampleEpoch(epoch, runID: run.id))
        }
        // When it is finished as interrupted (as after Ctrl-C), and a second time
        try store.finishRun(id: run.id, outcome: .interrupted(reason: "SIGINT"), metrics: nil, weights: [])
        #expect(throws: StoreError.self) { try store.finishRun(id: run.id, outcome: .interrupted(reason: nil), metrics: nil, weights: []) }
        // Then another connection sees the 7 epochs and the interruption
        let reader = try ExperimentStore(path: path, access: .readOnly)
        #expect(try reader.epochs(of: run.shortID) == (1...7).map { sampleEpoch($0, runID: run.id) })
        let summary = try #require(try reader.runs().first)
        #expect(summary.status == .interrupted)
        #expect(summary.errorMessage == "SIGINT")
        #expect(summary.epochsCompleted == 7)
        #expect(summary.finishedAt != nil)
    }

    @Test("a diverged run records its epoch, NaN loss as NULL, and cannot be finished twice")
    func divergedRun() throws {
        // Given a run whose loss became NaN at epoch 3
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun(learningRate: 50))
        try store.recordEpoch(sampleEpoch(1, runID: run.id))
        try store.recordEpoch(sampleEpoch(2, runID: run.id))
        try store.recordEpoch(EpochRecord(runID: run.id, epoch: 3, trainLoss: .nan, trainAccuracy: 0.5, elapsedSeconds: 0.03))
        // When it is finished as diverged
        try store.finishRun(
            id: run.id, outcome: .diverged(atEpoch: 3),
            metrics: FinalMetrics(trainLoss: .infinity, trainAccuracy: 0.5), weights: [])
        // Then the run and its epochs say so
        let stored = try store.run(run.id)
        #expect(stored.status == .diverged)
        #expect(stored.divergedAtEpoch == 3)
        #expect(stored.finalTrainLoss == .infinity)
        #expect(try store.epochs(of: run.id).last?.trainLoss == nil)
        // And finishing it again is refused
        let error = #expect(throws: StoreError.self) {
            try store.finishRun(id: run.id, outcome: .completed, metrics: nil, weights: [])
        }
        #expect(error == .runNotRunning(id: run.id, status: .diverged))
    }

    @Test("a failed run keeps its error message; the schema rejects a failed run without one")
    func failedRun() throws {
        // Given a running run
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let run = try store.startRun(sampleRun())
        // When it fails
        try store.finishRun(id: run.id, outcome: .failed(message: "dataset.csv: no such file"), metrics: nil, weights: [])
        // Then the message is stored
        #expect(try store.run(run.id).errorMessage == "dataset.csv: no such file")
        // And the CHECK constraint refuses a hand-made failed run without a message
        #expect(throws: (any Error).self) {
            try rawConnection(path).write { try $0.execute(sql: "UPDATE runs SET error_message = NULL") }
        }
    }

    @Test("heartbeats move heartbeat_at forward and the duration follows it while running")
    func heartbeat() throws {
        // Given a run started at t0
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let run = try store.startRun(sampleRun(), at: start)
        // When a heartbeat comes 90.5 s later
        try store.heartbeat(runID: run.id, at: start.addingTimeInterval(90.5))
        // Then the run's heartbeat and running duration reflect it
        #expect(try store.run(run.id).heartbeatAt == start.addingTimeInterval(90.5))
        #expect(try store.runs().first?.durationSeconds == 90.5)
    }
}

@Suite("Schema constraints")
struct ConstraintTests {
    @Test("foreign keys are enforced: an epoch of an unknown run is refused")
    func foreignKeys() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let error = #expect(throws: StoreError.self) {
            try store.recordEpoch(sampleEpoch(1, runID: "00000000-0000-4000-8000-000000000000"))
        }
        #expect(error?.description.contains("FOREIGN KEY") == true)
    }

    @Test("CHECK constraints refuse out-of-range values")
    func checks() throws {
        // Given a running run
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        // Then an accuracy above 1, an epoch 0 and a zero learning rate are refused
        #expect(throws: StoreError.self) {
            try store.recordEpoch(EpochRecord(runID: run.id, epoch: 1, trainLoss: 0.1, trainAccuracy: 1.5, elapsedSeconds: 0))
        }
        #expect(throws: StoreError.self) { try store.recordEpoch(sampleEpoch(0, runID: run.id)) }
        var bad = sampleRun()
        bad.hyperparameters.learningRate = 0
        #expect(throws: StoreError.self) { try store.startRun(bad) }
        #expect(try store.epochs(of: run.id).isEmpty)
        #expect(try store.runs().count == 1)
    }
}
