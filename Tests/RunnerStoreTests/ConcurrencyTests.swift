import Foundation
import Testing
@testable import RunnerStore

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("eight connections writing epochs at once lose nothing and never see 'database is locked'")
    func concurrentWriters() throws {
        // Given one database and eight runs
        let folder = TemporaryFolder()
        let path = folder.file()
        let setup = try ExperimentStore(path: path)
        let runs = try (0..<8).map { try setup.startRun(sampleRun(name: "writer-\($0)", seed: $0)) }
        let epochCount = 40
        // When eight threads, each with its own connection, record epochs and finish simultaneously
        let errors = runOnThreads(8) { index in
            let store = try ExperimentStore(path: path)
            for epoch in 1...epochCount {
                try store.recordEpoch(sampleEpoch(epoch, runID: runs[index].id))
            }
            try store.finishRun(
                id: runs[index].id, outcome: .completed,
                metrics: FinalMetrics(trainLoss: 0.1, trainAccuracy: 0.9),
                weights: [WeightTensor(name: .bo, shape: [], values: [Double(index)])])
        }
        // Then there was no error and every row is there
        #expect(errors == [])
        for run in runs {
            #expect(try setup.epochs(of: run.id).map(\.epoch) == Array(1...epochCount))
            #expect(try setup.run(run.id).status == .completed)
        }
    }

    @Test("eight connections opening a brand-new file at once all succeed and migrate it once")
    func concurrentCreation() throws {
        // Given a path where no database exists yet
        let folder = TemporaryFolder()
        let path = folder.file()
        // When eight threads open it at the same moment and each starts a run
        let errors = runOnThreads(8) { index in
            let store = try ExperimentStore(path: path)
            try store.startRun(sampleRun(name: "opener-\(index)"))
        }
        // Then none failed, the migrations were applied once, and all runs are there in WAL mode
        #expect(errors == [])
        let store = try ExperimentStore(path: path, access: .readOnly)
        #expect(try store.query("SELECT count(*) FROM schema_migrations").rows == [[.integer(Int64(Migration.bundled.count))]])
        #expect(try store.runs().count == 8)
        #expect(try journalMode(path) == "wal")
    }
}

/// Eight separate `runner`-like processes: the test binary re-runs itself in "child" mode.
@Suite("Concurrency across processes")
struct ProcessConcurrencyTests {
    private static let databaseVariable = "RUNNER_STORE_CHILD_DATABASE"
    private static let indexVariable = "RUNNER_STORE_CHILD_INDEX"
    private static let epochCount = 25

    @Test("eight processes creating and writing one new file at once lose nothing")
    func concurrentProcesses() throws {
        // Given a path where no database exists yet
        let folder = TemporaryFolder()
        let path = folder.file()
        // When eight copies of this test binary each open it, start a run and record epochs
        let children = try (0..<8).map { index in
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--testing-library", "swift-testing", "--filter", "ProcessConcurrencyTests/childWriter"]
            child.environment = ProcessInfo.processInfo.environment.merging(
                [Self.databaseVariable: path, Self.indexVariable: String(index)]) { $1 }
            let log = folder.file("child-\(index).log")
            #expect(FileManager.default.createFile(atPath: log, contents: nil))
            child.standardOutput = FileHandle(forWritingAtPath: log)
            child.standardError = child.standardOutput
            try child.run()
            return child
        }
        children.forEach { $0.waitUntilExit() }
        // Then every child succeeded and every row is there
        for (index, child) in children.enumerated() where child.terminationStatus != 0 {
            let log = String(decoding: bytes(folder.file("child-\(index).log")), as: UTF8.self)
            Issue.record("child \(index) exited with \(child.terminationStatus):\n\(log)")
        }
        let store = try ExperimentStore(path: path, access: .readOnly)
        let runs = try store.runs()
        #expect(Set(runs.map(\.name)) == Set((0..<8).map { "process-\($0)" }))
        for run in runs {
            #expect(run.status == .completed)
            #expect(try store.epochs(of: run.id).map(\.epoch) == Array(1...Self.epochCount))
        }
    }

    @Test(
        "child: one writer process (run only by concurrentProcesses)",
        .enabled(if: ProcessInfo.processInfo.environment[databaseVariable] != nil))
    func childWriter() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = try #require(environment[Self.databaseVariable])
        let index = try #require(environment[Self.indexVariable])
        let store = try ExperimentStore(path: path)
        let run = try store.startRun(sampleRun(name: "process-\(index)"))
        for epoch in 1...Self.epochCount {
            try store.recordEpoch(sampleEpoch(epoch, runID: run.id))
        }
        try store.finishRun(id: run.id, outcome: .completed, metrics: nil, weights: [])
    }
}
