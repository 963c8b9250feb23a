import Foundation
import Testing
@testable import RunnerStore

@Suite("Reading runs")
struct ReadingTests {
    /// A store with three runs in two groups, created one minute apart, oldest first.
    private func storeWithRuns(_ folder: TemporaryFolder) throws -> (ExperimentStore, [RunIdentity]) {
        let store = try ExperimentStore(path: folder.file())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let runs = try [
            store.startRun(sampleRun(name: "moons-h4", group: "width", hiddenUnits: 4), at: start),
            store.startRun(sampleRun(name: "moons-h16", group: "width", hiddenUnits: 16), at: start + 60),
            store.startRun(sampleRun(name: "lr-probe", group: "rates", learningRate: 0.5), at: start + 120),
        ]
        try store.finishRun(id: runs[0].id, outcome: .completed, metrics: FinalMetrics(trainLoss: 0.2, trainAccuracy: 0.9), weights: [])
        return (store, runs)
    }

    @Test("runs are listed newest first and filtered by status, text, group and limit")
    func listing() throws {
        // Given three runs
        let folder = TemporaryFolder()
        let (store, runs) = try storeWithRuns(folder)
        // Then each filter selects the expected ones, newest first
        #expect(try store.runs().map(\.id) == runs.reversed().map(\.id))
        #expect(try store.runs(matching: RunFilter(statuses: [.running])).map(\.id) == [runs[2].id, runs[1].id])
        #expect(try store.runs(matching: RunFilter(texts: ["MOONS"])).map(\.id) == [runs[1].id, runs[0].id])
        #expect(try store.runs(matching: RunFilter(texts: ["rat"])).map(\.id) == [runs[2].id])
        #expect(try store.runs(matching: RunFilter(texts: ["moons_h"])).isEmpty)
        #expect(try store.runs(matching: RunFilter(texts: ["%"])).isEmpty)
        #expect(try store.runs(matching: RunFilter(texts: ["rat", "MOONS"])).map(\.id) == runs.reversed().map(\.id), "any of the texts")
        #expect(try store.runs(matching: RunFilter(statuses: [.running], texts: ["rat", "MOONS"])).map(\.id) == [runs[2].id, runs[1].id], "and the other filters")
        #expect(try store.runs(inGroup: "width").map(\.id) == [runs[1].id, runs[0].id])
        #expect(try store.runs(inGroup: "widt").isEmpty)
        #expect(try store.runs(matching: RunFilter(limit: 1)).map(\.id) == [runs[2].id])
    }

    @Test("runs started within one millisecond still list in insertion order")
    func sameMillisecond() throws {
        // Given five runs started at the very same instant
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let instant = Date(timeIntervalSince1970: 1_795_000_000.123)
        let runs = try (0..<5).map { try store.startRun(sampleRun(name: "fast-\($0)", seed: $0), at: instant) }
        // Then their created_at values are distinct, 1 ms apart, and the listing is newest first
        let stamps = try store.runs().compactMap(\.createdAt)
        #expect(try store.runs().map(\.id) == runs.reversed().map(\.id))
        #expect(Set(stamps).count == 5)
        #expect(abs(stamps[0].timeIntervalSince(stamps[4]) - 0.004) < 1e-6)
    }

    @Test("a run is found by full id, short id or any unique 4+ character prefix, in any case")
    func resolvesReferences() throws {
        // Given three runs
        let folder = TemporaryFolder()
        let (store, runs) = try storeWithRuns(folder)
        let id = runs[1].id
        // Then every unique spelling finds the same run
        for reference in [id, runs[1].shortID, String(id.prefix(6)), id.uppercased()] {
            #expect(try store.run(reference).id == id)
        }
        // And bad references say why
        #expect(throws: StoreError.referenceTooShort(reference: "abc")) { try store.run("abc") }
        #expect(throws: StoreError.runNotFound(reference: "zzzz")) { try store.run("zzzz") }
    }

    @Test("an ambiguous prefix lists the candidates")
    func ambiguousPrefix() throws {
        // Given two runs whose ids share their first 4 characters
        let folder = TemporaryFolder()
        let path = folder.file()
        let store = try ExperimentStore(path: path)
        let first = try store.startRun(sampleRun(name: "a"))
        try store.startRun(sampleRun(name: "b"))
        let other = String(first.id.prefix(4)) + "ffff-0000-4000-8000-000000000000"
        try rawConnection(path).write { db in
            try db.execute(
                sql: "UPDATE runs SET id = ?, short_id = substr(?, 1, 8) WHERE name = 'b'",
                arguments: [other, other])
        }
        // When the common prefix is used
        let error = #expect(throws: StoreError.self) { try store.run(String(first.id.prefix(4))) }
        // Then the error names both runs
        #expect(error == .ambiguousRunReference(reference: String(first.id.prefix(4)), candidates: [first.id, other].sorted()))
        #expect(error?.description.contains(other) == true)
    }

    @Test("the summary reports the best validation epoch, lowest loss and epoch count")
    func summaryView() throws {
        // Given a run whose validation accuracy peaks at epoch 2
        let folder = TemporaryFolder()
        let store = try ExperimentStore(path: folder.file())
        let run = try store.startRun(sampleRun())
        let accuracies = [0.6, 0.9, 0.8, 0.9]
        let losses = [0.7, 0.3, 0.2, 0.25]
        for (index, (accuracy, loss)) in zip(accuracies, losses).enumerated() {
            try store.recordEpoch(EpochRecord(
                runID: run.id, epoch: index + 1, trainLoss: loss, trainAccuracy: accuracy,
                validationLoss: loss, validationAccuracy: accuracy, elapsedSeconds: Double(index)))
        }
        // When its summary is read for comparison
        let summary = try #require(try store.summaries(of: [run.shortID]).first)
        // Then the view derived the numbers from the epochs
        #expect(summary.bestValidationAccuracy == 0.9)
        #expect(summary.bestValidationEpoch == 2)
        #expect(summary.lowestValidationLoss == 0.2)
        #expect(summary.epochsCompleted == 4)
        #expect(summary.hyperparameters.hiddenUnits == 8)
    }
}
