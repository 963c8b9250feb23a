import Foundation
import Testing

/// A fresh temporary folder for one test: its specs, its database, and the
/// `runner` and `sqlite3` invocations that work in it. Removed at the end.
final class Sandbox: @unchecked Sendable {
    let url: URL
    /// The database `runner` uses by default in this folder.
    let database: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("runner-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        database = url.appendingPathComponent("runner.db")
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to the file `name` in the sandbox and returns its name.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return name
    }

    /// Writes a small spec (see `Spec.small`) to `<name>.json` and returns the file name.
    @discardableResult
    func spec(_ name: String, _ text: String? = nil) throws -> String {
        try write("\(name).json", text ?? Spec.small(name: name))
    }

    /// The contents of a file in the sandbox, or nil when it does not exist.
    func contents(_ name: String) -> Data? {
        FileManager.default.contents(atPath: url.appendingPathComponent(name).path)
    }

    /// `runner arguments` run in the sandbox.
    func runner(_ arguments: String..., environment: [String: String] = [:], stdin: String? = nil, timeout: Double = 30) throws -> ProcessResult {
        try RunnerProcess.run(arguments, in: url, environment: environment, stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// `runner arguments`, which must succeed (exit 0); its result.
    @discardableResult
    func succeed(_ arguments: String..., environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try succeed(arguments, environment: environment, sourceLocation: sourceLocation)
    }

    /// `runner arguments`, which must succeed (exit 0); its result.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let result = try RunnerProcess.run(arguments, in: url, environment: environment)
        #expect(result.status == 0 && !result.endedBySignal, "runner \(arguments.joined(separator: " ")) failed: \(result)", sourceLocation: sourceLocation)
        return result
    }

    /// A runner process started in the sandbox, running in the background.
    func start(_ arguments: String..., environment: [String: String] = [:]) throws -> RunnerProcess {
        let process = RunnerProcess(arguments, in: url, environment: environment)
        try process.start()
        return process
    }

    /// The rows of `sql` run by sqlite3 on the sandbox database (or `file`), fields as text (NULL is "").
    @discardableResult
    func sqlite(_ sql: String, file: String = "runner.db", sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
        let separator = "\u{1F}"
        let result = try runTool("/usr/bin/sqlite3", [
            "-batch", "-noheader", "-separator", separator, "-newline", "\u{1E}", "-cmd", ".timeout 5000",
            url.appendingPathComponent(file).path, sql,
        ])
        #expect(result.status == 0 && result.stderr.isEmpty, "sqlite3 \(sql): \(result)", sourceLocation: sourceLocation)
        return result.stdout.split(separator: "\u{1E}", omittingEmptySubsequences: true)
            .map { $0.split(separator: Character(separator), omittingEmptySubsequences: false).map(String.init) }
    }

    /// The single value `sql` selects.
    func scalar(_ sql: String, file: String = "runner.db", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let rows = try sqlite(sql, file: file, sourceLocation: sourceLocation)
        #expect(rows.count == 1 && rows.first?.count == 1, "\(sql) gave \(rows)", sourceLocation: sourceLocation)
        return rows.first?.first ?? ""
    }

    /// The number `sql` counts.
    func count(_ sql: String, file: String = "runner.db", sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        Int(try scalar(sql, file: file, sourceLocation: sourceLocation)) ?? -1
    }

    /// Runs `spec` (which must complete) and returns the new runs' full ids, oldest first.
    @discardableResult
    func runSpec(_ spec: String, _ options: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let before = Set(try existingRunIDs())
        try succeed(["run", spec, "--quiet"] + options, sourceLocation: sourceLocation)
        return try existingRunIDs().filter { !before.contains($0) }
    }

    /// Every run id in the database, oldest first (none when there is no database yet).
    func existingRunIDs() throws -> [String] {
        guard FileManager.default.fileExists(atPath: database.path) else { return [] }
        return try sqlite("SELECT id FROM runs ORDER BY created_at, rowid").map { $0[0] }
    }

    /// The database file and its WAL, byte for byte (nil for files that do not exist).
    func databaseSnapshot() -> [Data?] {
        ["runner.db", "runner.db-wal"].map(contents)
    }
}

/// Spec texts for tests.
enum Spec {
    /// A tiny moons spec; any value may be a JSON array to make a sweep.
    static func small(
        name: String, points: String = "60", epochs: String = "5", hidden: String = "4",
        learningRate: String = "0.05", seed: String = "1", group: String? = nil
    ) -> String {
        """
        {
          "name": "\(name)",\(group.map { "\n  \"group\": \"\($0)\"," } ?? "")
          "data": {"generator": "moons", "points": \(points), "seed": 0},
          "model": {"hidden": \(hidden)},
          "training": {"learning_rate": \(learningRate), "epochs": \(epochs), "seed": \(seed)}
        }
        """
    }
}
