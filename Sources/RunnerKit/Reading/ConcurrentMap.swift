import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `map(transform)` on every core this process may use, in contiguous chunks; the results
    /// in order, the same as `map` gives. For pure, costly transforms over many elements, such
    /// as reading the specs of 10,000 runs.
    func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        concurrentMap(state: {}) { _, element in transform(element) }
    }

    /// `concurrentMap`, where each chunk has a `state` of its own that `transform` may keep
    /// things in (a small cache, say), made by `makeState` before the chunk's first element.
    /// Chunks hold at least `minimumChunk` elements.
    func concurrentMap<State, Result: Sendable>(
        minimumChunk: Int = 256, state makeState: @Sendable () -> State, _ transform: @Sendable (inout State, Element) -> Result
    ) -> [Result] {
        let chunks = Swift.min(count / minimumChunk, ProcessorAffinity.availableCores * 4)
        guard chunks > 1 else {
            var state = makeState()
            return map { transform(&state, $0) }
        }
        let parts = Mutex([[Result]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var state = makeState()
            let part = self[(count * chunk / chunks)..<(count * (chunk + 1) / chunks)].map { transform(&state, $0) }
            parts.withLock { $0[chunk] = part }
        }
        return parts.withLock { $0.flatMap { $0 } }
    }
}
