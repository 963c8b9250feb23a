import Foundation

/// The settings of one run, read from its stored resolved spec: what can tell
/// runs apart in a comparison ("show diff only") or a sweep summary.
///
/// Every leaf of the spec counts — data set, noise, data seed, CSV file,
/// hidden size, learning rate, seed, … — not only those with a column in
/// `runs`, so runs that differ only in, say, their noise are never mistaken
/// for replicates.
public struct RunSettings: Equatable, Sendable {
    /// The spec leaves that are settings, in column order, with their column names.
    static let columns: [(path: String, name: String)] = [
        ("data.generator", "data"), ("data.train_csv", "train_csv"), ("data.validation_csv", "validation_csv"),
        ("data.points", "points"), ("data.noise", "noise"), ("data.seed", "data_seed"),
        ("data.validation_fraction", "val_fraction"), ("model.hidden", "hidden"), ("model.init", "init"),
        ("model.start_weights", "start_weights"), ("training.learning_rate", "lr"), ("training.epochs", "epochs"),
        ("training.order", "order"), ("training.batch_size", "batch"), ("training.weight_decay", "decay"),
        ("training.seed", "seed"), (storedPointsPath, "data_id"),
    ]

    /// The pseudo-setting that holds the ids of the training and validation points stored
    /// with a run, so that runs of one spec on different data (an edited CSV) are told apart.
    static let storedPointsPath = "stored.points"

    /// Spec keys that name or describe a run rather than set it up.
    private static let descriptive: Set<String> = ["name", "run_name", "group", "description", "swept"]

    /// Each setting's value as text, by its path in the spec ("training.learning_rate").
    public let values: [String: String]

    /// The settings of the resolved spec `specJSON` (empty if it cannot be read), and the
    /// ids of the points stored with the run, if any.
    public init(specJSON: String, trainingDataID: String? = nil, validationDataID: String? = nil) {
        var values = SpecLeaves.values(of: specJSON, skipping: Self.descriptive)
        if let trainingDataID {
            values[Self.storedPointsPath] = [trainingDataID, validationDataID ?? "-"].map { String($0.prefix(8)) }.joined(separator: "/")
        }
        self.values = values
    }

    /// The setting at `path` as a legend names it: `h` for the hidden size, else its column name.
    public static func shortName(of path: String) -> String {
        path == "model.hidden" ? "h" : name(of: path)
    }

    /// The column name of the setting at `path`.
    public static func name(of path: String) -> String {
        columns.first { $0.path == path }?.name ?? path
    }

    /// The value of the setting at `path` as shown in a table: files by their
    /// name (specs store absolute paths), missing settings empty.
    public func display(_ path: String) -> String {
        Self.displayed(path, in: [self])[0]
    }

    /// The value of the setting at `path` in each of `settings`, as a table
    /// shows them side by side: files by their name unless two different files
    /// share it, missing settings empty. Linear in the number of settings.
    public static func displayed(_ path: String, in settings: [RunSettings]) -> [String] {
        let values = settings.map { $0.values[path] }
        guard path.hasSuffix("_csv") || path.hasSuffix("start_weights") else { return values.map { $0 ?? "" } }
        let names = values.map { $0.map { URL(fileURLWithPath: $0).lastPathComponent } }
        var files: [String: Set<String>] = [:]
        for (value, name) in zip(values, names) {
            if let value, let name { files[name, default: []].insert(value) }
        }
        return zip(values, names).map { value, name in
            guard let value, let name else { return "" }
            return files[name]!.count > 1 ? value : name
        }
    }

    /// The paths whose values are not the same in all of `settings`, in column order
    /// (settings unknown to this version last, alphabetically).
    ///
    /// The stored training points count only where the spec alone does not explain them:
    /// runs of one spec whose points differ (its CSV was edited between runs).
    public static func differing(_ settings: [RunSettings]) -> [String] {
        var paths = Set(settings.flatMap(\.values.keys)).filter { path in
            path != storedPointsPath && Set(settings.map { $0.values[path] ?? "" }).count > 1
        }
        // Grouping by whole specs is costly: only needed when the stored points differ at all.
        if Set(settings.map { $0.values[storedPointsPath] }).count > 1 {
            let bySpec = Dictionary(grouping: settings) { $0.values.filter { $0.key != storedPointsPath } }
            if bySpec.values.contains(where: { Set($0.map { $0.values[storedPointsPath] }).count > 1 }) {
                paths.insert(storedPointsPath)
            }
        }
        let known = columns.map(\.path).filter(paths.contains)
        return known + paths.subtracting(known).sorted()
    }
}

