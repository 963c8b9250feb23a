import Foundation

/// Checks on the database path made before SQLite touches it, so bad paths give clear errors
/// and files that are not ours are never modified.
enum DatabaseFile {
    /// The first 16 bytes of every SQLite 3 database file.
    private static let header = Data("SQLite format 3\0".utf8)

    /// The folder part of `path`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Throws the `StoreError` that describes why `path` cannot be opened, if any.
    ///
    /// Anything but a regular file (a FIFO, a device, a socket, a folder) is refused before
    /// it is opened, so that opening never blocks and SQLite never writes a journal beside it.
    static func check(_ path: String, writable: Bool) throws(StoreError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder(of: path), isDirectory: &isFolder), isFolder.boolValue else {
            throw .missingFolder(path: path)
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            if !writable { throw .noDatabase(path: path) }
            if !isWritable(folder(of: path)) { throw .readOnlyFile(path: path) }
            return
        }
        if let kind = FileKind.special(status.st_mode) {
            throw .notADatabase(path: path, detail: "it is \(kind), not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .notADatabase(path: path, detail: "it cannot be read")
        }
        let start = (try? handle.read(upToCount: header.count)) ?? Data()
        try? handle.close()
        if !start.isEmpty && start != header {
            throw .notADatabase(path: path, detail: "it does not start with the SQLite header")
        }
        if writable && !canWrite(path) {
            throw .readOnlyFile(path: path)
        }
    }

    /// Whether the existing database at `path` may be written: the file and its folder
    /// (where SQLite keeps its journal and WAL files) are both writable.
    static func canWrite(_ path: String) -> Bool {
        isWritable(path) && isWritable(folder(of: path))
    }

    /// Whether `path` holds nothing yet: no file, or an empty one.
    static func isEmpty(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) != 0 || status.st_size == 0
    }

    /// Whether the file at `path` may be written: the process has access and some write
    /// permission bit is set (root has access to everything, yet a `chmod a-w` file is
    /// meant to be read-only).
    private static func isWritable(_ path: String) -> Bool {
        guard access(path, W_OK) == 0,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let permissions = attributes[.posixPermissions] as? NSNumber
        else { return false }
        return permissions.intValue & 0o222 != 0
    }

    /// The name to open `path` by: SQLite reads a name that starts with "file:" as a URI
    /// (`file:x.db` would open `x.db`), so such a path is given as "./file:…".
    static func sqliteName(_ path: String) -> String {
        path.hasPrefix("file:") ? "./" + path : path
    }

    /// An SQLite URI that opens `path` read-only; `immutable` also reads it without locks, WAL
    /// or journal files (for a file no process writes, or in a folder where SQLite cannot
    /// create them).
    static func readOnlyURI(_ path: String, immutable: Bool) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute)
            + (immutable ? "?mode=ro&immutable=1" : "?mode=ro")
    }
}
