import Foundation

/// The host and process id of a training process.
public struct TrainingProcess: Sendable, Equatable {
    /// Host name, as `ProcessInfo.hostName` reports it.
    public var host: String
    /// Process id on that host.
    public var pid: Int32

    public init(host: String, pid: Int32) {
        self.host = host
        self.pid = pid
    }

    /// This process.
    public static var current: TrainingProcess {
        TrainingProcess(host: ProcessInfo.processInfo.hostName, pid: getpid())
    }

    /// Whether this process still exists. Only meaningful on its own host.
    var isAlive: Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
