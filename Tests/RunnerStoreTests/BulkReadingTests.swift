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
        #expect(try store.countRuns(matching: RunFilter(text: "zzz")) == 0)
    }
}
