/// Network outputs Ybar sampled on a regular grid of nodes over a rectangle.
///
/// `values[row * nx + column]` is the output at (`x(column:)`, `y(row:)`);
/// row 0 lies on `yRange.lowerBound` and column 0 on `xRange.lowerBound`, and
/// the last row and column lie on the upper bounds.
public struct BoundaryGrid: Sendable, Equatable {
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var nx: Int
    public var ny: Int
    public var values: [Double]

    public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, nx: Int, ny: Int, values: [Double]) {
        self.xRange = xRange
        self.yRange = yRange
        self.nx = nx
        self.ny = ny
        self.values = values
    }

    /// Samples `output(x, y)` at every node, row by row from the bottom.
    public init(
        xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, nx: Int, ny: Int,
        output: (_ x: Double, _ y: Double) throws -> Double
    ) rethrows {
        self.init(xRange: xRange, yRange: yRange, nx: nx, ny: ny, values: [])
        values.reserveCapacity(max(0, nx * ny))
        for row in 0..<max(0, ny) {
            for column in 0..<max(0, nx) {
                values.append(try output(x(column: column), y(row: row)))
            }
        }
    }

    public func x(column: Int) -> Double {
        xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * Double(column) / Double(max(1, nx - 1))
    }

    public func y(row: Int) -> Double {
        yRange.lowerBound + (yRange.upperBound - yRange.lowerBound) * Double(row) / Double(max(1, ny - 1))
    }

    func value(column: Int, row: Int) -> Double {
        values[row * nx + column]
    }

    /// Throws unless the grid has at least 2 × 2 nodes, `nx × ny` values and finite, non-empty ranges.
    func validate() throws {
        guard nx >= 2, ny >= 2 else { throw PlotError.gridTooSmall(nx: nx, ny: ny) }
        guard values.count == nx * ny else { throw PlotError.gridSizeMismatch(nx: nx, ny: ny, valueCount: values.count) }
        for (axis, range) in [("x", xRange), ("y", yRange)] {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
                throw PlotError.invalidRange(axis: axis, lower: range.lowerBound, upper: range.upperBound)
            }
        }
    }

    /// Segments of the contour `value = 0` in data coordinates, by marching
    /// squares with linear interpolation along cell edges. Nodes with a value
    /// ≥ 0 count as inside; cells with a non-finite corner are skipped and
    /// saddle cells are resolved by the mean of their corners.
    func zeroContour() -> [(from: (x: Double, y: Double), to: (x: Double, y: Double))] {
        var segments: [(from: (x: Double, y: Double), to: (x: Double, y: Double))] = []
        for row in 0..<(ny - 1) {
            for column in 0..<(nx - 1) {
                // Corners counter-clockwise from the bottom left.
                let corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
                let v = corners.map { value(column: $0.0, row: $0.1) }
                guard v.allSatisfy(\.isFinite) else { continue }
                // Crossings on edges 0: bottom, 1: right, 2: top, 3: left.
                var crossings: [(x: Double, y: Double)] = []
                for edge in 0..<4 {
                    let (a, b) = (edge, (edge + 1) % 4)
                    guard (v[a] >= 0) != (v[b] >= 0) else { continue }
                    let t = v[a] / (v[a] - v[b])
                    let (pa, pb) = (corners[a], corners[b])
                    crossings.append((
                        x: x(column: pa.0) + (x(column: pb.0) - x(column: pa.0)) * t,
                        y: y(row: pa.1) + (y(row: pb.1) - y(row: pa.1)) * t
                    ))
                }
                if crossings.count == 2 {
                    segments.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    // Saddle: bottom-left and top-right share a sign. If the centre has
                    // that sign too they connect, and the other two corners are cut off.
                    let centreMatchesBottomLeft = (v.reduce(0, +) / 4 >= 0) == (v[0] >= 0)
                    if centreMatchesBottomLeft {
                        segments += [(crossings[0], crossings[1]), (crossings[2], crossings[3])]
                    } else {
                        segments += [(crossings[3], crossings[0]), (crossings[1], crossings[2])]
                    }
                }
            }
        }
        return segments
    }
}
