import Foundation
import GRDB

/// A spec file as it was when runs were started from it (a row of `spec_sources`):
/// enough to find the way back to it, or to read it again when it is gone.
public struct StoredSpecSource: Sendable, Equatable {
    /// The file's absolute path.
    public let path: String
    /// The file's text as written, before validation filled in defaults.
    public let text: String
    /// The `--set path=value` arguments given with it, in order.
    public let overrides: [String]
    /// The commit checked out in the git work tree holding the file, if it is in one.
    public let gitCommit: String?
    /// Whether that work tree had uncommitted changes (or the file itself was not committed); nil outside git.
    public let gitDirty: Bool?
    /// The overrides as the JSON array the `overrides` column holds.
    let overridesJSON: String
    /// The row's id: the SHA-256 of path, text, overrides, commit and dirty flag, one per line
    /// (an empty line for a missing commit), so the same source always gets the same id.
    /// Computed once: every run of a sweep is claimed with it.
    let id: String

    public init(path: String, text: String, overrides: [String] = [], gitCommit: String? = nil, gitDirty: Bool? = nil) {
        self.path = path
        self.text = text
        self.overrides = overrides
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        overridesJSON = jsonText(overrides)
        id = sha256Hex([path, overridesJSON, gitCommit ?? "", gitDirty.map { $0 ? "1" : "0" } ?? "", text].joined(separator: "\n"))
    }
}

extension ExperimentStore {
    /// Inserts `source` unless it is stored already; returns its id.
    func insert(_ source: StoredSpecSource, _ db: Database) throws -> String {
        let id = source.id
        try db.cachedStatement(sql: """
            INSERT INTO spec_sources (id, path, text, overrides, git_commit, git_dirty) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """).execute(
            arguments: [id, source.path, source.text, source.overridesJSON, source.gitCommit, source.gitDirty])
        return id
    }

    /// The spec file run `reference` came from, or nil for runs recorded before sources were stored.
    public func specSource(of reference: String) throws(StoreError) -> StoredSpecSource? {
        try read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT s.* FROM spec_sources s JOIN runs r ON r.spec_source_id = s.id WHERE r.id = ?",
                arguments: [resolve(reference, db)])
            else { return nil }
            let overrides = try JSONDecoder().decode([String].self, from: Data((row["overrides"] as String).utf8))
            return StoredSpecSource(
                path: row["path"], text: row["text"], overrides: overrides,
                gitCommit: row["git_commit"], gitDirty: row["git_dirty"])
        }
    }
}
