import RunnerCore

/// A section of a spec file.
enum SpecSection: String, CaseIterable, Sendable {
    case data, model, training
}

/// One settable (and sweepable) field of a spec: where it lives, what it
/// accepts and its short name in run names. `SpecField.all` is the table the
/// validator walks; its order is the sweep's loop order (first = outermost).
struct SpecField: Sendable {
    let section: SpecSection
    let key: String
    let shortKey: String
    let kind: SpecFieldKind

    /// `data.seed`, `training.learning_rate`, …
    var dotted: String { "\(section.rawValue).\(key)" }
    /// `$.training.learning_rate`, …
    var jsonPath: String { "$.\(dotted)" }

    init(_ section: SpecSection, _ key: String, short: String? = nil, _ kind: SpecFieldKind) {
        self.section = section
        self.key = key
        self.shortKey = short ?? key
        self.kind = kind
    }

    static let maximumSeed = 1 << 53

    static let generator = SpecField(.data, "generator", .choice(DataGenerator.allCases.map(\.rawValue)))
    static let points = SpecField(.data, "points", .integer(2...10_000_000))
    static let noise = SpecField(.data, "noise", .number(SpecNumberRange(lower: 0, lowerInclusive: true, upper: 1e6, upperInclusive: true)))
    static let dataSeed = SpecField(.data, "seed", short: "data_seed", .integer(0...maximumSeed))
    static let trainCSV = SpecField(.data, "train_csv", .path(.csv))
    static let validationCSV = SpecField(.data, "validation_csv", .path(.csv))
    static let validationFraction = SpecField(.data, "validation_fraction", .number(SpecNumberRange(lower: 0, lowerInclusive: false, upper: 1, allowsNull: true)))
    static let validationPoints = SpecField(.data, "validation_points", .integer(2...10_000_000))
    static let hidden = SpecField(.model, "hidden", .integer(1...100_000))
    static let initialization = SpecField(.model, "init", .choice(Initialization.allCases.map(\.rawValue)))
    static let startWeights = SpecField(.model, "start_weights", .path(.startWeights))
    static let learningRate = SpecField(.training, "learning_rate", .number(SpecNumberRange(lower: 0, lowerInclusive: false)))
    static let epochs = SpecField(.training, "epochs", .integer(1...1_000_000))
    static let trainingSeed = SpecField(.training, "seed", .integer(0...maximumSeed))
    static let order = SpecField(.training, "order", .choice(VisitOrder.allCases.map(\.rawValue)))
    static let batchSize = SpecField(.training, "batch_size", .integer(1...10_000_000))
    static let weightDecay = SpecField(.training, "weight_decay", .number(SpecNumberRange(lower: 0, lowerInclusive: true)))

    /// Every field, in sweep order: data, then model, then training.
    static let all: [SpecField] = [
        generator, points, noise, dataSeed, trainCSV, validationCSV, validationFraction, validationPoints,
        hidden, initialization, startWeights,
        learningRate, epochs, trainingSeed, order, batchSize, weightDecay,
    ]

    /// The keys allowed at the top level, besides the sections.
    /// `run_name` and `swept` are what the resolved spec of one run records; see docs/spec.md.
    static let topLevelKeys = ["name", "group", "description", "run_name", "swept"]

    static func keys(of section: SpecSection) -> [String] {
        all.filter { $0.section == section }.map(\.key)
    }

    /// What a resolved spec records about the start weights file: its SHA-256.
    static let startWeightsSHA256 = "start_weights_sha256"

    /// Keys of a section that a resolved spec records and a spec may give back, checked
    /// against what they record rather than swept (see docs/spec.md).
    static func recordedKeys(of section: SpecSection) -> [String] {
        section == .model ? [startWeightsSHA256] : []
    }
}

/// What a field accepts.
enum SpecFieldKind: Sendable {
    /// A whole number in the range; `7.0` and `7e0` count as 7, `7.5` does not.
    case integer(ClosedRange<Int>)
    /// A finite number in the range (or null, when the range allows it).
    case number(SpecNumberRange)
    /// One of the given strings.
    case choice([String])
    /// A file path, relative to the spec's folder unless absolute.
    case path(SpecFileKind)
}

enum SpecFileKind: Sendable {
    case csv, startWeights
}

/// A range of finite numbers with open or closed ends.
struct SpecNumberRange: Sendable {
    var lower: Double
    var lowerInclusive: Bool
    var upper: Double? = nil
    var upperInclusive = false
    var allowsNull = false

    func contains(_ value: Double) -> Bool {
        (lowerInclusive ? value >= lower : value > lower)
            && (upper.map { upperInclusive ? value <= $0 : value < $0 } ?? true)
    }

    /// "a finite number > 0", "a number in (0, 1) or null", …
    var expected: String {
        var text: String
        if let upper {
            text = "a number in \(lowerInclusive ? "[" : "(")\(Format.parameter(lower)), \(Format.parameter(upper))\(upperInclusive ? "]" : ")")"
        } else {
            text = "a finite number \(lowerInclusive ? ">=" : ">") \(Format.parameter(lower))"
        }
        if allowsNull { text += " or null" }
        return text
    }
}

/// A validated value of one field (one element, when swept).
enum SpecFieldValue: Hashable, Sendable {
    case integer(Int)
    case number(Double)
    case null
    case text(String)

