import Crypto
import Foundation

/// One numbered schema change, the text of a `migrations/NNNN_name.sql` file.
struct Migration: Sendable, Equatable {
    /// The number in the file name, e.g. 1 for `0001_initial_schema.sql`.
    let version: Int
    /// The file name without number and extension, e.g. `initial_schema`.
    let name: String
    /// The exact text of the file.
    let sql: String

    /// The SHA-256 of the file text in lowercase hex, as `sha256sum` prints it.
    var checksum: String { sha256Hex(sql) }

    /// Whether a database without this migration reads as one with it: the migration changes
    /// only how a rule is checked, not what the tables hold (0009). Read commands and merge
    /// take a file that lacks only such migrations as it is.
    var readsAsBefore: Bool { Self.readingUnchanged.contains(version) }

    private static let readingUnchanged: Set<Int> = [9]
}

/// The SHA-256 of the UTF-8 bytes of `text`, in lowercase hex.
func sha256Hex(_ text: String) -> String {
    sha256Hex(bytes: Data(text.utf8))
}

/// The SHA-256 of `bytes` in lowercase hex, as `sha256sum` prints it: how runner names
/// contents (data sets, spec sources, start weights files).
public func sha256Hex(bytes: some DataProtocol) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: SHA256.hash(data: bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
}
