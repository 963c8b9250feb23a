import Foundation
import Testing
@testable import RunnerStore

@Suite("Bad paths")
struct BadPathTests {
    @Test("a file that is not SQLite is refused and left untouched")
    func notSQLite() throws {
        // Given a text file
        let folder = TemporaryFolder()
        let path = folder.file("notes.txt")
        try "epoch,loss\n1,0.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let before = bytes(path)
        // When it is opened either way
        for access in [ExperimentStore.Access.readWrite, .readOnly] {
            let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: access) }
            // Then the error says what and where, and the file is unchanged
            guard case .notADatabase(path, _) = error else { Issue.record("unexpected \(String(describing: error))"); continue }
            #expect(error?.description.contains("not a usable SQLite database") == true)
        }
        #expect(bytes(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test("a damaged database is refused and left untouched")
    func corrupt() throws {
        // Given a store file whose pages after the header were overwritten
        let folder = TemporaryFolder()
        let path = folder.file()
        _ = try ExperimentStore(path: path).startRun(sampleRun())
        var damaged = bytes(path)
        damaged.replaceSubrange(100..<damaged.count, with: Data(repeating: 0xA5, count: damaged.count - 100))
        try damaged.write(to: URL(fileURLWithPath: path))
        // When it is opened
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path) }
        // Then it is reported as unusable, and unchanged
        guard case .notADatabase = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(bytes(path) == damaged)
    }

    @Test("a folder that does not exist is named in the error and not created")
    func missingFolder() throws {
        let folder = TemporaryFolder()
        let path = folder.file("nope/runs.sqlite")
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path) }
        #expect(error == .missingFolder(path: path))
        #expect(error?.description.contains("\(folder.path)/nope") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("nope")))
    }

    @Test("a read-only file cannot be opened for writing, but can be read, and is unchanged")
    func readOnlyFile() throws {
        // Given a database made read-only with chmod 444
        let folder = TemporaryFolder()
        let path = folder.file()
        let run = try ExperimentStore(path: path).startRun(sampleRun())
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = bytes(path)
        // When it is opened for writing, then for reading
        #expect(throws: StoreError.readOnlyFile(path: path)) { try ExperimentStore(path: path) }
        let reader = try ExperimentStore(path: path, access: .readOnly)
        // Then reading works, writing through it is refused, and the bytes did not change
        #expect(try reader.run(run.shortID).id == run.id)
        #expect(throws: StoreError.openedReadOnly(path: path)) { try reader.heartbeat(runID: run.id) }
        #expect(bytes(path) == before)
    }

    @Test("opening a missing database read-only does not create it")
    func noDatabase() throws {
        let folder = TemporaryFolder()
        let path = folder.file()
        let error = #expect(throws: StoreError.self) { try ExperimentStore(path: path, access: .readOnly) }
        #expect(error?.description == "no database at \(path) (run `runner run` to create one)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
