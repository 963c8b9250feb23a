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
    static func check(_ path: String, writable: Bool) throws(StoreError) {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: folder(of: path), isDirectory: &isFolder), isFolder.boolValue else {
            throw .missingFolder(path: path)
        }
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
            if !writable { throw .noDatabase(path: path) }
            if !isWritable(folder(of: path)) { throw .readOnlyFile(path: path) }
            return
        }
        if isFolder.boolValue {
            throw .notADatabase(path: path, detail: "it is a folder")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .notADatabase(path: path, detail: "it cannot be read")
        }
        let start = (try? handle.read(upToCount: header.count)) ?? Data()
        try? handle.close()
        if !start.isEmpty && start != header {
            throw .notADatabase(path: path, detail: "it does not start with the SQLite header")
        }
        if writable && !(isWritable(path) && isWritable(folder(of: path))) {
            throw .readOnlyFile(path: path)
        }
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
}
