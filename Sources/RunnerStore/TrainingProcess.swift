import Foundation
import GRDB

/// The host, PID namespace and process id of a training process.
public struct TrainingProcess: Sendable, Equatable {
    /// Host name, as `ProcessInfo.hostName` reports it.
    public var host: String
    /// Process id in its PID namespace.
    public var pid: Int32
    /// The PID namespace the pid belongs to, as `/proc/self/ns/pid` names it (`pid:[4026531836]`);
    /// nil where there is no `/proc`. Containers and `unshare --pid` give processes on one
    /// host pids of their own, so a pid means something only in its namespace.
    public var pidNamespace: String?

    public init(host: String, pid: Int32, pidNamespace: String? = nil) {
        self.host = host
        self.pid = pid
        self.pidNamespace = pidNamespace
    }

    /// This process.
    public static var current: TrainingProcess {
        TrainingProcess(host: ProcessInfo.processInfo.hostName, pid: getpid(), pidNamespace: currentPIDNamespace)
    }

    /// This process's PID namespace, read once.
    static let currentPIDNamespace: String? = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")

    /// Whether a reader in this process can look `self` up in its process table: same host,
    /// and same PID namespace (or no namespace recorded on either side, as before they were).
    var sharesProcessTable: Bool {
        let here = TrainingProcess.current
        return host == here.host && (pidNamespace == nil || pidNamespace == here.pidNamespace)
    }

    /// Whether this process still exists and is the one that started at or before
    /// `start` — not a later process that was given the same pid (after a reboot, say).
    /// Only meaningful on its own host; the start time is checked where `/proc` tells it.
    func isAlive(since start: Date) -> Bool {
        guard kill(pid, 0) == 0 || errno != ESRCH else { return false }
        guard let processStart = Self.startTime(of: pid) else { return true }
        return processStart <= start.addingTimeInterval(2)  // /proc counts in clock ticks
    }

    /// When process `pid` started, from `/proc/<pid>/stat` and the boot time in `/proc/stat`;
    /// nil where there is no `/proc`.
    static func startTime(of pid: Int32) -> Date? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.lastIndex(of: ")"),
              let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(bootLine.dropFirst(6).trimmingCharacters(in: .whitespaces))
        else { return nil }
        // Fields after the parenthesised name start at field 3 (state); field 22 is the start time.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return Date(timeIntervalSince1970: boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}

extension TrainingProcess {
    /// The process a row of `runs` names (its `host`, `pid` and `pid_namespace`); nil when the
    /// pid is not one a process can have (over 2³¹ − 1, edited in with sqlite3).
    init?(runRow row: Row) {
        guard let pid = Int32(exactly: row["pid"] as Int64) else { return nil }
        self.init(host: row["host"], pid: pid, pidNamespace: row["pid_namespace"])
    }
}
