import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `map(transform)` on every core this process may use, in contiguous chunks of at least
    /// `minimumChunk` elements; the results in order, the same as `map` gives. For pure,
    /// costly transforms over many elements, such as reading the specs of 10,000 runs.
    func concurrentMap<Result: Sendable>(minimumChunk: Int = 256, _ transform: @Sendable (Element) -> Result) -> [Result] {
        let chunks = Swift.min(count / Swift.max(1, minimumChunk), ProcessorAffinity.availableCores * 4)
        guard chunks > 1 else { return map(transform) }
        let parts = Mutex([[Result]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = self[(count * chunk / chunks)..<(count * (chunk + 1) / chunks)].map(transform)
            parts.withLock { $0[chunk] = part }
        }
        return parts.withLock { $0.flatMap { $0 } }
    }
}
