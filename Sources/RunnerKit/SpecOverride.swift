/// One `--set path=value` of `runner run`: a spec field's value given on the command line,
/// in place of (or in addition to) the file's.
///
/// The value is JSON (`0.1`, `[5, 7]`, `null`, `"moons"`); text that is not JSON and does not
/// start like JSON (`moons`, `he`) is taken as a string. The changed document is then
/// validated like any spec, so a list sweeps and every message names the JSON path.
public struct SpecOverride: Sendable, CustomStringConvertible {
    /// The argument as given, e.g. `training.learning_rate=0.1`.
    public let argument: String
    /// The keys from the top of the document, e.g. ["training", "learning_rate"].
    let path: [String]
    /// The value, every node marked as coming from this argument.
    let value: SpecJSONNode

    /// Reads `path=value`; the path may start with `$.`.
    public init(parsing argument: String) throws(SpecOverrideError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw SpecOverrideError(argument: argument, message: "expected path=value, e.g. --set training.learning_rate=0.1")
        }
        var dotted = Substring(argument[..<equals])
        if dotted.hasPrefix("$.") { dotted = dotted.dropFirst(2) }
        let path = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.allSatisfy({ !$0.isEmpty }) else {
            throw SpecOverrideError(argument: argument, message: "expected a path of keys joined by dots before '=', e.g. training.learning_rate")
        }
        let text = String(argument[argument.index(after: equals)...])
        var value: SpecJSONNode
        do {
            value = try SpecJSONReader.parse(Array(text.utf8))
        } catch {
            let looksLikeJSON = text.drop { $0 == " " }.first.map { "[{\"".contains($0) } ?? false
            guard !looksLikeJSON else {
                throw SpecOverrideError(argument: argument, message: "invalid JSON value: \(error.message) (column \(error.column) of the value)")
            }
            value = SpecJSONNode(value: .string(text), line: 1, column: 1)
        }
        self.argument = argument
        self.path = path
        self.value = value.marked(origin: argument)
    }

    public var description: String { argument }
}

/// A `--set` argument that cannot be read at all.
public struct SpecOverrideError: Error, Equatable, Sendable, CustomStringConvertible {
    public var argument: String
    public var message: String

    public var description: String { "--set \(argument): \(message)" }
}

extension SpecJSONNode {
    /// This node and every node inside it, marked as coming from `origin`.
    func marked(origin: String) -> SpecJSONNode {
        var node = self
        node.origin = origin
        switch value {
        case .array(let elements):
            node.value = .array(elements.map { $0.marked(origin: origin) })
        case .object(let members):
            node.value = .object(members.map { member in
                var member = member
                member.origin = origin
                member.node = member.node.marked(origin: origin)
                return member
            })
        default:
            break
        }
        return node
    }
}

extension SpecValidator {
    /// Puts `override`'s value at `path` below the object whose members are `members`,
    /// adding the objects and key that are missing. Keys are checked afterwards like the
    /// file's own, so a misspelt key gets the same message and suggestion.
    mutating func apply(_ override: SpecOverride, to members: inout [SpecJSONMember], path: ArraySlice<String>, parent: String) {
        let key = path.first!
        let index = members.lastIndex { $0.key == key }
        guard path.count > 1 else {
            let member = SpecJSONMember(key: key, keyLine: 0, keyColumn: 0, node: override.value, origin: override.argument)
            if let index { members[index].node = override.value } else { members.append(member) }
            return
        }
        var node = index.map { members[$0].node } ?? SpecJSONNode(value: .object([]), line: 0, column: 0, origin: override.argument)
        guard case .object(var inner) = node.value else {
            report("\(parent).\(key)", "cannot set '\(path.dropFirst().joined(separator: "."))' inside \(node.value.found); '\(key)' holds no object", origin: override.argument)
            return
        }
        apply(override, to: &inner, path: path.dropFirst(), parent: "\(parent).\(key)")
        node.value = .object(inner)
        if let index {
            members[index].node = node
        } else {
            members.append(SpecJSONMember(key: key, keyLine: 0, keyColumn: 0, node: node, origin: override.argument))
        }
    }

    /// The `swept` record of a resolved spec: `[{"field": …, "key": …, "value": …}, …]`,
    /// each field a spec field and each key its short name; nil after reporting a problem.
    mutating func sweptParameters(_ node: SpecJSONNode) -> [SweptParameter]? {
        let expected = "expected an array of {\"field\", \"key\", \"value\"} objects as `runner export --what spec` writes it"
        guard case .array(let elements) = node.value else {
            report("$.swept", "\(expected), found \(node.value.found)", node: node)
            return nil
        }
        var parameters: [SweptParameter] = []
        for (index, element) in elements.enumerated() {
            let path = "$.swept[\(index)]"
            guard case .object(let members) = element.value else {
                report(path, "\(expected), found \(element.value.found)", node: element)
                return nil
            }
            let entry = checkedMembers(members, path: path, allowed: ["field", "key", "value"])
            let strings = ["field", "key", "value"].map { key in entry[key].flatMap { text($0, path: "\(path).\(key)", singleLine: true) } }
            guard let field = strings[0], let key = strings[1], let value = strings[2] else {
                if entry.count == 3 { return nil }
                report(path, "\(expected); this one lacks \(["field", "key", "value"].filter { entry[$0] == nil }.joined(separator: ", "))", node: element)
                return nil
            }
            guard let known = SpecField.all.first(where: { $0.dotted == field }) else {
                let hint = closestMatch(to: field, among: SpecField.all.map(\.dotted)).map { "; did you mean '\($0)'?" } ?? ""
                report("\(path).field", "expected the path of a spec field such as training.learning_rate, found \(quoted(field))\(hint)", node: entry["field"]!)
                return nil
            }
            guard key == known.shortKey else {
                report("\(path).key", "expected \(quoted(known.shortKey)), the short name of \(field), found \(quoted(key))", node: entry["key"]!)
                return nil
            }
            parameters.append(SweptParameter(field: field, key: key, value: value))
        }
        return parameters
    }

    /// `run_name` and `swept` describe one run, so they cannot go with a sweep.
    mutating func checkSingleRunKeys(_ top: [String: SpecJSONNode], sweeps: Bool) {
        guard sweeps else { return }
        for key in ["run_name", "swept"] {
            guard let node = top[key] else { continue }
            report("$.\(key)", "'\(key)' describes a single run, but this spec sweeps (a field holds a list); remove '\(key)' or the list", node: node)
        }
    }
}
