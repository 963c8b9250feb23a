import Foundation

/// A little disk space held on a database's file system, so that once a full disk refused a
/// commit, the small write that records runs as `failed` still finds room.
///
/// The space is a temporary file in the database's folder, unlinked at once and kept open:
/// no name is left behind, and the system frees it when `release()` closes it or the
/// process ends, however it ends. Where it cannot be made (a disk already full), there is
/// no reserve.
final class SpaceReserve: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: Int32?

    /// Reserves `bytes` bytes beside the database at `path`, if it can.
    init(nextTo path: String, bytes: Int) {
        var template = Array("\(path).reserve-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { return }
        unlink(template)
        guard posix_fallocate(descriptor, 0, off_t(bytes)) == 0 else {
            close(descriptor)
            return
        }
        self.descriptor = descriptor
    }

    /// Gives the space back to the file system.
    func release() {
        lock.withLock {
            if let descriptor { close(descriptor) }
            descriptor = nil
        }
    }

    deinit {
        release()
    }
}
