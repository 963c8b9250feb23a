import Foundation
import RunnerCore

/// One fully resolved training run: every default filled in, every file path
/// absolute, one value per swept field.
///
/// `SpecFile` produces these from a spec file, one per point of its sweep
/// grid. Its `canonicalJSON` is what the database stores per run; decoding
/// that JSON gives back an equal value.
public struct ExperimentSpec: Codable, Equatable, Hashable, Sendable {
    /// The spec's name (`name` in the file, else the file name without `.json`).
    public var name: String
    /// The run's readable name: `name`, followed by `key=value` for each swept field.
    public var runName: String
    /// The group the run belongs to; all runs of one sweep share it.
    public var group: String
    /// Free text from the spec, if any.
    public var description: String?
    /// The values of the swept fields for this run, in the sweep's field order;
    /// empty when nothing is swept.
    public var swept: [SweptParameter]
    /// Where the points come from and how the validation set is made.
    public var data: DataSettings
    /// The hidden size and the start weights.
    public var model: ModelSettings
    /// Stochastic gradient descent.
    public var training: TrainingSettings

    public init(
        name: String, runName: String, group: String, description: String?, swept: [SweptParameter],
        data: DataSettings, model: ModelSettings, training: TrainingSettings
    ) {
        self.name = name
        self.runName = runName
        self.group = group
        self.description = description
        self.swept = swept
        self.data = data
        self.model = model
        self.training = training
    }

    private enum CodingKeys: String, CodingKey {
        case name, runName = "run_name", group, description, swept, data, model, training
    }
}

/// One swept field's value in one run.
public struct SweptParameter: Codable, Equatable, Hashable, Sendable {
    /// The field's full path in the spec, e.g. `training.learning_rate`.
    public var field: String
    /// The short key used in run names, e.g. `learning_rate`, `hidden`, `seed`, `data_seed`.
    public var key: String
    /// The value as the run name shows it, e.g. `0.02`, `he`, `none`.
    public var value: String

    public init(field: String, key: String, value: String) {
        self.field = field
        self.key = key
        self.value = value
    }
}

/// Where a run's points come from and how they split into training and validation.
public struct DataSettings: Codable, Equatable, Hashable, Sendable {
    public var source: DataSource
    /// Draws the generated points and the validation split.
    public var seed: UInt64
    public var validation: ValidationSource

    public init(source: DataSource, seed: UInt64, validation: ValidationSource) {
        self.source = source
        self.seed = seed
        self.validation = validation
    }

    private enum CodingKeys: String, CodingKey {
        case generator, points, noise, trainCSV = "train_csv", seed
        case validationCSV = "validation_csv", validationFraction = "validation_fraction", validationPoints = "validation_points"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decode(UInt64.self, forKey: .seed)
        if let path = try container.decodeIfPresent(String.self, forKey: .trainCSV) {
            source = .csv(path: path)
        } else {
            let raw = try container.decode(String.self, forKey: .generator)
            guard let generator = DataGenerator(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .generator, in: container, debugDescription: "unknown generator \(raw)")
            }
            source = try .generator(generator, points: container.decode(Int.self, forKey: .points), noise: container.decode(Double.self, forKey: .noise))
        }
        if let path = try container.decodeIfPresent(String.self, forKey: .validationCSV) {
            validation = .csv(path: path)
        } else if let points = try container.decodeIfPresent(Int.self, forKey: .validationPoints) {
            validation = .generated(points: points)
        } else if let fraction = try container.decodeIfPresent(Double.self, forKey: .validationFraction) {
            validation = .fraction(fraction)
        } else {
            validation = .none
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch source {
        case .generator(let generator, let points, let noise):
            try container.encode(generator.rawValue, forKey: .generator)
            try container.encode(points, forKey: .points)
            try container.encode(noise, forKey: .noise)
        case .csv(let path):
            try container.encode(path, forKey: .trainCSV)
        }
        try container.encode(seed, forKey: .seed)
        switch validation {
        case .none: try container.encodeNil(forKey: .validationFraction)
        case .fraction(let fraction): try container.encode(fraction, forKey: .validationFraction)
        case .csv(let path): try container.encode(path, forKey: .validationCSV)
        case .generated(let points): try container.encode(points, forKey: .validationPoints)
        }
    }
}

