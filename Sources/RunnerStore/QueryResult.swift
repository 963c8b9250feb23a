import Foundation

/// The outcome of a read-only SQL query: column names and rows of typed values.
public struct QueryResult: Sendable, Equatable {
    /// Column names, in order.
    public var columns: [String]
    /// Rows, each with one value per column.
    public var rows: [[QueryValue]]
}

/// One SQLite value, with its storage class.
public enum QueryValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// The value as the `sqlite3` shell prints it (empty for NULL).
    public var description: String {
        switch self {
        case .null: ""
        case let .integer(value): String(value)
        case let .real(value): String(value)
        case let .text(value): value
        case let .blob(value): "<\(value.count) bytes>"
        }
    }
}
