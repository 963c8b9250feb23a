import Foundation
import RunnerCore
import RunnerStore

/// Reads experiment spec files: validates everything, fills in defaults and
/// expands sweeps into one `ExperimentSpec` per run. See `docs/spec.md`.
public enum SpecFile {
    /// The most runs one spec may expand to.
    public static let maximumRuns = 1_000_000

    /// Reads, validates and expands the spec file at `path`.
    ///
    /// Relative file paths inside the spec are resolved against the spec
    /// file's folder; the default name is the file name without `.json`.
    ///
    /// `overrides` change the document before it is validated (see `SpecOverride`).
    ///
    /// - Returns: The runs in grid order (see `docs/spec.md`).
    /// - Throws: Every problem in the file at once.
    public static func load(path: String, overrides: [SpecOverride] = []) throws(SpecValidationError) -> SpecSweep {
        try parse(read(path: path), path: path, overrides: overrides)
    }

    /// The bytes of the spec file at `path`; a pipe (`<(jq … spec.json)`, `/dev/stdin`) is read
    /// to its end, up to `pipeLimit` bytes.
    static func read(path: String) throws(SpecValidationError) -> Data {
        let isPipe = FileKind.isPipe(atPath: path)
        guard let data = isPipe ? readPipe(path) : FileManager.default.contents(atPath: path) else {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let reason = isPipe ? "the pipe could not be read to its end, or holds more than \(pipeLimit >> 20) MB"
                : ExperimentSpec.readFailure(absolute)
            throw SpecValidationError(file: path, errors: [
                SpecError(file: path, jsonPath: "", message: "cannot read the spec file \(absolute): \(reason)"),
            ])
        }
        // `runner run results.db`: a database where a spec belongs.
        if data.starts(with: Array("SQLite format 3\u{0}".utf8)) {
            throw SpecValidationError(file: path, errors: [
                SpecError(file: path, jsonPath: "", message: "this is an SQLite database, not an experiment spec (a database is named with --db)"),
            ])
        }
        return data
    }

    /// The most bytes a spec read from a pipe may have.
    static let pipeLimit = 64 << 20

    /// What the pipe at `path` holds, read to its end; nil when it cannot be read or holds
    /// more than `pipeLimit` bytes (`yes |` never ends).
    private static func readPipe(_ path: String) -> Data? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN {
                // A pipe left non-blocking by whoever made it: wait until it has more.
                var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&waiting, 1, -1)
                continue
            }
            guard count >= 0 else { return nil }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
            if data.count > pipeLimit { return nil }
        }
    }

    /// Validates and expands spec text.
    ///
    /// - Parameters:
    ///   - data: The JSON, UTF-8.
    ///   - path: The file's name for messages and the default `name`; it need not exist.
    ///   - baseDirectory: The folder relative paths are resolved against;
    ///     by default the folder of `path`.
    ///   - overrides: Values that replace or add to the document's, validated like it.
    public static func parse(
        _ data: Data, path: String, baseDirectory: String? = nil, overrides: [SpecOverride] = []
    ) throws(SpecValidationError) -> SpecSweep {
        let base = baseDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? URL(fileURLWithPath: path).deletingLastPathComponent()
        var validator = SpecValidator(file: path, baseDirectory: base.standardizedFileURL.path)
        let runs = validator.run(Array(data), overrides: overrides)
        guard validator.errors.isEmpty else {
            let sorted = validator.errors.enumerated().sorted { a, b in
                let keyA = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
                let keyB = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
                return keyA < keyB
            }.map(\.element)
            throw SpecValidationError(file: path, errors: sorted)
        }
        return runs
    }

    /// Validates and expands spec text given as a string; see `parse(_:path:baseDirectory:)`.
    public static func parse(_ text: String, path: String, baseDirectory: String? = nil) throws(SpecValidationError) -> SpecSweep {
        try parse(Data(text.utf8), path: path, baseDirectory: baseDirectory)
    }

    /// The default spec name for a file: its name without `.json`.
    static func defaultName(forPath path: String) -> String {
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        return fileName.lowercased().hasSuffix(".json") ? String(fileName.dropLast(5)) : fileName
    }
}