/// The training points' origin.
public enum DataSource: Equatable, Hashable, Sendable {
    /// Points drawn by a generator with `RandomSource(seed: data.seed)`.
    case generator(DataGenerator, points: Int, noise: Double)
    /// A CSV file (`x1,…,xd,label`), by absolute path.
    case csv(path: String)
}

/// Where the validation points come from.
public enum ValidationSource: Equatable, Hashable, Sendable {
    /// No validation set.
    case none
    /// This fraction of the training points, split off with the data seed.
    case fraction(Double)
    /// A separate CSV file, by absolute path.
    case csv(path: String)
    /// An independent draw of this many points from the training data's
    /// generator: the data seed's source goes on after the training points.
    case generated(points: Int)
}

/// The network's size and starting weights.
public struct ModelSettings: Codable, Equatable, Hashable, Sendable {
    /// h, the number of hidden units (taken from the start weights when given).
    public var hiddenUnits: Int
    public var start: StartWeights

    public init(hiddenUnits: Int, start: StartWeights) {
        self.hiddenUnits = hiddenUnits
        self.start = start
    }

    private enum CodingKeys: String, CodingKey {
        case hidden, initialization = "init", startWeights = "start_weights", startWeightsSHA256 = "start_weights_sha256"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hiddenUnits = try container.decode(Int.self, forKey: .hidden)
        if let path = try container.decodeIfPresent(String.self, forKey: .startWeights) {
            start = .file(path: path, sha256: try container.decodeIfPresent(String.self, forKey: .startWeightsSHA256))
        } else {
            let raw = try container.decode(String.self, forKey: .initialization)
            guard let initialization = Initialization(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .initialization, in: container, debugDescription: "unknown initialization \(raw)")
            }
            start = .random(initialization)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hiddenUnits, forKey: .hidden)
        switch start {
        case .random(let initialization): try container.encode(initialization.rawValue, forKey: .initialization)
        case let .file(path, sha256):
            try container.encode(path, forKey: .startWeights)
            try container.encodeIfPresent(sha256, forKey: .startWeightsSHA256)
        }
    }
}

/// How the starting weights are made.
public enum StartWeights: Equatable, Hashable, Sendable {
    /// Drawn with `RandomSource(seed: training.seed)`.
    case random(Initialization)
    /// Read from a JSON file in the seed's layout, by absolute path, whose bytes have the
    /// SHA-256 `sha256` (lowercase hex): a run that started from other weights is another
    /// experiment. Nil in specs recorded before runner kept it, which then take the file as it is.
    case file(path: String, sha256: String?)
}

/// How stochastic gradient descent runs.
public struct TrainingSettings: Codable, Equatable, Hashable, Sendable {
    /// The step size of every update.
    public var learningRate: Double
    /// Passes over the training set.
    public var epochs: Int
    /// Draws the start weights (unless they come from a file), then the visiting order.
    public var seed: UInt64
    /// The order of the examples within an epoch.
    public var order: VisitOrder
    /// Examples per update.
    public var batchSize: Int
    /// L2 weight decay λ on `Wi` and `Wo`.
    public var weightDecay: Double

    public init(learningRate: Double, epochs: Int, seed: UInt64, order: VisitOrder, batchSize: Int, weightDecay: Double) {
        self.learningRate = learningRate
        self.epochs = epochs
        self.seed = seed
        self.order = order
        self.batchSize = batchSize
        self.weightDecay = weightDecay
    }

