import Foundation
import RunnerStore

extension SpecFile {
    /// Reads, validates and expands the spec file at `path` with `overrides`, like
    /// `load(path:overrides:)`, and records where its runs come from: the file's absolute
    /// path, its text as written, the overrides and, in a git work tree, the commit.
    public static func loadWithSource(
        path: String, overrides: [SpecOverride] = []
    ) throws(SpecValidationError) -> (runs: SpecSweep, source: StoredSpecSource) {
        let data = try read(path: path)
        let runs = try parse(data, path: path, overrides: overrides)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let git = GitState(file: absolute)
        let source = StoredSpecSource(
            path: absolute, text: String(decoding: data, as: UTF8.self), overrides: overrides.map(\.argument),
            gitCommit: git?.commit, gitDirty: git?.dirty)
        return (runs, source)
    }
}

/// The git work tree a file lives in: its checked-out commit, and whether it differs from it.
struct GitState: Equatable {
    /// The full hash of HEAD.
    var commit: String
    /// True when tracked files have changes, or when the file itself is not committed.
    var dirty: Bool

    /// The state of the work tree holding `file` (an absolute path); nil outside git,
    /// in a repository without commits, or when git is not installed.
    init?(file: String) {
        let url = URL(fileURLWithPath: file).resolvingSymlinksInPath()
        let folder = url.deletingLastPathComponent().path
        guard let head = Self.git(["rev-parse", "--show-toplevel", "HEAD"], in: folder)?.split(separator: "\n"),
              head.count == 2 else { return nil }
        let top = URL(fileURLWithPath: String(head[0])).resolvingSymlinksInPath().path
        guard let status = Self.git(["status", "--porcelain=v1", "-z", "--untracked-files=normal"], in: top) else { return nil }
        let relative = url.path.hasPrefix(top + "/") ? String(url.path.dropFirst(top.count + 1)) : url.lastPathComponent
        commit = String(head[1])
        dirty = status.split(separator: "\0").contains { entry in
            // "?? path" is untracked (a folder ends with "/"): it counts only when it holds the spec.
            guard entry.hasPrefix("?? ") else { return true }
            let path = entry.dropFirst(3)
            return path == relative || (path.hasSuffix("/") && relative.hasPrefix(path))
        }
    }

    /// What `git arguments` prints when it succeeds in `folder`, without the final newline.
    private static func git(_ arguments: [String], in folder: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // status must not write the index
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // Not waitUntilExit(): on Linux it polls a run loop and often sleeps 50 ms, which
        // every `runner run` would pay twice before its first run.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        exited.wait()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
