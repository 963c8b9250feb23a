import Foundation
import FoundationXML
import Testing

@testable import RunnerPlots

/// Parses `markup` as XML, failing the test when it is not well formed.
func parse(_ markup: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLDocument {
    try #require(try? XMLDocument(xmlString: markup, options: []), "not well-formed XML", sourceLocation: sourceLocation)
}

extension XMLNode {
    /// Descendant elements named `name` (ignoring namespaces), optionally with `class` equal to `className`.
    func elements(_ name: String, class className: String? = nil) -> [XMLElement] {
        let predicate = className.map { " and @class='\($0)'" } ?? ""
        // From a document (with a doctype, at least) only an absolute path finds anything on Linux.
        let base = self is XMLDocument ? "//" : ".//"
        return ((try? nodes(forXPath: "\(base)*[local-name()='\(name)'\(predicate)]")) ?? []).compactMap { $0 as? XMLElement }
    }

    /// The text of every `<text>` below this node.
    var texts: [String] { elements("text").map { $0.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" } }
}

extension XMLElement {
    /// The attribute's value; `attribute(forName:)` misses attributes of namespaced elements on Linux.
    func attribute(_ name: String) -> String? {
        attributes?.first { $0.name == name }?.stringValue
    }
}

/// A deterministic pseudo-random sequence for building fixtures.
struct Generator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Uniform in 0..<1.
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

enum Fixture {
    /// Losses decaying from about 0.7, accuracies rising to `final`, with a little noise.
    static func run(_ label: String, epochs: Int = 60, rate: Double = 0.08, final: Double = 0.95, seed: UInt64 = 1, validation: Bool = true)
        -> LearningCurveRun
    {
        var random = Generator(seed: seed)
        func curve(_ gap: Double, _ f: (Double) -> Double) -> [CurvePoint] {
            (1...epochs).map { epoch in
                CurvePoint(epoch: Double(epoch), value: f(Double(epoch)) * (1 + gap) + (random.next() - 0.5) * 0.01)
            }
        }
        let loss = { (epoch: Double) in 0.69 * exp(-rate * epoch) + 0.02 }
        let accuracy = { (epoch: Double) in 0.5 + (final - 0.5) * (1 - exp(-rate * epoch)) }
        return LearningCurveRun(
            label: label, trainLoss: curve(0, loss), validationLoss: validation ? curve(0.15, loss) : [],
            trainAccuracy: curve(0, accuracy), validationAccuracy: validation ? curve(-0.03, accuracy) : []
        )
    }

    /// Two noisy concentric classes: +1 inside radius 1, −1 in a ring around it.
    static func circlePoints(count: Int = 80, seed: UInt64 = 7) -> [LabeledPoint] {
        var random = Generator(seed: seed)
        return (0..<count).map { index in
            let inside = index % 2 == 0
            let radius = inside ? 0.9 * random.next() : 1.2 + 0.8 * random.next()
            let angle = 2 * Double.pi * random.next()
            let point = (x: radius * cos(angle), y: radius * sin(angle))
            return LabeledPoint(
                x: point.x, y: point.y, label: inside ? 1 : -1,
                misclassified: circleOutput(point.x, point.y) >= 0 ? !inside : inside
            )
        }
    }

    /// A smooth stand-in for a trained network on the circle data: positive inside radius ≈ 1.1.
    static func circleOutput(_ x: Double, _ y: Double) -> Double {
        3 * tanh(1.2 - (x * x + 0.8 * y * y) + 0.3 * sin(3 * x))
    }

    static func sweep(rates: [Double] = [0.001, 0.01, 0.1, 1], hidden: [Int] = [2, 8, 32]) -> [SweepPoint] {
        hidden.flatMap { units in
            rates.map { rate in
                let error = 0.05 + 0.4 * exp(-rate * 30) / Double(units).squareRoot() + (rate >= 1 ? 0.2 : 0)
                return SweepPoint(x: rate, series: "\(units)", mean: error, std: error * 0.2, count: 5)
            }
        }
    }
}
