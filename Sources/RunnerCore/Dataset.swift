/// Labelled points: n inputs of dimension d, each with a label −1 or +1.
///
/// Inputs are stored flat and row-major (`features[i·d + j]`), so training
/// reads each example as one contiguous run of memory.
public struct Dataset: Equatable, Sendable {
    /// d, the number of features per point.
    public let dimension: Int
    /// All inputs, row-major: point i is `features[i·d ..< (i+1)·d]`.
    public private(set) var features: [Double]
    /// One label per point, −1 or +1.
    public private(set) var labels: [Double]

    /// An empty data set of the given dimension.
    public init(dimension: Int) {
        precondition(dimension >= 1, "dimension must be at least 1")
        self.dimension = dimension
        features = []
        labels = []
    }

    /// A data set from points and their ±1 labels.
    public init(points: [[Double]], labels: [Double]) {
        precondition(!points.isEmpty && points.count == labels.count, "one label per point, at least one point")
        self.init(dimension: points[0].count)
        for (point, label) in zip(points, labels) {
            append(point, label: label)
        }
    }

    /// The number of points.
    public var count: Int { labels.count }

    /// The features of point `index`.
    public func point(_ index: Int) -> ArraySlice<Double> {
        features[(index * dimension)..<((index + 1) * dimension)]
    }

    /// Adds one point with its label (−1 or +1).
    public mutating func append(_ point: some Collection<Double>, label: Double) {
        precondition(point.count == dimension, "point has \(point.count) features, expected \(dimension)")
        precondition(label == -1 || label == 1, "labels are −1 or +1")
        features.append(contentsOf: point)
        labels.append(label)
    }

    /// The points at `indices`, in that order.
    public func subset(_ indices: some Sequence<Int>) -> Dataset {
        var result = Dataset(dimension: dimension)
        for index in indices {
            result.append(point(index), label: labels[index])
        }
        return result
    }

    /// Splits off a random `fraction` of the points as a validation set.
    ///
    /// The validation set has `round(fraction · n)` points, at least one, and
    /// the training set keeps at least one; both keep the original order.
    public func split(validationFraction fraction: Double, using random: inout RandomSource) -> (training: Dataset, validation: Dataset) {
        precondition(fraction > 0 && fraction < 1 && count >= 2, "fraction in (0, 1) of at least two points")
        var order = Array(0..<count)
        random.shuffle(&order)
        let validationCount = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        let validation = order[..<validationCount].sorted()
        let training = order[validationCount...].sorted()
        return (subset(training), subset(validation))
    }
}
