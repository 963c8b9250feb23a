import Foundation

/// Standard output and standard error, written with `write(2)`.
///
/// A stream whose reader went away (a closed pipe: `runner … | head -1`) or whose file
/// cannot grow (a full disk) never crashes the program, as `FileHandle.write` does: the
/// stream is marked closed, later text to it is dropped, and the handlers registered with
/// `whenClosed` are called once. (While SIGPIPE keeps its default action, a write to a closed
/// pipe ends the process before it returns; `InterruptionMonitor` ignores SIGPIPE so that
/// `runner run` records its run first.)
public enum Console {
    /// One of the two output streams.
    public enum Stream: Int32, Sendable {
        case output = 1
        case error = 2
    }

    /// Writes all of `text` to `stream`; false when the stream is (or just became) closed.
    @discardableResult
    public static func write(_ text: String, to stream: Stream = .output) -> Bool {
        guard !state.isClosed(stream) else { return false }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(stream.rawValue, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                state.close(stream, error: errno)
                return false
            }
            offset += written
        }
        return true
    }

    /// Whether writing to `stream` has failed.
    public static func isClosed(_ stream: Stream) -> Bool {
        state.isClosed(stream)
    }

    /// The `errno` of the first failed write to `stream` (`ENOSPC` for a full disk, `EPIPE`
    /// for a closed pipe), or nil while every write succeeded.
    public static func failure(of stream: Stream) -> Int32? {
        state.failure(of: stream)
    }

    /// Marks `stream` closed as if a write had failed with `error`: for a stream the process
    /// was started without (`>&-`).
    public static func markClosed(_ stream: Stream, error: Int32) {
        state.close(stream, error: error)
    }

    /// Calls `handler` with each stream the first time a write to it fails, and at once with
    /// each stream already closed.
    public static func whenClosed(_ handler: @escaping @Sendable (Stream) -> Void) {
        state.add(handler).forEach(handler)
    }

    private static let state = State()

    /// Which streams are closed, and who wants to know.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        /// The `errno` of each closed stream's first failed write, by file descriptor.
        private var closed: [Int32: Int32] = [:]
        private var handlers: [@Sendable (Stream) -> Void] = []

        func isClosed(_ stream: Stream) -> Bool {
            failure(of: stream) != nil
        }

        func failure(of stream: Stream) -> Int32? {
            lock.withLock { closed[stream.rawValue] }
        }

        func close(_ stream: Stream, error: Int32) {
            let toCall = lock.withLock {
                guard closed[stream.rawValue] == nil else { return [@Sendable (Stream) -> Void]() }
                closed[stream.rawValue] = error
                return handlers
            }
            toCall.forEach { $0(stream) }
        }

        /// Adds `handler`; returns the streams already closed.
        func add(_ handler: @escaping @Sendable (Stream) -> Void) -> [Stream] {
            lock.withLock {
                handlers.append(handler)
                return closed.keys.sorted().compactMap(Stream.init(rawValue:))
            }
        }
    }
}
