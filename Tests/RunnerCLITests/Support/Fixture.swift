import Foundation
import Testing

/// A database with a 4-run sweep (group "grid": hidden 2, 3 × seeds 1, 2; 3 epochs)
/// and a lone run ("solo": h 4, 5 epochs), made once and copied into each test's sandbox.
enum Fixture {
    private static let template: Result<Data, any Error> = Result {
        let sandbox = try Sandbox()
        let grid = try sandbox.spec("grid", Spec.small(name: "grid", epochs: "3", hidden: "[2, 3]", seed: "[1, 2]"))
        let solo = try sandbox.spec("solo")
        let result = try RunnerProcess.run(["run", grid, solo, "--quiet"], in: sandbox.url, timeout: 60)
        guard result.status == 0, let data = sandbox.contents("runner.db") else {
            throw FixtureError(description: "the fixture runs failed: \(result)")
        }
        #expect(sandbox.contents("runner.db-wal") == nil, "the WAL is checkpointed when runner ends")
        return data
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    /// A new sandbox holding a copy of the fixture database as runner.db.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try template.get().write(to: sandbox.database)
        return sandbox
    }
}

/// What the fixture database holds, read with sqlite3.
struct FixtureRuns {
    /// id, short id, name, group, hidden, seed — newest first.
    let rows: [[String]]

    init(_ sandbox: Sandbox) throws {
        rows = try sandbox.sqlite("SELECT id, short_id, name, group_name, hidden_units, seed FROM runs ORDER BY created_at DESC, rowid DESC")
        #expect(rows.count == 5)
    }

    var ids: [String] { rows.map { $0[0] } }
    var shortIDs: [String] { rows.map { $0[1] } }
    var grid: [[String]] { rows.filter { $0[3] == "grid" } }
    var solo: [String] { rows.first { $0[3] == "solo" }! }
}
