import Foundation

/// What a path names when it is not a regular file, for messages that say why it is refused
/// (a database, a CSV or start weights must be regular files).
public enum FileKind {
    /// What the file at `path` is when it is not a regular file ("a FIFO (named pipe)", "a
    /// character device"), following symlinks; nil for a regular file or no file at all.
    public static func special(atPath path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return special(status.st_mode)
    }

    /// Whether `path` is a pipe: a FIFO, `/dev/stdin` of a pipeline, or bash's `<(…)`.
    public static func isPipe(atPath path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
    }

    /// What a file of `mode` is, or nil for a regular file.
    static func special(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}
