/// The runs of one spec file, in sweep order, made one at a time when asked for.
///
/// A sweep of a million runs takes no more memory than its spec: position `i` is decoded
/// into one value per field (the last field varying fastest, see docs/spec.md) and resolved
/// on demand.
public struct SpecSweep: RandomAccessCollection, Sendable {
    private let validator: SpecValidator?
    private let fields: [GivenField]
    private let name: String
    /// The group of its runs, which they all share.
    public let group: String
    private let description: String?

    /// A spec with no runs (the answer after a validation error).
    static let empty = SpecSweep(validator: nil, fields: [], name: "", group: "", description: nil)

    init(validator: SpecValidator?, fields: [GivenField], name: String, group: String, description: String?) {
        self.validator = validator
        self.fields = fields
        self.name = name
        self.group = group
        self.description = description
        endIndex = validator == nil ? 0 : fields.reduce(1) { $0 * $1.values.count }
    }

    public var startIndex: Int { 0 }
    public let endIndex: Int

    /// The run at `position`, fully resolved.
    public subscript(position: Int) -> ExperimentSpec {
        precondition(indices.contains(position), "run \(position) of a sweep of \(count)")
        var counters = Array(repeating: 0, count: fields.count)
        var rest = position
        for index in fields.indices.reversed() {
            counters[index] = rest % fields[index].values.count
            rest /= fields[index].values.count
        }
        return validator!.run(at: counters, of: fields, name: name, group: group, description: description)
    }

    /// The first run of each distinct data set: data fields come first in sweep order, so
    /// runs that differ only in model and training settings form blocks of this stride.
    var dataBlockStarts: StrideTo<Int> {
        let stride = fields.filter { $0.field.section != .data }.reduce(1) { $0 * $1.values.count }
        return Swift.stride(from: 0, to: endIndex, by: stride)
    }

    /// Runs that, starting from the first, vary only `field` through each of its values.
    func positions(varying field: SpecField) -> [Int] {
        guard let index = fields.firstIndex(where: { $0.field.dotted == field.dotted }) else { return isEmpty ? [] : [0] }
        let stride = fields[(index + 1)...].reduce(1) { $0 * $1.values.count }
        return (0..<fields[index].values.count).map { $0 * stride }
    }
}
