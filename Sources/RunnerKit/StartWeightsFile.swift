import RunnerCore

/// Reads start weights files, `{"Wi": [[…]], "bi": […], "Wo": […], "bo": x}`, as strictly
/// as specs: strict JSON, exactly these four keys, each once, every value a finite number.
/// Every error names the file, the line and column, and the JSON path.
enum StartWeightsFile {
    /// The layout, for messages.
    static let layout = "{\"Wi\": [[…]], \"bi\": […], \"Wo\": […], \"bo\": x}"

    /// The weights in `bytes`, read from `path` (used in messages only).
    static func parse(_ bytes: [UInt8], path: String) throws(ExperimentError) -> Parameters {
        let root: SpecJSONNode
        do {
            root = try SpecJSONReader.parse(bytes)
        } catch {
            throw ExperimentError("\(path):\(error.line):\(error.column): \(error.message)")
        }
        guard case .object(let members) = root.value else {
            throw problem(path, root, "$", "expected start weights \(layout), found \(root.value.found)")
        }
        var tensors: [String: SpecJSONNode] = [:]
        for member in members {
            let at = SpecJSONNode(value: .null, line: member.keyLine, column: member.keyColumn)
            guard ["Wi", "bi", "Wo", "bo"].contains(member.key) else {
                throw problem(path, at, "$", "unknown key \(quoted(member.key)); start weights have exactly the keys Wi, bi, Wo and bo")
            }
            guard tensors[member.key] == nil else {
                throw problem(path, at, "$.\(member.key)", "duplicate key \(quoted(member.key)); give each tensor once")
            }
            tensors[member.key] = member.node
        }
        if let missing = ["Wi", "bi", "Wo", "bo"].first(where: { tensors[$0] == nil }) {
            throw problem(path, root, "$", "the key \"\(missing)\" is missing; expected \(layout)")
        }
        let wi = try list(tensors["Wi"]!, path, "$.Wi", "an array of rows (one per input feature)") { node, jsonPath throws(ExperimentError) in
            try list(node, path, jsonPath, "an array of numbers (one per hidden unit)") { node, jsonPath throws(ExperimentError) in
                try number(node, path, jsonPath)
            }
        }
        let vector = { (key: String) throws(ExperimentError) -> [Double] in
            try list(tensors[key]!, path, "$.\(key)", "an array of numbers (one per hidden unit)") { node, jsonPath throws(ExperimentError) in
                try number(node, path, jsonPath)
            }
        }
        do {
            return try Parameters(wi: wi, bi: vector("bi"), wo: vector("Wo"), bo: number(tensors["bo"]!, path, "$.bo"))
        } catch let error as ParametersError {
            throw ExperimentError("\(path): \(error.description)")
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError("\(path): \(error)")
        }
    }

    private static func list<T>(
        _ node: SpecJSONNode, _ path: String, _ jsonPath: String, _ expected: String,
        _ element: (SpecJSONNode, String) throws(ExperimentError) -> T
    ) throws(ExperimentError) -> [T] {
        guard case .array(let items) = node.value else {
            throw problem(path, node, jsonPath, "expected \(expected), found \(node.value.found)")
        }
        var values: [T] = []
        for (index, item) in items.enumerated() {
            values.append(try element(item, "\(jsonPath)[\(index)]"))
        }
        return values
    }

    private static func number(_ node: SpecJSONNode, _ path: String, _ jsonPath: String) throws(ExperimentError) -> Double {
        guard case .number(let text) = node.value, let value = Double(text), value.isFinite else {
            throw problem(path, node, jsonPath, "expected a finite number, found \(node.value.found)")
        }
        return value
    }

    private static func problem(_ path: String, _ node: SpecJSONNode, _ jsonPath: String, _ message: String) -> ExperimentError {
        ExperimentError("\(path):\(node.line):\(node.column): \(jsonPath): \(message)")
    }
}
