import Foundation
import RunnerStore
import RunnerCore

/// One field as the spec gives it: its values (one, or the sweep's elements).
struct GivenField {
    var field: SpecField
    var values: [SpecFieldValue]
    /// The JSON node of each value, for positions.
    var nodes: [SpecJSONNode]
    /// Written as an array.
    var swept: Bool

    func path(_ index: Int) -> String { swept ? "\(field.jsonPath)[\(index)]" : field.jsonPath }
}

/// Facts about a file a spec names, read once per validation.
enum FileFacts: Equatable {
    case csv(dimension: Int, count: Int)
    case weights(inputDimension: Int, hiddenUnits: Int, sha256: String)
}

/// Walks one spec document, collecting every problem, and expands the runs
/// when there is none.
struct SpecValidator {
    let file: String
    let baseDirectory: String
    var errors: [SpecError] = []
    private var fileFacts: [String: FileFacts?] = [:]
    /// The fields the spec writes, valid or not.
    private var present: Set<String> = []
    /// The `run_name` of a spec of one run, if it gives one.
    private var fixedRunName: String?
    /// The `swept` record of a spec of one run, if it gives one.
    private var sweptRecord: [SweptParameter]?

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    /// Records a problem at `position` in the file or, for a value from the command line,
    /// in the `--set` argument `origin`.
    mutating func report(_ path: String, _ message: String, at position: (line: Int, column: Int)? = nil, origin: String? = nil) {
        if let origin {
            errors.append(SpecError(file: "--set \(origin)", jsonPath: path, message: message))
        } else {
            errors.append(SpecError(file: file, jsonPath: path, message: message, line: position?.line, column: position?.column))
        }
    }

    mutating func report(_ path: String, _ message: String, node: SpecJSONNode) {
        report(path, message, at: (node.line, node.column), origin: node.origin)
    }

    /// Validates a spec document, after applying `overrides` to it, and returns its runs.
    mutating func run(_ bytes: [UInt8], overrides: [SpecOverride] = []) -> SpecSweep {
        let root: SpecJSONNode
        do {
            root = try SpecJSONReader.parse(bytes)
        } catch {
            report("$", "invalid JSON: \(error.message)", at: (error.line, error.column))
            return .empty
        }
        guard case .object(var members) = root.value else {
            report("$", "expected a JSON object {…} at the top level, found \(root.value.found)", node: root)
            return .empty
        }
        for override in overrides {
            apply(override, to: &members, path: override.path[...], parent: "$")
        }
        let top = checkedMembers(members, path: "$", allowed: SpecField.topLevelKeys + SpecSection.allCases.map(\.rawValue))

        let name = text(top["name"], path: "$.name", singleLine: true) ?? SpecFile.defaultName(forPath: file)
        let group = text(top["group"], path: "$.group", singleLine: true) ?? name
        let description = text(top["description"], path: "$.description", singleLine: false)
        fixedRunName = text(top["run_name"], path: "$.run_name", singleLine: true)
        sweptRecord = top["swept"].flatMap { sweptParameters($0) }

        var given: [String: GivenField] = [:]
        for section in SpecSection.allCases {
            guard let node = top[section.rawValue] else { continue }
            guard case .object(let sectionMembers) = node.value else {
                report("$.\(section.rawValue)", "expected an object {…} with the \(section.rawValue) settings, found \(node.value.found)", node: node)
                continue
            }
            let fields = checkedMembers(sectionMembers, path: "$.\(section.rawValue)", allowed: SpecField.keys(of: section) + SpecField.recordedKeys(of: section))
            for field in SpecField.all where field.section == section {
                if let node = fields[field.key], let values = values(of: field, node: node) {
                    given[field.dotted] = values
                }
            }
        }
        present = Set(SpecField.all.filter { rawNode(of: $0, in: top) != nil }.map(\.dotted))
        checkExclusions(top)
        checkFiles(&given)
        checkStartWeightsDigest(top, given)
        checkGridSize(given)
        checkSingleRunKeys(top, sweeps: given.values.contains { $0.swept })
        guard errors.isEmpty else { return .empty }
        return SpecSweep(validator: self, fields: SpecField.all.compactMap { given[$0.dotted] }, name: name, group: group, description: description)
    }

    // MARK: Objects and keys

