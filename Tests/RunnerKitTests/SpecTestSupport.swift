import Foundation
import RunnerStore
import Testing
@testable import RunnerKit

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("runner-spec-tests-\(UUID().uuidString)").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (which may contain subfolders) and returns the absolute path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Parses `json` as if it were the file `experiments/<name>` in `folder` (or a dummy folder).
func parseSpec(_ json: String, name: String = "test.json", folder: String = "/nonexistent-spec-folder") throws(SpecValidationError) -> [ExperimentSpec] {
    Array(try SpecFile.parse(json, path: "experiments/\(name)", baseDirectory: folder))
}

/// The validation error `json` produces; records an issue when it is valid.
func specErrors(_ json: String, folder: String = "/nonexistent-spec-folder", sourceLocation: SourceLocation = #_sourceLocation) -> [SpecError] {
    do {
        let runs = try parseSpec(json, folder: folder)
        Issue.record("expected validation errors, got \(runs.count) valid run(s)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.errors
    }
}

/// CSV text of `count` points of dimension `dimension`, labels alternating.
func csvText(points count: Int, dimension: Int = 2) -> String {
    (0..<count).map { i in
        ((0..<dimension).map { j in "\(Double(i) * 0.5 + Double(j))" } + [i % 2 == 0 ? "1" : "-1"]).joined(separator: ",")
    }.joined(separator: "\n") + "\n"
}

/// Start weights in the seed's layout for d inputs and h hidden units.
func weightsJSON(d: Int, h: Int) -> String {
    let wi = (0..<d).map { j in "[" + (0..<h).map { k in "\(Double(j * h + k) / 10)" }.joined(separator: ",") + "]" }.joined(separator: ",")
    let vector = "[" + (0..<h).map { "\(Double($0) / 100)" }.joined(separator: ",") + "]"
    return #"{"Wi": [\#(wi)], "bi": \#(vector), "Wo": \#(vector), "bo": 0.5}"#
}

/// Trains `spec` for real and records it in `store`, as `runner run --rerun` would.
@discardableResult
func record(_ spec: ExperimentSpec, in store: ExperimentStore) throws -> RunResult {
    let recorder = RunRecorder(store: store)
    defer { try? recorder.close() }
    let executor = RunExecutor(recorder: recorder, progress: SilentProgress(), interruption: nil)
    return try #require(try executor.execute(try TrainingJob(spec: spec)))
}
