import Foundation
import Testing
@testable import RunnerStore

@Suite("Reading many runs at once")
struct BulkReadingTests {
    @Test("comparison facts, training bests, epoch spreads and counts come from a few queries with exact values")
    func bulk() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let a = try store.startRun(sampleRun(name: "a", seed: 1))
        let b = try store.startRun(sampleRun(name: "b", group: "other", seed: 2))
        for epoch in 1...3 { try store.recordEpoch(sampleEpoch(epoch, runID: a.id)) }
        try store.recordEpoch(EpochRecord(
            runID: b.id, epoch: 1, trainLoss: 0.25, trainAccuracy: 0.75, validationLoss: nil, validationAccuracy: nil, elapsedSeconds: 0.1))

        let facts = try store.comparisonFacts(of: [a.id, b.id])
        #expect(facts[b.id]?.specJSON.contains("\"seed\":2") == true)
        #expect(facts[a.id]?.specHash.count == 64)
        let summaries = try store.summaries(of: [a.id, b.id])
        #expect(summaries[0].lowestTrainLoss == 1.0 / 3 && summaries[0].bestTrainAccuracy == 0.5 + 0.004 * 3)
        #expect(summaries[1].lowestTrainLoss == 0.25 && summaries[1].bestTrainAccuracy == 0.75)

        let spreads = try store.epochSpreads(of: [a.id, b.id])
        #expect(spreads.map(\.epoch) == [1, 2, 3])
        #expect(spreads[0].trainLoss == EpochSpread.Spread(mean: (1 + 0.25) / 2, low: 0.25, high: 1))
        // Validation is averaged over the runs that recorded it: run a alone.
        #expect(spreads[0].validationLoss == EpochSpread.Spread(mean: 1.1, low: 1.1, high: 1.1))
        #expect(spreads[2].trainAccuracy == EpochSpread.Spread(mean: 0.5 + 0.004 * 3, low: 0.5 + 0.004 * 3, high: 0.5 + 0.004 * 3))
        #expect(try store.epochSpreads(of: []).isEmpty)

        #expect(try store.countRuns() == 2)
        #expect(try store.countRuns(matching: RunFilter(groups: ["other"], limit: 1)) == 1)
        #expect(try store.countRuns(matching: RunFilter(texts: ["zzz"])) == 0)
    }

    @Test("summaries of runs named by id or prefix come in the order named, past a batch of 500")
    func summariesInOrderNamed() throws {
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let ids = try (0..<700).map { try store.startRun(sampleRun(name: "r\($0)", seed: $0)).id }
        var order = Array(ids.indices)
        var random = SystemRandomNumberGenerator()
        order.shuffle(using: &random)
        let references = order.map { $0.isMultiple(of: 2) ? ids[$0] : String(ids[$0].prefix(8)) }
        #expect(try store.summaries(of: references).map(\.name) == order.map { "r\($0)" })
        #expect(throws: StoreError.runNotFound(reference: "ffff0000")) { try store.summaries(of: [ids[0], "ffff0000"]) }
    }

    @Test("an epoch's mean over runs has the same bits whatever order the runs were made in")
    func spreadsIgnoreOrder() throws {
        // Summed left to right, these give a different last digit in different orders.
        let losses = [0.5011111111111111, 0.1, 0.7, 0.30000000000000004, 1e-17, 0.6666666666666666, 0.2]
        let orders = [losses, losses.reversed()] + (0..<6).map { _ in losses.shuffled() }
        let sums: [Double] = orders.map { $0.reduce(0, +) }
        #expect(Set(sums.map(\.bitPattern)).count > 1, "the orders tell the sums apart")
        let means = try orders.map { order -> Double in
            let folder = TemporaryFolder()
            let store = try ExperimentStore(path: folder.file())
            let ids = try order.enumerated().map { index, loss in
                let run = try store.startRun(sampleRun(name: "r\(index)", seed: index))
                try store.recordEpoch(EpochRecord(
                    runID: run.id, epoch: 1, trainLoss: loss, trainAccuracy: 0.5, validationLoss: nil, validationAccuracy: nil, elapsedSeconds: 0.1))
                return run.id
            }
            return try #require(store.epochSpreads(of: ids).first?.trainLoss?.mean)
        }
        let sortedSum: Double = losses.sorted().reduce(0, +)
        #expect(Set(means.map(\.bitPattern)) == [(sortedSum / 7).bitPattern])
    }
}
