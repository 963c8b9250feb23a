import Foundation

/// How many processors this process may run on.
public enum ProcessorAffinity {
    /// The processors in this process's CPU affinity mask (`Cpus_allowed` in
    /// `/proc/self/status`), so `taskset` and Slurm's `--cpus-per-task` are honoured;
    /// the active processor count where there is no such file. Read once, when first asked.
    public static let availableCores: Int = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let mask = line.dropFirst("Cpus_allowed:".count).filter(\.isHexDigit)
            let count = mask.reduce(0) { $0 + ($1.hexDigitValue ?? 0).nonzeroBitCount }
            if count > 0 { return count }
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()
}
