import Foundation
import GRDB

/// A label on a run (a row of `run_tags`): `key=value`, at most one value per key.
public struct RunTag: Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Reads `key=value`: the key is everything before the first `=`; neither may be empty,
    /// and the key has no spaces.
    public init(parsing text: String) throws(TagError) {
        guard let equals = text.firstIndex(of: "=") else { throw .missingEquals(text) }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        try Self.check(key: key)
        guard !value.isEmpty else { throw .emptyValue(text) }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .controlCharacters(text)
        }
        self.init(key: key, value: value)
    }

    /// Throws unless `key` can name a tag: not empty, no `=`, no spaces or control characters.
    public static func check(key: String) throws(TagError) {
        guard !key.isEmpty, !key.contains("="),
              !key.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else { throw .invalidKey(key) }
    }

    public var description: String { "\(key)=\(value)" }
}

/// A tag argument that cannot be used, with how to write it.
public enum TagError: Error, Equatable, CustomStringConvertible {
    case missingEquals(String)
    case emptyValue(String)
    case invalidKey(String)
    case controlCharacters(String)

    public var description: String {
        switch self {
        case .missingEquals(let text):
            "'\(text)' is not a tag: write key=value, e.g. baseline=yes"
        case .emptyValue(let text):
            "'\(text)' has no value after '='; write key=value, or remove the tag with --remove \(text.dropLast())"
        case .invalidKey(let key):
            "'\(key)' cannot be a tag key: it needs at least one character and no '=', spaces or control characters"
        case .controlCharacters(let text):
            "'\(text)': a tag value must be one line without control characters"
        }
    }
}

extension ExperimentStore {
    /// Sets `tags` on every referenced run in one transaction, replacing the values of keys
    /// they already have. Every reference must name a run, or nothing changes.
    ///
    /// - Returns: How many runs were tagged (references to one run count once).
    @discardableResult
    public func setTags(_ tags: [RunTag], on references: [String]) throws(StoreError) -> Int {
        try write { db in
            let ids = Set(try references.map { try resolve($0, db) })
            for id in ids {
                for tag in tags {
                    try db.execute(
                        sql: "INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
                        arguments: [id, tag.key, tag.value])
                }
            }
            return ids.count
        }
    }

    /// Removes the tags with these keys from every referenced run; returns how many there were.
    @discardableResult
    public func removeTags(_ keys: [String], from references: [String]) throws(StoreError) -> Int {
        try write { db in
            var removed = 0
            for id in try references.map({ try resolve($0, db) }) {
                for key in keys {
                    try db.execute(sql: "DELETE FROM run_tags WHERE run_id = ? AND key = ?", arguments: [id, key])
                    removed += db.changesCount
                }
            }
            return removed
        }
    }

    /// Sets (or with nil, removes) the note of the referenced run; returns the run's short id.
    @discardableResult
    public func setNote(_ note: String?, on reference: String) throws(StoreError) -> String {
        try write { db in
            let id = try resolve(reference, db)
            try db.execute(sql: "UPDATE runs SET note = ? WHERE id = ?", arguments: [note, id])
            return try String.fetchOne(db, sql: "SELECT short_id FROM runs WHERE id = ?", arguments: [id])!
        }
    }

    /// The tags of each of the runs with these full ids, sorted by key; runs without tags are left out.
    public func tags(ofRuns ids: [String]) throws(StoreError) -> [String: [RunTag]] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT run_id, key, value FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY key",
                arguments: [jsonText(ids)])
            return Dictionary(grouping: rows) { $0["run_id"] as String }
                .mapValues { $0.map { RunTag(key: $0["key"], value: $0["value"]) } }
        }
    }
}

/// `value` as JSON text, e.g. a list of strings for binding to `json_each(?)`.
func jsonText(_ value: some Encodable) -> String {
    // Only called with strings and arrays of strings, which always encode.
    String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
}
