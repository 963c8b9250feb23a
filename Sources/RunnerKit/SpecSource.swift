import Foundation
import RunnerStore

extension SpecFile {
    /// Reads, validates and expands the spec file at `path` with `overrides`, like
    /// `load(path:overrides:)`, and records where its runs come from: the file's absolute
    /// path, its text as written, the overrides and, in a git work tree, the commit.
    public static func loadWithSource(
        path: String, overrides: [SpecOverride] = []
    ) throws(SpecValidationError) -> (runs: SpecSweep, source: StoredSpecSource) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        // git answers while the file is read and parsed.
        let lookup = GitState.Lookup(file: absolute)
        let data: Data
        let runs: SpecSweep
        do {
            data = try read(path: path)
            // A pipe has no folder of its own: paths in the spec are taken from the current one.
            let base = FileKind.isPipe(atPath: path) ? FileManager.default.currentDirectoryPath : nil
            runs = try parse(data, path: path, baseDirectory: base, overrides: overrides)
        } catch {
            lookup.cancel()
            throw error
        }
        let git = lookup.state()
        let source = StoredSpecSource(
            path: absolute, text: String(decoding: data, as: UTF8.self), overrides: overrides.map(\.argument),
            gitCommit: git?.commit, gitDirty: git?.dirty)
        return (runs, source)
    }
}

/// The git work tree a file lives in: its checked-out commit, and whether it differs from it.
struct GitState {
    /// The full hash of HEAD.
    var commit: String
    /// True when tracked files have changes, or when the file itself is not committed.
    var dirty: Bool

    /// The two git commands that tell the `GitState` of a file's work tree, started at once
    /// (each takes a few milliseconds, which every `runner run` would otherwise wait for one
    /// after the other).
    struct Lookup {
        private let file: URL
        private let head: GitCommand?
        private let status: GitCommand?

        /// Starts the commands for `file` (an absolute path).
        init(file: String) {
            self.file = URL(fileURLWithPath: file).resolvingSymlinksInPath()
            let folder = self.file.deletingLastPathComponent().path
            head = GitCommand(["rev-parse", "--show-toplevel", "HEAD"], in: folder)
            // Porcelain output names paths from the top of the work tree, wherever git runs.
            status = GitCommand(["status", "--porcelain=v1", "-z", "--untracked-files=normal"], in: folder)
        }

        /// Stops the commands, for a spec that will not be run.
        func cancel() {
            head?.cancel()
            status?.cancel()
        }

        /// Waits for the commands: the state, or nil outside git, in a repository without
        /// commits, or when git is not installed.
        func state() -> GitState? {
            let head = head?.output()?.split(separator: "\n")
            guard let status = status?.output(), let head, head.count == 2 else { return nil }
            let top = URL(fileURLWithPath: String(head[0])).resolvingSymlinksInPath().path
            let relative = file.path.hasPrefix(top + "/") ? String(file.path.dropFirst(top.count + 1)) : file.lastPathComponent
            let dirty = status.split(separator: "\0").contains { entry in
                // "?? path" is untracked (a folder ends with "/"): it counts only when it holds the spec.
                guard entry.hasPrefix("?? ") else { return true }
                let path = entry.dropFirst(3)
                return path == relative || (path.hasSuffix("/") && relative.hasPrefix(path))
            }
            return GitState(commit: String(head[1]), dirty: dirty)
        }
    }
}

/// A git command running in the background, its standard output read when asked for.
private struct GitCommand {
    private let process = Process()
    private let pipe = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `git arguments` in `folder`; nil when it cannot start.
    init?(_ arguments: [String], in folder: String) {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // status must not write the index
        process.environment = environment
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        // Not waitUntilExit(): on Linux it polls a run loop and often sleeps 50 ms.
        process.terminationHandler = { [exited] _ in exited.signal() }
        do { try process.run() } catch { return nil }
    }

    /// Ends the command if it still runs.
    func cancel() {
        if process.isRunning { process.terminate() }
    }

    /// What the command printed, without the final newline, once it exits; nil when it failed.
    func output() -> String? {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        exited.wait()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