    /// The value as run names show it: `0.02`, `7`, `he`, `none`.
    var display: String {
        switch self {
        case .integer(let value): "\(value)"
        case .number(let value): Format.parameter(value)
        case .null: "none"
        case .text(let value): value
        }
    }
}

/// `2` for 2.0, `0.02` for 0.02, `1e-07` style as Swift prints otherwise.
extension SpecField {
    /// Checks one JSON value against this field; returns the value or what is wrong.
    func validate(_ value: SpecJSONValue) -> Result<SpecFieldValue, SpecFieldProblem> {
        switch kind {
        case .integer(let range):
            guard case .number(let literal) = value else {
                return .failure(SpecFieldProblem("expected an integer \(integerExpectation(range)), found \(value.found)"))
            }
            guard let integer = wholeNumber(literal) else {
                // A whole number beyond Int (or beyond Double) is out of range, not fractional.
                if let number = Double(literal), number != 0, !number.isFinite || number == number.rounded(.towardZero) {
                    return .failure(SpecFieldProblem(number < 0
                        ? "expected an integer >= \(range.lowerBound), found \(literal)" : "expected an integer <= \(range.upperBound), found \(literal)"))
                }
                let why = Double(literal) == nil ? "" : " (not a whole number)"
                return .failure(SpecFieldProblem("expected an integer \(integerExpectation(range)), found \(literal)\(why)"))
            }
            if integer < range.lowerBound {
                return .failure(SpecFieldProblem("expected an integer >= \(range.lowerBound), found \(literal)"))
            }
            if integer > range.upperBound {
                return .failure(SpecFieldProblem("expected an integer <= \(range.upperBound), found \(literal)"))
            }
            return .success(.integer(integer))
        case .number(let range):
            if case .null = value, range.allowsNull { return .success(.null) }
            guard case .number(let literal) = value, let number = Double(literal) else {
                return .failure(SpecFieldProblem("expected \(range.expected), found \(value.found)"))
            }
            guard number.isFinite else {
                return .failure(SpecFieldProblem("expected \(range.expected), found \(literal) (too large to be a finite number)"))
            }
            guard range.contains(number) else {
                return .failure(SpecFieldProblem("expected \(range.expected), found \(literal)"))
            }
            return .success(.number(number + 0))  // + 0 turns −0 into 0
        case .choice(let choices):
            let list = choices.joined(separator: ", ")
            guard case .string(let text) = value else {
                return .failure(SpecFieldProblem("expected one of \(list) (a string), found \(value.found)"))
            }
            guard choices.contains(text) else {
                let hint = closestMatch(to: text, among: choices).map { "; did you mean '\($0)'?" } ?? ""
                return .failure(SpecFieldProblem("expected one of \(list), found \(quoted(text))\(hint)"))
            }
            return .success(.text(text))
        case .path(let file):
            let what = file == .csv ? "the path of a CSV file" : "the path of a JSON weights file"
            guard case .string(let text) = value else {
                return .failure(SpecFieldProblem("expected \(what) (a string), found \(value.found)"))
            }
            guard !text.isEmpty else {
                return .failure(SpecFieldProblem("expected \(what), found an empty string"))
            }
            return .success(.text(text))
        }
    }

    private func integerExpectation(_ range: ClosedRange<Int>) -> String {
        ">= \(range.lowerBound)"
    }
}

/// A reason a value does not fit a field.
struct SpecFieldProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The integer a JSON number literal denotes, if it is a whole number:
/// `7`, `7.0`, `7e0` and `700e-2` are 7; `7.5` is not an integer.
func wholeNumber(_ literal: String) -> Int? {
    if let exact = Int(literal) { return exact }
    guard let value = Double(literal), value.isFinite, value == value.rounded(),
          abs(value) < 0x1p62 else { return nil }
    // 1e-400 reads as 0: a fraction too small for a double, not the integer 0.
    if value == 0, literal.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { ("1"..."9").contains($0) }) { return nil }
    return Int(value)
}

// MARK: - Suggestions

/// The candidate closest to `word`, if close enough to be a likely typo.
///
/// Compares case-insensitively and ignores `_`, `-` and spaces, so
/// `learningRate`, `Learning-Rate` and `learning_rat` all find `learning_rate`.
public func closestMatch(to word: String, among candidates: [String]) -> String? {
    let aliases = [
        "lr": "learning_rate", "rate": "learning_rate", "eta": "learning_rate",
        "h": "hidden", "hidden_units": "hidden", "hidden_size": "hidden", "units": "hidden",
        "initialization": "init", "initialisation": "init", "weights": "start_weights",
        "batch": "batch_size", "decay": "weight_decay", "l2": "weight_decay",
        "n": "points", "n_points": "points", "samples": "points",
        "csv": "train_csv", "train": "train_csv", "validation": "validation_fraction",
        "val_fraction": "validation_fraction", "dataset": "generator",
    ]
    if let alias = aliases[word.lowercased()], candidates.contains(alias) { return alias }
    func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
    }
    let target = normalized(word)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(target, normalized(candidate))
        if distance < best?.distance ?? .max { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let allowed = max(1, min(3, best.candidate.count / 3))
    return best.distance <= allowed ? best.candidate : nil
}

/// The edit distance counting insertions, deletions, substitutions and swaps of two
/// neighbouring characters (`lsit` is one edit from `list`).
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var beforePrevious = Array(0...b.count)
    var previous = beforePrevious
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], beforePrevious[j - 2] + 1)
            }
        }
        (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[b.count]
}
