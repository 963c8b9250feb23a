/// The weights of the seed's two-layer network, in the seed's layout.
///
/// `H = ReLU(X·Wi + bi)` and `Ybar = Wo·H + bo`, where `Wi` is [d×h], `bi` [h],
/// `Wo` [h] and `bo` a scalar. All values live in one contiguous buffer,
/// `Wi` row-major first (`Wi[j][k]` at `j·h + k`), then `bi`, `Wo` and `bo`,
/// so training walks memory in order. A gradient has the same shape and uses
/// the same type.
public struct Parameters: Equatable, Sendable {
    /// d, the number of input features.
    public let inputDimension: Int
    /// h, the number of hidden units.
    public let hiddenUnits: Int
    /// Every value: `Wi` (d·h, row-major), `bi` (h), `Wo` (h), `bo` (1).
    public var values: [Double]

    /// All-zero parameters for `inputDimension` inputs and `hiddenUnits` hidden units.
    public init(inputDimension: Int, hiddenUnits: Int) {
        precondition(inputDimension >= 1 && hiddenUnits >= 1, "d and h must be at least 1")
        self.inputDimension = inputDimension
        self.hiddenUnits = hiddenUnits
        values = Array(repeating: 0, count: (inputDimension + 2) * hiddenUnits + 1)
    }

    /// Parameters from the seed's nested layout, checking that the shapes agree.
    public init(wi: [[Double]], bi: [Double], wo: [Double], bo: Double) throws(ParametersError) {
        let d = wi.count
        let h = bi.count
        guard d >= 1 else { throw .shape("Wi must have at least one row (one per input feature)") }
        guard h >= 1 else { throw .shape("bi must have at least one value (one per hidden unit)") }
        for (j, row) in wi.enumerated() where row.count != h {
            throw .shape("Wi row \(j) has \(row.count) values but bi has \(h): Wi must be [d×h]")
        }
        guard wo.count == h else { throw .shape("Wo has \(wo.count) values but bi has \(h): both must have h values") }
        self.init(inputDimension: d, hiddenUnits: h)
        values = wi.flatMap { $0 } + bi + wo + [bo]
    }

    /// `Wi`, [d×h]: `wi[j][k]` connects input j to hidden unit k.
    public var wi: [[Double]] {
        (0..<inputDimension).map { j in Array(values[(j * hiddenUnits)..<((j + 1) * hiddenUnits)]) }
    }

    /// `bi`, the h hidden biases.
    public var bi: [Double] { Array(values[Layout(self).bi..<Layout(self).wo]) }

    /// `Wo`, the h output weights.
    public var wo: [Double] { Array(values[Layout(self).wo..<Layout(self).bo]) }

    /// `bo`, the output bias.
    public var bo: Double { values[Layout(self).bo] }

    /// The four tensors by name (`Wi`, `bi`, `Wo`, `bo`) with their shapes.
    public var tensors: [Tensor] {
        let layout = Layout(self)
        return [
            Tensor(name: "Wi", rows: inputDimension, columns: hiddenUnits, values: Array(values[0..<layout.bi])),
            Tensor(name: "bi", rows: hiddenUnits, columns: 1, values: bi),
            Tensor(name: "Wo", rows: hiddenUnits, columns: 1, values: wo),
            Tensor(name: "bo", rows: 1, columns: 1, values: [bo]),
        ]
    }

    /// True when every value is finite.
    public var isFinite: Bool { values.allSatisfy(\.isFinite) }
}

/// One named block of parameters, row-major (vectors have one column).
public struct Tensor: Equatable, Sendable {
    /// `Wi`, `bi`, `Wo` or `bo`.
    public var name: String
    /// d for `Wi`, h for `bi` and `Wo`, 1 for `bo`.
    public var rows: Int
    /// h for `Wi`, 1 for the others.
    public var columns: Int
    /// rows × columns values, row by row.
    public var values: [Double]

    public init(name: String, rows: Int, columns: Int, values: [Double]) {
        self.name = name
        self.rows = rows
        self.columns = columns
        self.values = values
    }
}

/// Why a set of weights does not describe a network.
public enum ParametersError: Error, Equatable, CustomStringConvertible {
    case shape(String)

    public var description: String {
        switch self {
        case .shape(let message): "inconsistent weight shapes: \(message)"
        }
    }
}

/// Offsets of each tensor in `Parameters.values`.
struct Layout {
    let d: Int
    let h: Int
    var bi: Int { d * h }
    var wo: Int { d * h + h }
    var bo: Int { d * h + 2 * h }

    init(_ parameters: Parameters) {
        d = parameters.inputDimension
        h = parameters.hiddenUnits
    }
}

extension Parameters: Codable {
    private enum CodingKeys: String, CodingKey {
        case wi = "Wi", bi, wo = "Wo", bo
    }

    /// Reads the seed's JSON layout: `{"Wi": [[…]], "bi": […], "Wo": […], "bo": x}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                wi: container.decode([[Double]].self, forKey: .wi),
                bi: container.decode([Double].self, forKey: .bi),
                wo: container.decode([Double].self, forKey: .wo),
                bo: container.decode(Double.self, forKey: .bo))
        } catch let error as ParametersError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(wi, forKey: .wi)
        try container.encode(bi, forKey: .bi)
        try container.encode(wo, forKey: .wo)
        try container.encode(bo, forKey: .bo)
    }
}
