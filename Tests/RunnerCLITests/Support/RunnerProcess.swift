import Foundation
import Testing

/// How a finished process ended, with everything it printed.
struct ProcessResult: CustomStringConvertible {
    var status: Int32
    /// True when the process was ended by a signal (`status` is then the signal number).
    var endedBySignal: Bool
    var stdout: String
    var stderr: String
    /// True when the process did not finish in time and was killed.
    var timedOut: Bool

    /// The status as a shell reports it: 128 + n for a signal.
    var shellStatus: Int32 { endedBySignal ? 128 + status : status }

    var description: String {
        "status \(status)\(endedBySignal ? " (signal)" : "")\(timedOut ? " TIMED OUT" : "")\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

/// The built `runner` executable.
enum RunnerBinary {
    /// Next to the test bundle (`.build/<triple>/debug/runner`), or found by walking up to a `.build/debug/runner`.
    static let url: URL = {
        let files = FileManager.default
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("runner"))
        if let main = Bundle.main.executableURL {
            candidates.append(main.deletingLastPathComponent().appendingPathComponent("runner"))
        }
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder.appendingPathComponent(".build/debug/runner"))
            folder.deleteLastPathComponent()
        }
        return candidates.first { files.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()
}

/// Collects everything a file handle yields until end of file, on its own thread.
private final class StreamReader: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                lock.withLock { data.append(chunk) }
            }
            done.signal()
        }
    }

    /// What was read so far.
    var textSoFar: String {
        lock.withLock { String(decoding: data, as: UTF8.self) }
    }

    /// Everything read, once the writer has closed its end.
    func text(timeout: Double) -> String {
        _ = done.wait(timeout: .now() + timeout)
        return textSoFar
    }
}

/// One `runner` process: started in a folder with arguments and environment,
/// its output read while it runs so that full pipes never block it.
final class RunnerProcess: @unchecked Sendable {
    let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private var stdoutReader: StreamReader?
    private var stderrReader: StreamReader?
    private let input: Data?

    /// `environment` is added to this process's own, without `RUNNER_DB`, `NO_COLOR` and `COLUMNS` unless given.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], stdin: Data? = nil) {
        var merged = ProcessInfo.processInfo.environment
        merged["RUNNER_DB"] = nil
        merged["NO_COLOR"] = nil
        merged["COLUMNS"] = nil
        merged.merge(environment) { $1 }
        process.executableURL = RunnerBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = merged
        input = stdin
    }

    /// Starts the process.
    func start() throws {
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        stdoutReader = StreamReader(out.fileHandleForReading)
        stderrReader = StreamReader(err.fileHandleForReading)
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()
    }

    var isRunning: Bool { process.isRunning }

    /// Waits (up to `timeout` seconds) until the process has written `text` on standard error;
    /// whether it did.
    func waitForStandardError(containing text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderrReader?.textSoFar.contains(text) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Sends `signal` (SIGINT, SIGTERM, SIGKILL...) to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `timeout` seconds for the end; kills the process if it is still running then.
    func wait(timeout: Double) -> ProcessResult {
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            send(SIGKILL)
            exited.wait()
        }
        return ProcessResult(
            status: process.terminationStatus,
            endedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: stdoutReader?.text(timeout: 5) ?? "",
            stderr: stderrReader?.text(timeout: 5) ?? "",
            timedOut: timedOut)
    }

    /// Runs `runner arguments` to the end (at most `timeout` seconds).
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], stdin: Data? = nil,
        timeout: Double = 30
    ) throws -> ProcessResult {
        let runner = RunnerProcess(arguments, in: directory, environment: environment, stdin: stdin)
        try runner.start()
        let result = runner.wait(timeout: timeout)
        #expect(!result.timedOut, "runner \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        return result
    }
}

/// Runs any other program (sqlite3) to the end.
func runTool(_ path: String, _ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    let stdoutReader = StreamReader(out.fileHandleForReading)
    let stderrReader = StreamReader(err.fileHandleForReading)
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, endedBySignal: process.terminationReason == .uncaughtSignal,
        stdout: stdoutReader.text(timeout: 5), stderr: stderrReader.text(timeout: 5), timedOut: false)
}
