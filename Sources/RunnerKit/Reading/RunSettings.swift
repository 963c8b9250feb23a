import Foundation

/// The settings of one run, read from its stored resolved spec: what can tell
/// runs apart in a comparison ("show diff only") or a sweep summary.
///
/// Every leaf of the spec counts — data set, noise, data seed, CSV file,
/// hidden size, learning rate, seed, … — not only those with a column in
/// `runs`, so runs that differ only in, say, their noise are never mistaken
/// for replicates.
public struct RunSettings: Hashable, Sendable {
    /// The spec leaves that are settings, in column order, with their column names.
    static let columns: [(path: String, name: String)] = [
        ("data.generator", "data"), ("data.train_csv", "train_csv"), ("data.validation_csv", "validation_csv"),
        ("data.points", "points"), ("data.noise", "noise"), ("data.seed", "data_seed"),
        ("data.validation_fraction", "val_fraction"), ("data.validation_points", "val_points"), ("model.hidden", "hidden"), ("model.init", "init"),
        ("model.start_weights", "start_weights"), (startWeightsDigestPath, "weights_id"), ("training.learning_rate", "lr"), ("training.epochs", "epochs"),
        ("training.order", "order"), ("training.batch_size", "batch"), ("training.weight_decay", "decay"),
        ("training.seed", "seed"), (storedPointsPath, "data_id"),
    ]

    /// The pseudo-setting that holds the ids of the training and validation points stored
    /// with a run, so that runs of one spec on different data (an edited CSV) are told apart.
    static let storedPointsPath = "stored.points"

    /// The SHA-256 of the start weights file, which tells runs of one edited file apart;
    /// shown, like the stored points, by its first 8 hex digits.
    static let startWeightsDigestPath = "model.start_weights_sha256"

    /// Spec keys that name or describe a run rather than set it up.
    private static let descriptive: Set<String> = ["name", "run_name", "group", "description", "swept"]

    /// The values of the settings of `columns`, in their order (nil for those the spec lacks):
    /// an array rather than a dictionary keyed by path, a fourth of the memory, for a
    /// comparison holds the settings of every run it compares (100,000 in a large study).
    private var known: [String?]
    /// The values of settings this version has no column for, by path (none, usually).
    private var others: [String: String] = [:]

