/// One problem in an experiment spec file, located to the JSON path and,
/// when known, to the line and column.
///
/// Reads like a compiler diagnostic:
/// `experiments/bad.json:7:22: $.training.learning_rate: expected a finite number > 0, found -0.5`.
public struct SpecError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The spec file as the user named it.
    public var file: String
    /// Where in the document, e.g. `$.training.learning_rate` or `$.model.hidden[2]`;
    /// `$` is the document as a whole, and empty for a file that could not be read.
    public var jsonPath: String
    /// What is wrong: what was expected and what was found.
    public var message: String
    /// The 1-based line of the offending value or key, when known.
    public var line: Int?
    /// The 1-based column (in characters) of the offending value or key, when known.
    public var column: Int?

    public init(file: String, jsonPath: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.jsonPath = jsonPath
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return jsonPath.isEmpty ? "\(location): \(message)" : "\(location): \(jsonPath): \(message)"
    }
}

/// Every problem found in one spec file, in the order they occur in the file.
///
/// Nothing runs and nothing is written while a spec has any problem.
public struct SpecValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec file as the user named it.
    public var file: String
    /// At least one problem.
    public var errors: [SpecError]

    public init(file: String, errors: [SpecError]) {
        self.file = file
        self.errors = errors
    }

    /// One problem per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }

    /// The JSON paths of the problems, in order (handy in tests and summaries).
    public var jsonPaths: [String] { errors.map(\.jsonPath) }
}

/// A problem that turns up while turning a valid spec into data and weights:
/// a file changed or vanished since validation, data of the wrong dimension,
/// too few points to split, start weights of the wrong shape.
public struct ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the files involved by their absolute paths.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
