import Foundation
import TextTable

/// How commands print rows of data.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns for reading in a terminal.
    case table
    /// RFC 4180 CSV with a header row.
    case csv
    /// A JSON array with one object per row; numbers stay numbers, empty cells are null.
    case json
    /// A GitHub-flavoured Markdown table.
    case markdown
}

/// One cell of a table: its text, and whether it is a number (right-aligned, unquoted in JSON).
public struct Cell: Equatable, Sendable, ExpressibleByStringLiteral {
    /// The text people read in a table or Markdown.
    public var text: String
    public var isNumber: Bool
    /// The text CSV and JSON carry: for numbers, every digit of the value.
    public var machineText: String
    /// True for a missing value: printed empty, `null` in JSON.
    public var isEmpty: Bool { text.isEmpty }

    public init(_ text: String, isNumber: Bool = false, machineText: String? = nil) {
        self.text = text
        self.isNumber = isNumber
        self.machineText = machineText ?? text
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A number shown with `format` in tables and in full (the shortest text
    /// that reads back as the same value) in CSV and JSON; empty for nil.
    public static func number<Value>(_ value: Value?, _ format: (Value) -> String) -> Cell {
        guard let value else { return Cell("") }
        return Cell(format(value), isNumber: true, machineText: "\(value)")
    }
}

/// Rows under named columns: the one shape every listing command prints,
/// through one code path for every format.
public struct Table: Equatable, Sendable {
    public var headers: [String]
    public var rows: [[Cell]]

    public init(headers: [String], rows: [[Cell]]) {
        precondition(rows.allSatisfy { $0.count == headers.count }, "every row needs one cell per column")
        self.headers = headers
        self.rows = rows
    }

    /// The table in `format`, ending with a newline.
    ///
    /// Text tables use TextTable (its `simple` and `pipe` styles); CSV quoting
    /// and JSON are small enough to write here.
    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: textTable(style: Style.simple)
        case .markdown: textTable(style: Style.pipe)
        case .csv: csv()
        case .json: json()
        }
    }

    private func textTable(style: TextTableStyle.Type) -> String {
        let numeric = headers.indices.map { column in
            rows.contains { $0[column].isNumber } && rows.allSatisfy { $0[column].isNumber || $0[column].isEmpty }
        }
        let table = TextTable<[Cell]> { row in
            headers.indices.map { column in
                Column(title: headers[column], value: row[column].text, align: numeric[column] ? .right : .left)
            }
        }
        // TextTable pads the last column and ends with a blank line; neither is wanted in a terminal.
        let lines = (table.string(for: rows, style: style) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacing(/\ +$/, with: "") }
        return lines.reversed().drop { $0.isEmpty }.reversed().joined(separator: "\n") + "\n"
    }

    private func csv() -> String {
        ([headers] + rows.map { $0.map(\.machineText) }).map(Self.csvLine).joined(separator: "\n") + "\n"
    }

    /// One CSV line (without its newline) of `fields`, quoted where needed.
    static func csvLine(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",")
    }

    private static func csvField(_ text: String) -> String {
        // Plain ASCII without a comma, quote or line break is most fields: checked byte by byte.
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "\"") }
        guard !plain, text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func json() -> String {
        let objects = rows.map { Self.jsonObject(headers: headers, row: $0) }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// One row as an indented JSON object, without separator or newline.
    static func jsonObject(headers: [String], row: [Cell]) -> String {
        "  {" + zip(headers, row).map { header, cell in
            "\(quoted(header)): \(cell.isEmpty ? "null" : cell.isNumber && isJSONNumber(cell.machineText) ? cell.machineText : quoted(cell.machineText))"
        }.joined(separator: ", ") + "}"
    }
}

/// Whether a number cell's text can stand in JSON as it is: JSON has no
/// infinity or NaN, so "inf", "-inf" and "nan" (a diverged loss, `1e999` in a
/// query) are written as strings instead of making the document invalid.
func isJSONNumber(_ text: String) -> Bool {
    guard let value = Double(text), value.isFinite else { return false }
    return text.allSatisfy { $0.isNumber || "+-.eE".contains($0) }
}
