import GRDB

/// The names of the network's parameters, as the seed calls them.
public enum TensorName: String, Sendable, CaseIterable {
    /// Input-to-hidden weights, shape [input_dimension, hidden_units].
    case Wi
    /// Hidden biases, shape [hidden_units].
    case bi
    /// Hidden-to-output weights, shape [hidden_units].
    case Wo
    /// Output bias, a scalar (shape []).
    case bo

    /// The number of dimensions of the tensor.
    var rank: Int {
        switch self {
        case .Wi: 2
        case .bi, .Wo: 1
        case .bo: 0
        }
    }
}

extension TensorName: DatabaseValueConvertible {}

/// A named tensor of final weights, values in row-major order.
///
/// In `weights`, element `values[j * shape[1] + k]` of `Wi` is the row with `row = j, col = k`;
/// element `i` of a vector has `row = i, col = 0`; the scalar `bo` has `row = 0, col = 0`.
public struct WeightTensor: Sendable, Equatable {
    /// Which parameter.
    public var name: TensorName
    /// Its dimensions: [d, h] for Wi, [h] for bi and Wo, [] for bo.
    public var shape: [Int]
    /// The numbers, row-major; `shape.reduce(1, *)` of them.
    public var values: [Double]

    public init(name: TensorName, shape: [Int], values: [Double]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// Compares values bit for bit, so NaN equals NaN and -0.0 differs from 0.0.
    public static func == (lhs: WeightTensor, rhs: WeightTensor) -> Bool {
        lhs.name == rhs.name && lhs.shape == rhs.shape
            && lhs.values.map(\.bitPattern) == rhs.values.map(\.bitPattern)
    }

    /// Throws unless the shape suits the tensor and the values fill it.
    func validate() throws(StoreError) {
        guard shape.count == name.rank else {
            throw .invalidWeights(tensor: name, reason: "shape \(shape) should have \(name.rank) dimensions")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw .invalidWeights(tensor: name, reason: "shape \(shape) has an empty dimension")
        }
        guard values.count == shape.reduce(1, *) else {
            throw .invalidWeights(tensor: name, reason: "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
    }

    /// The (row, col) cell of `values[index]` in the `weights` table.
    func cell(of index: Int) -> (row: Int, col: Int) {
        name.rank == 2 ? (index / shape[1], index % shape[1]) : (index, 0)
    }
}
