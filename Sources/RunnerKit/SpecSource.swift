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
///
/// Started with `posix_spawnp` rather than Foundation's `Process`, which on Linux took 2 ms
/// to start each command here, before git itself began: the commands run at the start of every
/// `runner run`, which they must not delay.
private final class GitCommand: @unchecked Sendable {
    private let pid: pid_t
    /// The reading end of the command's standard output.
    private let standardOutput: Int32

    /// Starts `git arguments` in `folder` (found on the PATH, as a shell would); nil when it cannot start.
    init?(_ arguments: [String], in folder: String) {
        _ = Self.childrenWaitable
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        // Close-on-exec, so that the other command does not keep this one's pipe open.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
            close(ends[1])
        }
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        // git starts with the default signal handling and no signal blocked, whatever this process does.
        var none = sigset_t(), handled = sigset_t()
        sigemptyset(&none)
        sigemptyset(&handled)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&handled, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &handled)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // status must not write the index
        let argv = (["git", "-C", folder] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, "git", &actions, &attributes, argv, envp) == 0 else {
            close(ends[0])
            return nil
        }
        self.pid = pid
        standardOutput = ends[0]
    }

    /// A process started with SIGCHLD ignored (by a supervisor that set it so) has its
    /// children reaped by the kernel, and `waitpid` would find no exit status: such a
    /// process gets SIGCHLD's default back, once, before its first command.
    private static let childrenWaitable: Void = {
        var current = sigaction()
        sigaction(SIGCHLD, nil, &current)
        if InterruptionMonitor.isIgnored(current.__sigaction_handler.sa_handler) { signal(SIGCHLD, SIG_DFL) }
    }()

    /// Ends the command if it still runs.
    func cancel() {
        kill(pid, SIGTERM)
        _ = exitStatus()
        close(standardOutput)
    }

    /// What the command printed, without the final newline, once it exits; nil when it failed.
    func output() -> String? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(standardOutput, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data += buffer[..<count]
        }
        close(standardOutput)
        guard exitStatus() == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// Waits for the command to end: its `waitpid` status (0 when it exited with 0).
    private func exitStatus() -> Int32 {
        var status: Int32 = -1
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
