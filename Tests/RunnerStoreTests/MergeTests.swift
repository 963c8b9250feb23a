import Foundation
import Testing
@testable import RunnerStore

@Suite("Merging")
struct MergeTests {
    @Test("a merged run keeps its instant, or takes the first millisecond after it that no run of the target has")
    func creationInstants() throws {
        // Given a target with runs at T, T+1, T+2 and T+4 ms, and a source with runs at T, T+1, T+3 and T+10 ms
        let folder = TemporaryFolder()
        let instant = { (milliseconds: Double) in Date(timeIntervalSince1970: 1_800_000_000 + milliseconds / 1000) }
        let target = try ExperimentStore(path: folder.file("target.sqlite"))
        for (seed, milliseconds) in [0.0, 1, 2, 4].enumerated() {
            try target.startRun(sampleRun(seed: seed), at: instant(milliseconds))
        }
        let source = try ExperimentStore(path: folder.file("source.sqlite"))
        var copied: [String] = []
        for (seed, milliseconds) in [0.0, 1, 3, 10].enumerated() {
            copied.append(try source.startRun(sampleRun(seed: 10 + seed), at: instant(milliseconds)).id)
        }
        source.close()

        // When the source is merged into the target
        #expect(try target.merge(from: folder.file("source.sqlite")).added == 4)

        // Then, taken in the order they were created, they land on T+3, T+5, T+6 and T+10 ms
        let stamps = try rawConnection(folder.file("target.sqlite")).read { db in
            try copied.map { id in try String.fetchOne(db, sql: "SELECT created_at FROM runs WHERE id = ?", arguments: [id]) }
        }
        #expect(stamps == [3.0, 5, 6, 10].map { Timestamp.string(from: instant($0)) })
    }
}
