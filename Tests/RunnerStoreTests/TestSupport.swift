import Foundation
import GRDB
import Synchronization
@testable import RunnerStore

/// A fresh folder under the system temp dir, removed when the value is released.
final class TemporaryFolder: Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("RunnerStoreTests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path for a file named `name` in the folder.
    func file(_ name: String = "runs.sqlite") -> String { "\(path)/\(name)" }
}

/// Plausible hyperparameters of the seed's double-moon experiment.
func sampleHyperparameters(hiddenUnits: Int = 8, learningRate: Double = 0.1, seed: Int = 1) -> Hyperparameters {
    Hyperparameters(
        hiddenUnits: hiddenUnits, learningRate: learningRate, epochs: 50, seed: seed,
        dataset: "double_moon", inputDimension: 2, batchSize: 1, weightDecay: 0,
        visitOrder: "shuffled", initialization: "uniform", trainSize: 800, validationSize: 200)
}

/// A run start request with canonical-looking JSON.
func sampleRun(
    name: String = "moons", group: String? = "sweep-a", hiddenUnits: Int = 8, learningRate: Double = 0.1,
    seed: Int = 1, process: TrainingProcess = .current
) -> NewRun {
    let hyperparameters = sampleHyperparameters(hiddenUnits: hiddenUnits, learningRate: learningRate, seed: seed)
    return NewRun(
        name: name, groupName: group,
        specJSON: #"{"epochs":50,"hidden_units":\#(hiddenUnits),"learning_rate":\#(learningRate),"seed":\#(seed)}"#,
        hyperparameters: hyperparameters, programVersion: "0.1.0-test", process: process)
}

/// The metrics of one epoch of `runID`, made up from the epoch number.
func sampleEpoch(_ epoch: Int, runID: String) -> EpochRecord {
    EpochRecord(
        runID: runID, epoch: epoch, trainLoss: 1.0 / Double(epoch), trainAccuracy: 0.5 + 0.004 * Double(epoch),
        validationLoss: 1.1 / Double(epoch), validationAccuracy: 0.5 + 0.003 * Double(epoch),
        elapsedSeconds: 0.01 * Double(epoch))
}

/// Every byte of the file at `path`, to prove a refused database was not modified.
func bytes(_ path: String) -> Data {
    FileManager.default.contents(atPath: path) ?? Data()
}

/// A direct GRDB connection, for tampering with a database the way a user of `sqlite3` could.
func rawConnection(_ path: String) throws -> DatabaseQueue {
    try DatabaseQueue(path: path)
}

/// The journal mode of the database at `path`, read by a connection of its own.
func journalMode(_ path: String) throws -> String? {
    try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
}

/// The user-visible schema of the database at `path`, without the bookkeeping table.
func schema(_ path: String) throws -> [String] {
    try DatabaseQueue(path: path).read { db in
        try Row.fetchAll(db, sql: """
            SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE name <> 'schema_migrations' ORDER BY type, name
            """).map { "\($0["type"] as String) \($0["name"] as String) on \($0["tbl_name"] as String): \($0["sql"] as String? ?? "")" }
    }
}

/// Runs `body(index)` on `count` threads started together; returns the errors they threw.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let errors = Mutex<[String]>([])
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            start.wait()
            do {
                try body(index)
            } catch {
                errors.withLock { $0.append("thread \(index): \(error)") }
            }
            group.leave()
        }
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
    return errors.withLock { $0 }
}

/// Runs an executable and returns its standard output.
@discardableResult
func shell(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    let inputPipe = Pipe()
    if input != nil { process.standardInput = inputPipe }
    try process.run()
    if let input {
        inputPipe.fileHandleForWriting.write(Data(input.utf8))
        try inputPipe.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