    /// The members of an object by key, after reporting duplicate and unknown keys.
    mutating func checkedMembers(_ members: [SpecJSONMember], path: String, allowed: [String]) -> [String: SpecJSONNode] {
        var result: [String: SpecJSONNode] = [:]
        var firstLine: [String: Int] = [:]
        for member in members {
            let memberPath = path + "." + member.key
            let position = (member.keyLine, member.keyColumn)
            if let line = firstLine[member.key] {
                report(memberPath, "duplicate key \(quoted(member.key)); it already appears on line \(line)", at: position, origin: member.origin)
                continue
            }
            firstLine[member.key] = member.keyLine
            guard allowed.contains(member.key) else {
                report(memberPath, unknownKeyMessage(member.key, path: path, allowed: allowed), at: position, origin: member.origin)
                continue
            }
            result[member.key] = member.node
        }
        return result
    }

    func unknownKeyMessage(_ key: String, path: String, allowed: [String]) -> String {
        let place = path == "$" ? "at the top level" : "in '\(path.dropFirst(2))'"
        var message = "unknown key \(quoted(key)) \(place)"
        let homes = SpecField.all.filter { $0.key == key }.map { "'\($0.section.rawValue)'" }
        if !homes.isEmpty {
            message += "; '\(key)' belongs in \(homes.joined(separator: " or "))"
        } else if let suggestion = closestMatch(to: key, among: allowed) {
            message += "; did you mean '\(suggestion)'?"
        } else if path != "$", SpecField.topLevelKeys.contains(key) || SpecSection(rawValue: key) != nil {
            message += "; '\(key)' belongs at the top level"
        }
        return message + " (allowed: \(allowed.joined(separator: ", ")))"
    }

