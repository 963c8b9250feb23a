import Foundation

/// Database files `runner` itself left behind undamaged, so that opening one of them again
/// to write skips `PRAGMA quick_check`, which reads the whole file: about 5 s for a store of
/// 100,000 runs here, paid by every `run`, `tag` or `note` on it.
///
/// When a store that could write closes and its write-ahead log has been folded into the
/// file (no `-wal` is left), the file's device, inode, size, and modification and change
/// times to the nanosecond are recorded in `$XDG_CACHE_HOME/runner/verified` (by default
/// `~/.cache/runner/verified`), one small file per database path. An open skips the check
/// only when all of them are the same and no `-wal` exists. Any write to the file since, by
/// any program, moves its change time, which no one can set back; a copy is a new inode.
/// Without a usable cache folder every open checks, as before.
///
/// The kernel stamps files from a clock that advances in ticks of a few milliseconds, so a
/// write in the same tick as the store's last one could keep the change time: the state is
/// recorded only once 30 ms have passed since that change time. Files under 16 MB, which
/// are checked in a few hundredths of a second, are always checked and never recorded.
enum VerifiedFiles {
    /// The size from which a file's state is recorded.
    static let minimumSize = 16 << 20

    /// Whether the file at `path` is exactly as a `runner` store that wrote it left it.
    static func isUnchanged(_ path: String) -> Bool {
        guard let entry = entry(for: path), let recorded = try? String(contentsOf: entry, encoding: .utf8) else { return false }
        return state(of: path).map { $0.text == recorded } ?? false
    }

    /// Records the state of the file at `path`, just closed by a store that wrote it.
    static func remember(_ path: String) {
        guard let entry = entry(for: path), var state = state(of: path) else { return }
        let settled = state.changed + 0.03
        let now = Date().timeIntervalSince1970
        if now < settled {
            Thread.sleep(forTimeInterval: settled - now)
            guard let later = self.state(of: path), later.text == state.text else { return }
            state = later
        }
        try? FileManager.default.createDirectory(at: entry.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? state.text.write(to: entry, atomically: true, encoding: .utf8)
    }

    /// Device, inode, size and times of the file at `path`, and its change time in seconds;
    /// nil when it is smaller than `minimumSize`, cannot be read, or a write-ahead log holds
    /// changes not yet in it.
    private static func state(of path: String) -> (text: String, changed: TimeInterval)? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= minimumSize,
              access(path + "-wal", F_OK) != 0 else { return nil }
        let text = [
            UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size),
            UInt64(info.st_mtim.tv_sec), UInt64(info.st_mtim.tv_nsec), UInt64(info.st_ctim.tv_sec), UInt64(info.st_ctim.tv_nsec),
        ].map(String.init).joined(separator: " ") + "\n"
        return (text, TimeInterval(info.st_ctim.tv_sec) + TimeInterval(info.st_ctim.tv_nsec) / 1e9)
    }

    /// The cache file for the database at `path`, named by the SHA-256 of its absolute path.
    private static func entry(for path: String) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        let cache: URL
        if let folder = environment["XDG_CACHE_HOME"], folder.hasPrefix("/") {
            cache = URL(fileURLWithPath: folder)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            cache = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        } else {
            return nil
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return cache.appendingPathComponent("runner/verified/\(sha256Hex(absolute))")
    }
}