    /// Each setting's position in `columns`, by path.
    private static let columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.path, $0.offset) })

    /// The settings of the resolved spec `specJSON` (empty if it cannot be read), and the
    /// ids of the points stored with the run, if any.
    public init(specJSON: String, trainingDataID: String? = nil, validationDataID: String? = nil) {
        known = Array(repeating: nil, count: Self.columns.count)
        // The spec reader rather than JSONSerialization: several times faster, which
        // matters when a comparison reads the specs of 10,000 runs.
        if let root = try? SpecJSONReader.parse(Array(specJSON.utf8)), case .object(let members) = root.value {
            flatten(members.filter { !Self.descriptive.contains($0.key) }, prefix: "")
        }
        if let digest = self[Self.startWeightsDigestPath] {
            self[Self.startWeightsDigestPath] = String(digest.prefix(8))
        }
        if let trainingDataID {
            self[Self.storedPointsPath] = [trainingDataID, validationDataID ?? "-"].map { String($0.prefix(8)) }.joined(separator: "/")
        }
    }

    /// The value as text of the setting at `path` in the spec ("training.learning_rate").
    public subscript(path: String) -> String? {
        get { Self.columnIndex[path].map { known[$0] } ?? others[path] }
        set {
            if let index = Self.columnIndex[path] { known[index] = newValue } else { others[path] = newValue }
        }
    }

    /// The paths of the settings the spec has, those with a column first, in column order.
    public var paths: [String] {
        Self.columns.indices.filter { known[$0] != nil }.map { Self.columns[$0].path } + others.keys.sorted()
    }

    /// Every setting's value, by path.
    public var values: [String: String] {
        Dictionary(uniqueKeysWithValues: paths.map { ($0, self[$0]!) })
    }

    /// These settings without the one at `path`.
    func removing(_ path: String) -> RunSettings {
        var settings = self
        settings[path] = nil
        return settings
    }

    /// The path of the setting a user names `name`: a table's column name (`lr`, `hidden`,
    /// `seed`), the spec's own key (`learning_rate`; the training seed before the data seed)
    /// or a path (`data.noise`); nil for no setting of a spec.
    public static func path(named name: String) -> String? {
        if let column = specColumns.first(where: { $0.name == name }) { return column.path }
        let paths = specColumns.map(\.path)
        if paths.contains(name) { return name }
        return paths.last { $0.hasSuffix("." + name) }
    }

    /// The names a user can give `path(named:)`, one per setting: the tables' column names.
    public static var settingNames: [String] { specColumns.map(\.name) }

    /// The columns of settings a spec holds (not the ids of stored points or start weights).
    private static var specColumns: [(path: String, name: String)] {
        columns.filter { $0.path != storedPointsPath && $0.path != startWeightsDigestPath }
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

    /// Whether the displayed setting value `a` comes before `b`: numbers by their value
    /// (so 10 after 2), before text, and text in code-point order. The order that tables
    /// and figures list settings in, whatever order the runs were made in.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        // NaN (a value "nan") is no number here: it would compare as neither before nor after.
        switch (Double(a).flatMap { $0.isNaN ? nil : $0 }, Double(b).flatMap { $0.isNaN ? nil : $0 }) {
        case let (x?, y?) where x != y: x < y
        case (.some, nil): true
        case (nil, .some): false
        default: a < b
        }
    }

    /// Whether the settings `a` come before `b`, compared value by value (see `precedes(_:_:)`).
    public static func precedes(_ a: [String], _ b: [String]) -> Bool {
        guard let (x, y) = zip(a, b).first(where: { $0 != $1 }) else { return a.count < b.count }
        return precedes(x, y)
    }

    /// The value of the setting at `path` in each of `settings`, as a table
    /// shows them side by side: files by their name unless two different files
    /// share it, missing settings empty. Linear in the number of settings.
    public static func displayed(_ path: String, in settings: [RunSettings]) -> [String] {
        let values = settings.map { $0[path] }
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
    /// runs of one spec whose points differ (its CSV was edited between runs); the start
    /// weights' digest only where their path does not (one file, edited between runs).
    public static func differing(_ settings: [RunSettings]) -> [String] {
        var paths = Set(columns.map(\.path) + settings.flatMap(\.others.keys)).filter { path in
            path != storedPointsPath && path != startWeightsDigestPath && Set(settings.map { $0[path] ?? "" }).count > 1
        }
        if settings.contains(where: { $0[startWeightsDigestPath] != nil }) {
            let byFile = Dictionary(grouping: settings) { $0["model.start_weights"] }
            if byFile.values.contains(where: { Set($0.map { $0[startWeightsDigestPath] }).count > 1 }) {
                paths.insert(startWeightsDigestPath)
            }
        }
        // Grouping by whole specs is costly: only needed when the stored points differ at all.
        if Set(settings.map { $0[storedPointsPath] }).count > 1 {
            let bySpec = Dictionary(grouping: settings) { $0.removing(storedPointsPath) }
            if bySpec.values.contains(where: { Set($0.map { $0[storedPointsPath] }).count > 1 }) {
                paths.insert(storedPointsPath)
            }
        }
        let known = columns.map(\.path).filter(paths.contains)
        return known + paths.subtracting(known).sorted()
    }

    /// Every leaf below `members` by its dotted path: integers as written, other numbers in
    /// `Format.parameter` form (true and false as 1 and 0), strings as they are, null as
    /// "none" (as in run names) and arrays as "null".
    private mutating func flatten(_ members: [SpecJSONMember], prefix: String) {
        for member in members {
            let path = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
            switch member.node.value {
            case .object(let nested): flatten(nested, prefix: path)
            // An integer keeps its digits: a seed of 2^53 or more is no double's description.
            case .number(let text) where Int64(text) != nil || UInt64(text) != nil:
                self[path] = Int64(text).map(String.init) ?? text
            case .number(let text): self[path] = Double(text).map(Format.parameter) ?? text
            case .bool(let value): self[path] = value ? "1" : "0"
            case .string(let text): self[path] = text
            case .null: self[path] = "none"
            case .array: self[path] = "null"
            }
        }
    }
}
