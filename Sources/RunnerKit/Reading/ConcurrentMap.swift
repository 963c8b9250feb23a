import Foundation

extension Array where Element: Sendable {
    /// `map(transform)` on every core this process may use, in contiguous chunks of at least
    /// `minimumChunk` elements; the results in order, the same as `map` gives. For pure,
    /// costly transforms over many elements, such as reading the specs of 10,000 runs.
    func concurrentMap<Result: Sendable>(minimumChunk: Int = 256, _ transform: @Sendable (Element) -> Result) -> [Result] {
        let chunks = Swift.min(count / Swift.max(1, minimumChunk), ProcessorAffinity.availableCores * 4)
        guard chunks > 1 else { return map(transform) }
        // Each chunk writes its own part of one buffer: no parts to join, no second copy.
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            let results = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    (results.base + index).initialize(to: transform(self[index]))
                }
            }
            initialized = count
        }
    }
}

/// The start of a buffer whose disjoint parts threads fill at once.
private struct SendableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
