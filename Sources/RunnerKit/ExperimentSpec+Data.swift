import Foundation
import RunnerStore
import RunnerCore

extension ExperimentSpec {
    /// The training points and, unless the spec has none, the validation points.
    ///
    /// A generator draws its points with `RandomSource(seed: data.seed)` and
    /// the same source then splits off the validation fraction, or draws the
    /// `validation_points`; CSV data is read from its files and split with a
    /// fresh source of the data seed. The same spec always gives the same data.
    public func loadData() throws(ExperimentError) -> (training: Dataset, validation: Dataset?) {
        var random = RandomSource(seed: data.seed)
        let all: Dataset
        switch data.source {
        case .generator(let generator, let points, let noise):
            guard points >= 2, noise >= 0, noise.isFinite else {
                throw ExperimentError("the generator needs at least 2 points and a finite noise >= 0, found \(points) points and noise \(noise)")
            }
            all = generator.generate(points: points, noise: noise, random: &random)
            guard all.features.allSatisfy(\.isFinite) else {
                throw ExperimentError("noise \(noise) is so large that the generated points are not all finite numbers; use a smaller noise")
            }
        case .csv(let path):
            all = try Self.readCSV(path, role: "training")
        }
        switch data.validation {
        case .none:
            return (all, nil)
        case .fraction(let fraction):
            guard fraction > 0 && fraction < 1 else {
                throw ExperimentError("validation_fraction must lie in (0, 1), found \(fraction)")
            }
            guard all.count >= 2 else {
                throw ExperimentError("a validation split needs at least 2 points so that each side keeps one, but \(dataSetDescription) has \(all.count)")
            }
            let (training, validation) = all.split(validationFraction: fraction, using: &random)
            return (training, validation)
        case .generated(let points):
            guard case .generator(let generator, _, let noise) = data.source, points >= 2 else {
                throw ExperimentError("validation_points needs a generator and at least 2 points, found \(points) points for \(dataSetDescription)")
            }
            return (all, generator.generate(points: points, noise: noise, random: &random))
        case .csv(let path):
            let validation = try Self.readCSV(path, role: "validation")
            guard validation.dimension == all.dimension else {
                throw ExperimentError("the validation CSV \(path) has \(validation.dimension) features per point but the training data (\(dataSetDescription)) has \(all.dimension); both need the same")
            }
            return (all, validation)
        }
    }

    /// The starting weights for data of `inputDimension` features.
    ///
    /// From `start_weights` when the spec names a file (checking d against the
    /// data and h against the spec; `random` is left untouched), otherwise
    /// drawn by the spec's initialization from `random`, which should be
    /// `makeTrainingRandom()` and which the caller keeps using for training.
    public func startParameters(inputDimension: Int, random: inout RandomSource) throws(ExperimentError) -> Parameters {
        guard inputDimension >= 1, model.hiddenUnits >= 1 else {
            throw ExperimentError("a network needs at least one input and one hidden unit, found d = \(inputDimension), h = \(model.hiddenUnits)")
        }
        switch model.start {
        case .random(let initialization):
            return Parameters(inputDimension: inputDimension, hiddenUnits: model.hiddenUnits, initialization: initialization, random: &random)
        case let .file(path, sha256):
            let parameters = try Self.readStartWeights(path, sha256: sha256).parameters
            guard parameters.inputDimension == inputDimension else {
                throw ExperimentError("the start weights \(path) are for \(parameters.inputDimension) input features (Wi has \(parameters.inputDimension) rows), but the data has \(inputDimension)")
            }
            guard parameters.hiddenUnits == model.hiddenUnits else {
                throw ExperimentError("the start weights \(path) have \(parameters.hiddenUnits) hidden units, but the spec asks for \(model.hiddenUnits)")
            }
            return parameters
        }
    }

    private var dataSetDescription: String {
        switch data.source {
        case .generator(let generator, _, _): "the \(generator.rawValue) generator"
        case .csv(let path): path
        }
    }

    /// Reads and parses a CSV data file.
    static func readCSV(_ path: String, role: String) throws(ExperimentError) -> Dataset {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExperimentError("cannot read the \(role) CSV \(path): \(Self.readFailure(path))")
        }
        do {
            return try Dataset(csv: text, path: path)
        } catch {
            throw ExperimentError(error.description)
        }
    }

    /// Reads start weights in the seed's JSON layout, with the SHA-256 of the file; when
    /// `expected` is given, the file must still have it (it is what a run started from).
    static func readStartWeights(_ path: String, sha256 expected: String? = nil) throws(ExperimentError) -> (parameters: Parameters, sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("cannot read the start weights \(path): \(Self.readFailure(path))")
        }
        let sha256 = sha256Hex(bytes: data)
        if let expected, sha256 != expected {
            throw ExperimentError(startWeightsChanged(path, sha256: sha256, recorded: expected, by: "the run's spec", fix: "put the file back as it was to train this run again"))
        }
        return (try StartWeightsFile.parse(Array(data), path: path), sha256)
    }

    /// That the start weights at `path` no longer have the SHA-256 a spec records, and `fix`.
    static func startWeightsChanged(_ path: String, sha256: String, recorded: String, by holder: String, fix: String) -> String {
        "the start weights \(path) have changed: the file's SHA-256 is \(sha256), \(holder) records \(recorded); \(fix)"
    }

    static func readFailure(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory, not a file" }
        if let kind = FileKind.special(atPath: path) { return "it is \(kind), not a regular file; save it to a file first" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied; make it readable (chmod u+r) or run as a user who may read it" }
        return "the file is unreadable or not UTF-8 text"
    }
}