    /// A string field (`name`, `group`, `description`); nil when absent or wrong.
    mutating func text(_ node: SpecJSONNode?, path: String, singleLine: Bool) -> String? {
        guard let node else { return nil }
        guard case .string(let value) = node.value else {
            let swept = if case .array = node.value { " (only settings are swept)" } else { "" }
            report(path, "expected a string, found \(node.value.found)\(swept)", node: node)
            return nil
        }
        if singleLine {
            if value.allSatisfy(\.isWhitespace) {
                report(path, "expected a non-empty name, found \(quoted(value))", node: node)
                return nil
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || Table.isBidiControl($0) }) {
                report(path, "expected a name on one line without control characters, found \(quoted(value))", node: node)
                return nil
            }
        }
        return value
    }

    // MARK: Values and sweeps

    /// The field's value, or its sweep's elements; nil after reporting any problem.
    mutating func values(of field: SpecField, node: SpecJSONNode) -> GivenField? {
        guard case .array(let elements) = node.value else {
            switch field.validate(node.value) {
            case .success(let value): return GivenField(field: field, values: [value], nodes: [node], swept: false)
            case .failure(let problem): report(field.jsonPath, problem.message, node: node); return nil
            }
        }
        guard !elements.isEmpty else {
            report(field.jsonPath, "expected a value or a non-empty array of values to sweep over, found an empty array", node: node)
            return nil
        }
        var values: [SpecFieldValue] = []
        var valid = true
        var firstIndex: [SpecFieldValue: Int] = [:]
        for (index, element) in elements.enumerated() {
            let path = "\(field.jsonPath)[\(index)]"
            if case .array = element.value {
                report(path, "expected a single value in the sweep, found a nested array", node: element)
                valid = false
                continue
            }
            switch field.validate(element.value) {
            case .success(let value):
                if let earlier = firstIndex[value] {
                    report(path, "duplicate sweep value \(value.display); it already appears at \(field.jsonPath)[\(earlier)]", node: element)
                    valid = false
                } else {
                    firstIndex[value] = index
                }
                values.append(value)
            case .failure(let problem):
                report(path, problem.message, node: element)
                valid = false
            }
        }
        return valid ? GivenField(field: field, values: values, nodes: elements, swept: true) : nil
    }

    // MARK: Rules between fields

    /// A field's node as written, even when its value is wrong.
    func rawNode(of field: SpecField, in top: [String: SpecJSONNode]) -> SpecJSONNode? {
        guard let section = top[field.section.rawValue], case .object(let members) = section.value else { return nil }
        return members.first { $0.key == field.key }?.node
    }

    /// `model.start_weights_sha256`, which a resolved spec records: it must be the SHA-256 of
    /// the one start weights file the spec names, so that the spec of a run trains that run
    /// again or says why it cannot.
    mutating func checkStartWeightsDigest(_ top: [String: SpecJSONNode], _ given: [String: GivenField]) {
        guard let model = top[SpecSection.model.rawValue], case .object(let members) = model.value,
              let node = members.first(where: { $0.key == SpecField.startWeightsSHA256 })?.node else { return }
        let path = "$.model.\(SpecField.startWeightsSHA256)"
        guard case .string(let digest) = node.value, digest.count == 64, digest.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            report(path, "expected the SHA-256 of the start weights file, 64 lowercase hex digits as sha256sum prints them, found \(node.value.found)", node: node)
            return
        }
        guard let files = given[SpecField.startWeights.dotted] else {
            report(path, "'\(SpecField.startWeightsSHA256)' goes with 'start_weights'; remove it, or name the file", node: node)
            return
        }
        guard files.values.count == 1, case .text(let file) = files.values[0] else {
            report(path, "'\(SpecField.startWeightsSHA256)' names one file, but 'start_weights' is a list; remove one of them", node: node)
            return
        }
        if case .weights(_, _, let sha256)?? = fileFacts[file], sha256 != digest {
            report(path, ExperimentSpec.startWeightsChanged(file, sha256: sha256, recorded: digest, by: "this spec",
                fix: "put the file back as it was, or remove '\(SpecField.startWeightsSHA256)' to start from the file as it is now"), node: node)
        }
    }

    /// Fields that exclude each other; presence counts even when a value is wrong.
    mutating func checkExclusions(_ top: [String: SpecJSONNode]) {
        func exclusive(_ kept: SpecField, _ other: SpecField, _ why: String) {
            guard present.contains(kept.dotted), let otherNode = rawNode(of: other, in: top) else { return }
            report(other.jsonPath, "'\(other.key)' cannot be combined with '\(kept.key)': \(why)", node: otherNode)
        }
        exclusive(.trainCSV, .generator, "the data come either from a generator or from 'train_csv'; remove one of them")
        exclusive(.trainCSV, .points, "'points' applies only to a generator; remove it")
        exclusive(.trainCSV, .noise, "'noise' applies only to a generator; remove it")
        exclusive(.validationCSV, .validationFraction, "the validation set comes either from 'validation_csv' or from a fraction of the training data; remove one of them")
        exclusive(.trainCSV, .validationPoints, "'validation_points' draws from the generator, and CSV data has none; use 'validation_csv' or 'validation_fraction'")
        exclusive(.validationCSV, .validationPoints, "the validation set comes either from 'validation_csv' or from the generator; remove one of them")
        exclusive(.validationPoints, .validationFraction, "the validation set is either drawn anew ('validation_points') or split off the training points ('validation_fraction'); remove one of them")
        exclusive(.startWeights, .initialization, "explicit start weights are not drawn at random; remove 'init'")
    }

    // MARK: Files

    /// `path` made absolute against the spec's folder, "~" left as it is (as docs/spec.md says).
    func resolve(_ path: String) -> String {
        // Joined as text: Foundation expands a leading "~" in a relative path on some platforms.
        let absolute = path.hasPrefix("/") ? path : baseDirectory + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Checks that every named file exists and makes sense, and that their
    /// shapes agree with each other and with the spec; makes paths absolute.
    mutating func checkFiles(_ given: inout [String: GivenField]) {
        for field in [SpecField.trainCSV, .validationCSV, .startWeights] {
            guard var entry = given[field.dotted] else { continue }
            for index in entry.values.indices {
                guard case .text(let raw) = entry.values[index] else { continue }
                let absolute = resolve(raw)
                entry.values[index] = .text(absolute)
                _ = facts(field, absolute: absolute, written: raw, path: entry.path(index), node: entry.nodes[index])
            }
            given[field.dotted] = entry
        }
        checkShapes(given)
    }

    /// The facts of one file, reading it on first use; nil after reporting a problem.
    mutating func facts(_ field: SpecField, absolute: String, written: String, path: String, node: SpecJSONNode) -> FileFacts? {
        if let known = fileFacts[absolute] {
            if known == nil { report(path, "the file \(absolute) has a problem reported above", node: node) }
            return known
        }
        let result: Result<FileFacts, ExperimentError>
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            // A pipe has no folder: its paths are taken from the current one (see `SpecFile.loadWithSource`).
            let folder = FileKind.isPipe(atPath: file) ? "the current folder" : "the spec's folder"
            let relative = written.hasPrefix("/") ? "" : " (\(quoted(written)) resolved against \(folder) \(baseDirectory))"
            result = .failure(ExperimentError("file not found: \(absolute)\(relative)"))
        } else if isDirectory.boolValue {
            result = .failure(ExperimentError("expected a file, found the directory \(absolute)"))
        } else if field.dotted == SpecField.startWeights.dotted {
            do {
                let (weights, sha256) = try ExperimentSpec.readStartWeights(absolute)
                result = .success(.weights(inputDimension: weights.inputDimension, hiddenUnits: weights.hiddenUnits, sha256: sha256))
            } catch {
                result = .failure(error)
            }
        } else {
            do {
                let data = try ExperimentSpec.readCSV(absolute, role: field.key == "train_csv" ? "training" : "validation")
                result = .success(.csv(dimension: data.dimension, count: data.count))
            } catch {
                result = .failure(error)
            }
        }
        switch result {
        case .success(let facts):
            fileFacts[absolute] = facts
            return facts
        case .failure(let error):
            fileFacts[absolute] = .some(nil)
            report(path, error.message, node: node)
            return nil
        }
    }

    /// Dimensions of CSVs and start weights against each other and the spec.
    mutating func checkShapes(_ given: [String: GivenField]) {
        func csvFacts(_ field: SpecField) -> [(index: Int, path: String, dimension: Int, count: Int)] {
            guard let entry = given[field.dotted] else { return [] }
            return entry.values.indices.compactMap { index in
                guard case .text(let path) = entry.values[index], case .csv(let d, let n)?? = fileFacts[path] else { return nil }
                return (index, path, d, n)
            }
        }
        let training = csvFacts(.trainCSV)
        // The input dimensions the training data can have: 2 for every generator.
        let dataDimensions: [(dimension: Int, source: String)] = !present.contains(SpecField.trainCSV.dotted)
            ? [(2, "the generated data")]
            : training.map { ($0.dimension, "the training CSV \($0.path)") }

        if let entry = given[SpecField.validationCSV.dotted] {
            for validation in csvFacts(.validationCSV) {
                for data in dataDimensions where data.dimension != validation.dimension {
                    report(entry.path(validation.index), "the validation CSV \(validation.path) has \(validation.dimension) features per point, but \(data.source) has \(data.dimension); both need the same", node: entry.nodes[validation.index])
                }
            }
        }
        if given[SpecField.validationCSV.dotted] == nil, let entry = given[SpecField.trainCSV.dotted] {
            let fractions = given[SpecField.validationFraction.dotted]?.values ?? [.number(0.2)]
            if fractions.contains(where: { $0 != .null }) {
                for data in training where data.count < 2 {
                    report(entry.path(data.index), "the training CSV \(data.path) has \(data.count) point, too few to split off a validation set; add points, or set \"validation_fraction\": null", node: entry.nodes[data.index])
                }
            }
        }
        if let entry = given[SpecField.startWeights.dotted] {
            for index in entry.values.indices {
                guard case .text(let path) = entry.values[index], case .weights(let d, let h, _)?? = fileFacts[path] else { continue }
                for data in dataDimensions where data.dimension != d {
                    report(entry.path(index), "the start weights \(path) are for \(d) input features (Wi has \(d) rows), but \(data.source) has \(data.dimension)", node: entry.nodes[index])
                }
                if let hidden = given[SpecField.hidden.dotted] {
                    for (hiddenIndex, value) in hidden.values.enumerated() where value != .integer(h) {
                        report(hidden.path(hiddenIndex), "expected \(h) to match the \(h) hidden units of the start weights \(path), found \(value.display)", node: hidden.nodes[hiddenIndex])
                    }
                }
            }
        }
    }

    // MARK: Grid

    mutating func checkGridSize(_ given: [String: GivenField]) {
        let swept = SpecField.all.compactMap { given[$0.dotted] }.filter(\.swept)
        var total = 1
        for entry in swept {
            let (product, overflow) = total.multipliedReportingOverflow(by: entry.values.count)
            total = overflow ? .max : product
        }
        guard total > SpecFile.maximumRuns else { return }
        let factors = swept.map { "\($0.values.count) \($0.field.shortKey)" }.joined(separator: " × ")
        report("$", "the sweep expands to \(total == .max ? "too many" : "\(total)") runs (\(factors)); at most \(SpecFile.maximumRuns) runs are allowed per spec: split it into several specs or sweep fewer values")
    }

    /// The run at `counters` (an index into each field's values): its values, swept
    /// parameters and name (those of `run_name` and `swept` when a spec of one run gives
    /// them), resolved.
    func run(at counters: [Int], of fields: [GivenField], name: String, group: String, description: String?) -> ExperimentSpec {
        var values: [String: SpecFieldValue] = [:]
        var swept: [SweptParameter] = []
        for (entry, counter) in zip(fields, counters) {
            values[entry.field.dotted] = entry.values[counter]
            if entry.swept {
                let display = entry.field.kind.isPath
                    ? rawText(entry.nodes[counter]) ?? entry.values[counter].display
                    : entry.values[counter].display
                swept.append(SweptParameter(field: entry.field.dotted, key: entry.field.shortKey, value: display))
            }
        }
        if let sweptRecord { swept = sweptRecord }
        let runName = fixedRunName ?? ([name] + swept.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        return resolved(values, name: name, runName: runName, group: group, description: description, swept: swept)
    }

    func rawText(_ node: SpecJSONNode) -> String? {
        if case .string(let text) = node.value { return text }
        return nil
    }

    /// One run from one combination of values, defaults filled in.
    func resolved(_ values: [String: SpecFieldValue], name: String, runName: String, group: String, description: String?, swept: [SweptParameter]) -> ExperimentSpec {
        func integer(_ field: SpecField) -> Int? {
            if case .integer(let value)? = values[field.dotted] { return value }
            return nil
        }
        func number(_ field: SpecField) -> Double? {
            if case .number(let value)? = values[field.dotted] { return value }
            return nil
        }
        func text(_ field: SpecField) -> String? {
            if case .text(let value)? = values[field.dotted] { return value }
            return nil
        }
        let source: DataSource
        if let path = text(.trainCSV) {
            source = .csv(path: path)
        } else {
            let generator = text(.generator).flatMap(DataGenerator.init(rawValue:)) ?? .doubleMoon
            source = .generator(generator, points: integer(.points) ?? 400, noise: number(.noise) ?? generator.defaultNoise)
        }
        let validation: ValidationSource
        if let path = text(.validationCSV) {
            validation = .csv(path: path)
        } else if let points = integer(.validationPoints) {
            validation = .generated(points: points)
        } else if values[SpecField.validationFraction.dotted] == .null {
            validation = .none
        } else {
            validation = .fraction(number(.validationFraction) ?? 0.2)
        }
        let start: StartWeights
        var hidden = integer(.hidden) ?? 7
        if let path = text(.startWeights) {
            // The file was read when the spec was checked: its h and SHA-256 are known.
            let facts = fileFacts[path]
            if case .weights(_, let h, _)?? = facts { hidden = h }
            start = if case .weights(_, _, let sha256)?? = facts { .file(path: path, sha256: sha256) } else { .file(path: path, sha256: nil) }
        } else {
            start = .random(text(.initialization).flatMap(Initialization.init(rawValue:)) ?? .he)
        }
        return ExperimentSpec(
            name: name, runName: runName, group: group, description: description, swept: swept,
            data: DataSettings(source: source, seed: UInt64(integer(.dataSeed) ?? 0), validation: validation),
            model: ModelSettings(hiddenUnits: hidden, start: start),
            training: TrainingSettings(
                learningRate: number(.learningRate) ?? 0.02,
                epochs: integer(.epochs) ?? 100,
                seed: UInt64(integer(.trainingSeed) ?? 1),
                order: text(.order).flatMap(VisitOrder.init(rawValue:)) ?? .shuffle,
                batchSize: integer(.batchSize) ?? 1,
                weightDecay: number(.weightDecay) ?? 0))
    }
}

extension SpecFieldKind {
    var isPath: Bool {
        if case .path = self { return true }
        return false
    }
}