    private enum CodingKeys: String, CodingKey {
        case learningRate = "learning_rate", epochs, seed, order, batchSize = "batch_size", weightDecay = "weight_decay"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try container.decode(Double.self, forKey: .learningRate)
        epochs = try container.decode(Int.self, forKey: .epochs)
        seed = try container.decode(UInt64.self, forKey: .seed)
        let raw = try container.decode(String.self, forKey: .order)
        guard let order = VisitOrder(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(forKey: .order, in: container, debugDescription: "unknown order \(raw)")
        }
        self.order = order
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        weightDecay = try container.decode(Double.self, forKey: .weightDecay)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(seed, forKey: .seed)
        try container.encode(order.rawValue, forKey: .order)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(weightDecay, forKey: .weightDecay)
    }
}

// MARK: - Canonical JSON

extension ExperimentSpec {
    /// The run as compact JSON with sorted keys and shortest round-trip
    /// numbers (`0.02` stays `0.02`, `2.0` is written `2`): equal specs give
    /// equal text, and `ExperimentSpec(canonicalJSON:)` reads it back to an
    /// equal value.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding cannot fail: every number is finite (validation saw to that).
        guard let data = try? encoder.encode(self) else { preconditionFailure("an ExperimentSpec always encodes") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a run back from its `canonicalJSON` (or any JSON `Codable` wrote).
    ///
    /// - Throws: `ExperimentError` saying what is missing or wrong, and where (`model.hidden`).
    public init(canonicalJSON text: String) throws(ExperimentError) {
        do {
            self = try JSONDecoder().decode(ExperimentSpec.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ExperimentError(Self.describe(error))
        } catch {
            throw ExperimentError("\(error)")
        }
    }

    /// A decoding error in words, with the place in the spec it is about.
    private static func describe(_ error: DecodingError) -> String {
        func place(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = (context.codingPath + [key].compactMap { $0 }).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
        }
        switch error {
        case let .keyNotFound(key, context): return "\(place(context, key)) is missing"
        case let .typeMismatch(type, context):
            let expected = switch "\(type)" {
            case let name where name.hasPrefix("Dictionary"): "a JSON object"
            case let name where name.hasPrefix("Array"): "a list"
            case "String": "text"
            default: "a number"
            }
            return "\(place(context)) is not \(expected)"
        case let .valueNotFound(_, context): return "\(place(context)) is null"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "it is not a JSON object" : "\(place(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

// MARK: - Key hyperparameters

/// The hyperparameters worth a database column each, as plain values.
public struct ExperimentHyperparameters: Equatable, Hashable, Sendable {
    public var hiddenUnits: Int
    public var learningRate: Double
    public var epochs: Int
    /// The training seed (start weights and visiting order).
    public var seed: UInt64
    /// The generator's name (`double_moon`) or the training CSV's file name (`train.csv`).
    public var dataSet: String
    public var batchSize: Int
    public var weightDecay: Double
    /// `shuffle`, `file` or `replacement`.
    public var order: String
    /// `he`, `xavier`, `uniform`, or `explicit` for start weights from a file.
    public var initialization: String
}

extension ExperimentSpec {
    /// The key hyperparameters, for database columns.
    public var hyperparameters: ExperimentHyperparameters {
        let dataSet: String = switch data.source {
        case .generator(let generator, _, _): generator.rawValue
        case .csv(let path): URL(fileURLWithPath: path).lastPathComponent
        }
        let initialization: String = switch model.start {
        case .random(let initialization): initialization.rawValue
        case .file: "explicit"
        }
        return ExperimentHyperparameters(
            hiddenUnits: model.hiddenUnits, learningRate: training.learningRate, epochs: training.epochs,
            seed: training.seed, dataSet: dataSet, batchSize: training.batchSize,
            weightDecay: training.weightDecay, order: training.order.rawValue, initialization: initialization)
    }

    /// The core's training options.
    public var trainingOptions: TrainingOptions {
        TrainingOptions(
            learningRate: training.learningRate, epochs: training.epochs, order: training.order,
            batchSize: training.batchSize, weightDecay: training.weightDecay)
    }

    /// A fresh `RandomSource(seed: training.seed)`: hand it to
    /// `startParameters(inputDimension:random:)`, then keep using it for training.
    public func makeTrainingRandom() -> RandomSource {
        RandomSource(seed: training.seed)
    }
}
