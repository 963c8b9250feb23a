import Foundation

/// Files that commands write (`plot --out`, `report --out`): never the database, never half-written.
public enum OutputFile {
    /// Writes `text` to `path` through a temporary file in the same folder, renamed into
    /// place once complete, so a reader never sees a half-written file and a failure leaves
    /// the old one. Refuses a path that names `database` or its `-wal`, `-shm` or `-journal`
    /// file, however it is spelled (another relative path, a symbolic or hard link).
    public static func write(_ text: String, to path: String, database: String) throws(OutputFileError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw OutputFileError(path: path, reason: "the folder \(folder) does not exist; create it or choose another --out")
        }
        guard isFolder.boolValue else {
            throw OutputFileError(path: path, reason: "\(folder) is a file, not a folder; choose another --out")
        }
        if let file = databaseFile(named: path, database: database) {
            throw OutputFileError(path: path, reason: "it is \(file == database ? "the database" : "the database's file \(file)"); choose another --out")
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw OutputFileError(path: path, reason: "\(String(cString: strerror(errno))); check that \(folder) is writable")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let mask = umask(0)
        umask(mask)
        fchmod(descriptor, 0o666 & ~mask)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            unlink(temporary)
            let reason = (error as NSError).localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: "."))
            throw OutputFileError(path: path, reason: "\(reason); is the disk full?")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputFileError(path: path, reason: reason)
        }
    }

    /// The file of the database that `path` names (the database, or its `-wal`, `-shm` or
    /// `-journal` file), or nil.
    static func databaseFile(named path: String, database: String) -> String? {
        let target = canonical(path)
        var outStatus = stat(), databaseStatus = stat()
        let sameInode = stat(path, &outStatus) == 0 && stat(database, &databaseStatus) == 0
            && outStatus.st_dev == databaseStatus.st_dev && outStatus.st_ino == databaseStatus.st_ino
        if sameInode || target == canonical(database) { return database }
        return ["-wal", "-shm", "-journal"].map { database + $0 }.first { canonical($0) == target }
    }

    /// `path` absolute, with its folder's symbolic links resolved, and the file's own when it is one.
    private static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        let file = folder + "/" + url.lastPathComponent
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: file) {
            return canonical(destination.hasPrefix("/") ? destination : folder + "/" + destination)
        }
        return file
    }
}

/// Why an output file could not be written.
public struct OutputFileError: Error, Equatable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// What is wrong and how to fix it.
    public var reason: String

    public var description: String {
        "cannot write \(path): \(reason)"
    }
}