/// The leaves of a JSON object by dotted path ("training.seed"), as settings
/// show them: numbers in `Format.parameter` form (true and false as 1 and 0),
/// strings as they are, null and arrays as "null". A small scanner over the
/// bytes, several times faster than building Foundation objects first, which
/// matters when a comparison reads the specs of 10,000 runs.
private struct SpecLeaves {
    private struct Malformed: Error {}

    private let bytes: [UInt8]
    private var index = 0
    private var values: [String: String] = [:]

    /// The leaves of the object `json`, without its top-level keys in `skipping`;
    /// empty when `json` is not an object.
    static func values(of json: String, skipping: Set<String>) -> [String: String] {
        var scanner = SpecLeaves(bytes: Array(json.utf8))
        do {
            scanner.skipSpace()
            guard scanner.peek == UInt8(ascii: "{") else { return [:] }
            try scanner.object(prefix: "", skipping: skipping)
            return scanner.values
        } catch {
            return [:]
        }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ character: Unicode.Scalar) throws {
        skipSpace()
        guard peek == UInt8(ascii: character) else { throw Malformed() }
        index += 1
    }

    /// An object's members, each leaf stored under `prefix` + its key.
    private mutating func object(prefix: String, skipping: Set<String> = []) throws {
        try expect("{")
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return }
        repeat {
            skipSpace()
            let key = try string()
            try expect(":")
            let path = prefix.isEmpty ? key : prefix + "." + key
            if skipping.contains(key) {
                var ignored = SpecLeaves(bytes: [])
                swap(&ignored.values, &values)
                try value(path: path)
                swap(&ignored.values, &values)
            } else {
                try value(path: path)
            }
            skipSpace()
            guard let next = peek else { throw Malformed() }
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw Malformed() }
        } while true
    }

    private mutating func value(path: String) throws {
        skipSpace()
        guard let byte = peek else { throw Malformed() }
        switch byte {
        case UInt8(ascii: "{"):
            try object(prefix: path)
        case UInt8(ascii: "["):
            try skipArray()
            values[path] = "null"
        case UInt8(ascii: "\""):
            values[path] = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let (word, text) = byte == UInt8(ascii: "t") ? ("true", "1") : byte == UInt8(ascii: "f") ? ("false", "0") : ("null", "null")
            guard bytes[index...].starts(with: word.utf8) else { throw Malformed() }
            index += word.utf8.count
            values[path] = text
        default:
            let start = index
            while let next = peek, next == UInt8(ascii: "-") || next == UInt8(ascii: "+") || next == UInt8(ascii: ".")
                || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                index += 1
            }
            guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else { throw Malformed() }
            values[path] = Format.parameter(number)
        }
    }

    private mutating func skipArray() throws {
        try expect("[")
        skipSpace()
        if peek == UInt8(ascii: "]") { index += 1; return }
        var ignored = SpecLeaves(bytes: [])
        swap(&ignored.values, &values)
        defer { swap(&ignored.values, &values) }
        repeat {
            try value(path: "")
            skipSpace()
            guard let next = peek else { throw Malformed() }
            index += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw Malformed() }
        } while true
    }

    /// A string literal, its escapes decoded.
    private mutating func string() throws -> String {
        try expect("\"")
        var scalars = String.UnicodeScalarView()
        var start = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
        }
        while let byte = peek {
            if byte == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            flush(index)
            index += 1
            guard let escaped = peek else { throw Malformed() }
            index += 1
            switch escaped {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), bytes[index...].starts(with: "\\u".utf8) {
                    index += 2
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escaped))
            }
            start = index
        }
        throw Malformed()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw Malformed()
        }
        index += 4
        return code
    }
}
