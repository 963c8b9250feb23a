import Foundation
import RunnerStore
import Testing
@testable import RunnerKit

@Suite struct SpecValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var json: String
        var path: String
        var message: String
        var testDescription: String { json }
    }

    static let fieldCases: [Case] = [
        Case(json: #"{"training": {"learning_rate": -0.5}}"#, path: "$.training.learning_rate", message: "expected a finite number > 0, found -0.5"),
        Case(json: #"{"training": {"learning_rate": 0}}"#, path: "$.training.learning_rate", message: "expected a finite number > 0, found 0"),
        Case(json: #"{"training": {"learning_rate": "0.02"}}"#, path: "$.training.learning_rate", message: #"expected a finite number > 0, found "0.02" (a string)"#),
        Case(json: #"{"training": {"learning_rate": 1e999}}"#, path: "$.training.learning_rate", message: "found 1e999 (too large to be a finite number)"),
        Case(json: #"{"training": {"learning_rate": true}}"#, path: "$.training.learning_rate", message: "found true (a boolean)"),
        Case(json: #"{"model": {"hidden": 7.5}}"#, path: "$.model.hidden", message: "expected an integer >= 1, found 7.5 (not a whole number)"),
        Case(json: #"{"model": {"hidden": 0}}"#, path: "$.model.hidden", message: "expected an integer >= 1, found 0"),
        Case(json: #"{"model": {"hidden": true}}"#, path: "$.model.hidden", message: "expected an integer >= 1, found true (a boolean)"),
        Case(json: #"{"model": {"hidden": null}}"#, path: "$.model.hidden", message: "expected an integer >= 1, found null"),
        Case(json: #"{"model": {"init": "glorot"}}"#, path: "$.model.init", message: #"expected one of he, xavier, uniform, found "glorot""#),
        Case(json: #"{"training": {"epochs": 0}}"#, path: "$.training.epochs", message: "expected an integer >= 1, found 0"),
        Case(json: #"{"training": {"epochs": 2000000}}"#, path: "$.training.epochs", message: "expected an integer <= 1000000, found 2000000"),
        Case(json: #"{"training": {"seed": -1}}"#, path: "$.training.seed", message: "expected an integer >= 0, found -1"),
        Case(json: #"{"training": {"seed": 9007199254740993}}"#, path: "$.training.seed", message: "expected an integer <= 9007199254740992, found 9007199254740993"),
        Case(json: #"{"training": {"order": "shuffled"}}"#, path: "$.training.order", message: #"expected one of shuffle, file, replacement, found "shuffled"; did you mean 'shuffle'?"#),
        Case(json: #"{"training": {"batch_size": 0}}"#, path: "$.training.batch_size", message: "expected an integer >= 1, found 0"),
        Case(json: #"{"training": {"weight_decay": -1}}"#, path: "$.training.weight_decay", message: "expected a finite number >= 0, found -1"),
        Case(json: #"{"data": {"validation_fraction": 1}}"#, path: "$.data.validation_fraction", message: "expected a number in (0, 1) or null, found 1"),
        Case(json: #"{"data": {"validation_fraction": 0}}"#, path: "$.data.validation_fraction", message: "expected a number in (0, 1) or null, found 0"),
        Case(json: #"{"data": {"noise": -0.1}}"#, path: "$.data.noise", message: "expected a number in [0, 1000000], found -0.1"),
        Case(json: #"{"data": {"points": 1}}"#, path: "$.data.points", message: "expected an integer >= 2, found 1"),
        Case(json: #"{"data": {"seed": 0.5}}"#, path: "$.data.seed", message: "expected an integer >= 0, found 0.5 (not a whole number)"),
        Case(json: #"{"data": {"seed": 18446744073709551615}}"#, path: "$.data.seed", message: "expected an integer <= 9007199254740992, found 18446744073709551615"),
        Case(json: #"{"training": {"seed": 1e-400}}"#, path: "$.training.seed", message: "expected an integer >= 0, found 1e-400 (not a whole number)"),
        Case(json: #"{"training": {"epochs": 1e400}}"#, path: "$.training.epochs", message: "expected an integer <= 1000000, found 1e400"),
        Case(json: #"{"training": {"seed": -99999999999999999999999}}"#, path: "$.training.seed", message: "expected an integer >= 0, found -99999999999999999999999"),
        Case(json: #"{"data": {"generator": "moon"}}"#, path: "$.data.generator", message: "did you mean 'moons'?"),
        Case(json: #"{"data": {"generator": 3}}"#, path: "$.data.generator", message: "expected one of double_moon, moons, circles, xor, gaussians, spiral, practical_moon (a string), found 3"),
        Case(json: #"{"data": {"train_csv": ""}}"#, path: "$.data.train_csv", message: "expected the path of a CSV file, found an empty string"),
        Case(json: #"{"name": 3}"#, path: "$.name", message: "expected a string, found 3"),
        Case(json: #"{"group": ["a", "b"]}"#, path: "$.group", message: "expected a string, found an array (only settings are swept)"),
        Case(json: #"{"name": "  "}"#, path: "$.name", message: "expected a non-empty name"),
        Case(json: #"{"group": "a\nb"}"#, path: "$.group", message: "without control characters"),
        Case(json: #"{"name": "abc\u202Edef"}"#, path: "$.name", message: "without control characters"),
        Case(json: #"{"data": [1]}"#, path: "$.data", message: "expected an object {…} with the data settings, found an array"),
        Case(json: #"{"model": {"hidden": [1, 2, "x"]}}"#, path: "$.model.hidden[2]", message: #"expected an integer >= 1, found "x" (a string)"#),
        Case(json: #"{"model": {"hidden": []}}"#, path: "$.model.hidden", message: "found an empty array"),
        Case(json: #"{"model": {"hidden": [1, 2, 1]}}"#, path: "$.model.hidden[2]", message: "duplicate sweep value 1; it already appears at $.model.hidden[0]"),
        Case(json: #"{"training": {"learning_rate": [0.02, 2e-2]}}"#, path: "$.training.learning_rate[1]", message: "duplicate sweep value 0.02"),
        Case(json: #"{"training": {"seed": [[1, 2]]}}"#, path: "$.training.seed[0]", message: "found a nested array"),
        Case(json: #"{"training": {"learning_rat": 0.1}}"#, path: "$.training.learning_rat", message: #"unknown key "learning_rat" in 'training'; did you mean 'learning_rate'?"#),
        Case(json: #"{"training": {"learningRate": 0.1}}"#, path: "$.training.learningRate", message: "did you mean 'learning_rate'?"),
        Case(json: #"{"training": {"lr": 0.1}}"#, path: "$.training.lr", message: "did you mean 'learning_rate'?"),
        Case(json: #"{"model": {"learning_rate": 0.1}}"#, path: "$.model.learning_rate", message: "'learning_rate' belongs in 'training'"),
        Case(json: #"{"seed": 1}"#, path: "$.seed", message: "'seed' belongs in 'data' or 'training'"),
        Case(json: #"{"trainig": {}}"#, path: "$.trainig", message: #"unknown key "trainig" at the top level; did you mean 'training'?"#),
        Case(json: #"{"name": "a", "name": "b"}"#, path: "$.name", message: "duplicate key \"name\"; it already appears on line 1"),
    ]

    @Test(arguments: fieldCases)
    func eachProblemIsReportedAtItsPath(_ testCase: Case) throws {
        let errors = specErrors(testCase.json)
        try #require(errors.count == 1, "\(errors)")
        #expect(errors[0].jsonPath == testCase.path)
        #expect(errors[0].message.contains(testCase.message), "\(errors[0].message)")
        #expect(errors[0].file == "experiments/test.json")
    }

    @Test func descriptionReadsLikeACompilerDiagnostic() {
        let errors = specErrors("{\n  \"training\": {\"learning_rate\": -0.5}\n}")
        #expect(errors.map(\.description) == ["experiments/test.json:2:33: $.training.learning_rate: expected a finite number > 0, found -0.5"])
    }

    @Test func everyProblemInTheFileIsReportedTogetherInFileOrder() throws {
        let json = """
            {
              "model": {"hidden": 7.5, "init": "glorot"},
              "trainig": {},
              "training": {"learning_rate": [2, -1, 0.02], "epochs": "many"},
              "data": {"points": 1}
            }
            """
        do {
            _ = try parseSpec(json)
            Issue.record("expected errors")
        } catch {
            #expect(error.jsonPaths == [
                "$.model.hidden", "$.model.init", "$.trainig",
                "$.training.learning_rate[1]", "$.training.epochs", "$.data.points",
            ])
            #expect(error.errors.map(\.line) == [2, 2, 3, 4, 4, 5])
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 6)
            #expect(lines.allSatisfy { $0.hasPrefix("experiments/test.json:") })
        }
    }

    @Test(arguments: [
        ("{\"training\": {\"epochs\": 3,}}", 1, 27, "trailing commas"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "is a comma missing?"),
        ("", 1, 1, "the file is empty"),
        ("{\"name\": 'x'}", 1, 10, "double quotes"),
        ("{\"name\": \"é\" x}", 1, 14, "expected ',' or '}'"),
        ("{} {}", 1, 4, "after the end of the JSON value"),
        ("{\"n\": 01}", 1, 7, "leading zeros"),
        ("{\"n\": tru}", 1, 7, "did you mean true?"),
        ("{\"n\": 1, // one\n\"m\": 2}", 1, 10, "comments are not allowed in JSON"),
        ("{\"n\": 1 /* one */}", 1, 9, "comments are not allowed in JSON"),
        ("{\"n\": [1 // one\n]}", 1, 10, "comments are not allowed in JSON"),
        ("{\"n\": 1} // one", 1, 10, "comments are not allowed in JSON"),
    ])
    func invalidJSONIsLocatedToLineAndColumn(_ json: String, line: Int, column: Int, message: String) throws {
        let errors = specErrors(json)
        try #require(errors.count == 1)
        #expect(errors[0].jsonPath == "$")
        #expect(errors[0].line == line && errors[0].column == column, "\(errors[0])")
        #expect(errors[0].message.hasPrefix("invalid JSON: "))
        #expect(errors[0].message.contains(message), "\(errors[0].message)")
    }

    @Test(arguments: ["[]", "true", "3", "\"spec\"", "null"])
    func topLevelMustBeAnObject(_ json: String) throws {
        let errors = specErrors(json)
        try #require(errors.count == 1)
        #expect(errors[0].jsonPath == "$")
        #expect(errors[0].message.hasPrefix("expected a JSON object {…} at the top level, found "))
    }

    @Test func stringsWithEscapesAreReadExactly() throws {
        let run = try #require(try parseSpec(#"{"description": "a\"b\\c\/d\n\u00e9\ud83d\ude00"}"#).first)
        #expect(run.description == "a\"b\\c/d\né😀")
    }

    @Test func mutuallyExclusiveFieldsAreReported() {
        let errors = specErrors("""
            {
              "data": {"generator": "moons", "points": 10, "noise": 0.1, "train_csv": "a.csv",
                       "validation_csv": "b.csv", "validation_fraction": 0.3},
              "model": {"init": "he", "start_weights": "w.json"}
            }
            """)
        let exclusions = errors.filter { $0.message.contains("cannot be combined") }
        #expect(exclusions.map(\.jsonPath) == [
            "$.data.generator", "$.data.points", "$.data.noise", "$.data.validation_fraction", "$.model.init",
        ])
        #expect(exclusions[0].message.contains("'generator' cannot be combined with 'train_csv'"))
        // The three missing files are reported too, each by its resolved absolute path.
        let missing = errors.filter { $0.message.hasPrefix("file not found: ") }
        #expect(missing.map(\.jsonPath) == ["$.data.train_csv", "$.data.validation_csv", "$.model.start_weights"])
    }

    @Test func missingFilesNameTheResolvedAbsolutePath() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let errors = specErrors(#"{"data": {"train_csv": "data/../data/train.csv"}}"#, folder: folder.path)
        try #require(errors.count == 1)
        #expect(errors[0].jsonPath == "$.data.train_csv")
        #expect(errors[0].message.hasPrefix("file not found: \(folder.path)/data/train.csv "))
        #expect(errors[0].message.contains("resolved against the spec's folder \(folder.path)"))
    }

    @Test func malformedCSVIsReportedBeforeAnythingRuns() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train.csv", "1,2,1\n3,x,-1\n")
        let errors = specErrors(#"{"data": {"train_csv": "train.csv"}}"#, folder: folder.path)
        try #require(errors.count == 1)
        #expect(errors[0].jsonPath == "$.data.train_csv")
        #expect(errors[0].message == "\(folder.path)/train.csv:2: field 2 is \"x\", not a number")
    }

    @Test func validationCSVMustMatchTheTrainingDimension() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train.csv", csvText(points: 10, dimension: 3))
        try folder.write("val.csv", csvText(points: 4, dimension: 2))
        let errors = specErrors(#"{"data": {"train_csv": "train.csv", "validation_csv": "val.csv"}}"#, folder: folder.path)
        try #require(errors.count == 1)
        #expect(errors[0].jsonPath == "$.data.validation_csv")
        #expect(errors[0].message.contains("has 2 features per point, but the training CSV \(folder.path)/train.csv has 3"))
    }

    @Test func aOnePointCSVCannotBeSplit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("one.csv", "0.5,0.5,1\n")
        let errors = specErrors(#"{"data": {"train_csv": "one.csv"}}"#, folder: folder.path)
        #expect(errors.map(\.jsonPath) == ["$.data.train_csv"])
        #expect(errors.first?.message.contains("too few to split off a validation set") == true)
        // Without a validation set it is fine.
        let runs = try parseSpec(#"{"data": {"train_csv": "one.csv", "validation_fraction": null}}"#, folder: folder.path)
        #expect(runs.count == 1)
    }

    @Test func startWeightsMustMatchHiddenAndTheDataDimension() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("w3.json", weightsJSON(d: 2, h: 3))
        try folder.write("w3d.json", weightsJSON(d: 3, h: 3))
        try folder.write("bad.json", #"{"Wi": [[1, 2]], "bi": [1], "Wo": [1], "bo": 0}"#)

        let hidden = specErrors(#"{"model": {"start_weights": "w3.json", "hidden": 7}}"#, folder: folder.path)
        #expect(hidden.map(\.jsonPath) == ["$.model.hidden"])
        #expect(hidden.first?.message == "expected 3 to match the 3 hidden units of the start weights \(folder.path)/w3.json, found 7")

        let dimension = specErrors(#"{"model": {"start_weights": "w3d.json"}}"#, folder: folder.path)
        #expect(dimension.map(\.jsonPath) == ["$.model.start_weights"])
        #expect(dimension.first?.message.contains("are for 3 input features (Wi has 3 rows), but the generated data has 2") == true)

        let shape = specErrors(#"{"model": {"start_weights": "bad.json"}}"#, folder: folder.path)
        #expect(shape.map(\.jsonPath) == ["$.model.start_weights"])
        #expect(shape.first?.message.contains("Wi row 0 has 2 values but bi has 1") == true)

        // Matching weights give h from the file, and the file's SHA-256 (as sha256sum prints it).
        let run = try #require(try parseSpec(#"{"model": {"start_weights": "w3.json"}}"#, folder: folder.path).first)
        let sha256 = sha256Hex(bytes: Data(weightsJSON(d: 2, h: 3).utf8))
        #expect(run.model == ModelSettings(hiddenUnits: 3, start: .file(path: "\(folder.path)/w3.json", sha256: sha256)))
        #expect(run.canonicalJSON.contains(#""start_weights_sha256":"\#(sha256)""#), "\(run.canonicalJSON)")
        #expect(run.hyperparameters.initialization == "explicit")
    }

    @Test("a spec's start_weights_sha256 must be that of its one start weights file")
    func startWeightsDigest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("w3.json", weightsJSON(d: 2, h: 3))
        let sha256 = sha256Hex(bytes: Data(weightsJSON(d: 2, h: 3).utf8))
        #expect(try parseSpec(#"{"model": {"start_weights": "w3.json", "start_weights_sha256": "\#(sha256)"}}"#, folder: folder.path).count == 1)

        let other = String(repeating: "0", count: 64)
        let changed = specErrors(#"{"model": {"start_weights": "w3.json", "start_weights_sha256": "\#(other)"}}"#, folder: folder.path)
        #expect(changed.map(\.jsonPath) == ["$.model.start_weights_sha256"])
        #expect(changed.first?.message == "the start weights \(folder.path)/w3.json have changed: the file's SHA-256 is \(sha256), this spec records \(other); "
            + "put the file back as it was, or remove 'start_weights_sha256' to start from the file as it is now")
        let malformed = specErrors(#"{"model": {"start_weights": "w3.json", "start_weights_sha256": "ABC"}}"#, folder: folder.path)
        #expect(malformed.first?.message.hasPrefix("expected the SHA-256 of the start weights file, 64 lowercase hex digits") == true)
        let alone = specErrors(#"{"model": {"start_weights_sha256": "\#(sha256)"}}"#, folder: folder.path)
        #expect(alone.first?.message == "'start_weights_sha256' goes with 'start_weights'; remove it, or name the file")
        try folder.write("copy.json", weightsJSON(d: 2, h: 3))
        let listed = specErrors(#"{"model": {"start_weights": ["w3.json", "copy.json"], "start_weights_sha256": "\#(sha256)"}}"#, folder: folder.path)
        #expect(listed.map(\.message) == ["'start_weights_sha256' names one file, but 'start_weights' is a list; remove one of them"])
    }

    @Test func aSweepOverTooManyRunsIsRefused() {
        let epochs = (1...1001).map(String.init).joined(separator: ",")
        let seeds = (0..<1000).map(String.init).joined(separator: ",")
        let errors = specErrors(#"{"training": {"epochs": [\#(epochs)], "seed": [\#(seeds)]}}"#)
        #expect(errors.map(\.jsonPath) == ["$"])
        #expect(errors.first?.message.hasPrefix("the sweep expands to 1001000 runs (1001 epochs × 1000 seed); at most 1000000 runs are allowed") == true)
    }

    @Test func unreadableSpecFileIsOneError() {
        do {
            _ = try SpecFile.load(path: "/nonexistent-spec-folder/missing.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent-spec-folder/missing.json: cannot read the spec file /nonexistent-spec-folder/missing.json: no such file")
        }
    }
}
