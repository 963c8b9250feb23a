import Foundation

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
    /// Text tables and Markdown are padded here, in time linear in the output's
    /// length however wide a cell is; CSV quoting and JSON are small enough too.
    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: textTable(markdown: false)
        case .markdown: textTable(markdown: true)
        case .csv: csv()
        case .json: json()
        }
    }

    /// Aligned columns separated by one space under a dashed rule, or a
    /// GitHub-flavoured pipe table; number columns are right-aligned. Lines
    /// carry no trailing spaces.
    private func textTable(markdown: Bool) -> String {
        let numeric = headers.indices.map { column in
            rows.contains { $0[column].isNumber } && rows.allSatisfy { $0[column].isNumber || $0[column].isEmpty }
        }
        let widths = columnWidths
        var output = ""
        func line(_ texts: [String]) {
            let cells = zip(texts, headers.indices).map { text, column in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return numeric[column] ? padding + text : text + padding
            }
            if markdown {
                output += "| " + cells.joined(separator: " | ") + " |\n"
            } else {
                let joined = cells.joined(separator: " ")
                var end = joined.endIndex
                while end > joined.startIndex, joined[joined.index(before: end)] == " " { end = joined.index(before: end) }
                output += joined[..<end] + "\n"
            }
        }
        line(headers)
        if markdown {
            output += "|" + headers.indices.map { column in
                let dashes = String(repeating: "-", count: max(widths[column], 3) + 1)
                return numeric[column] ? dashes + ":" : ":" + dashes
            }.joined(separator: "|") + "|\n"
        } else {
            output += widths.map { String(repeating: "-", count: $0) }.joined(separator: " ") + "\n"
        }
        for row in rows {
            line(row.map(\.text))
        }
        return output
    }

    /// The width of each column as `rendered(as: .table)` prints it.
    private var columnWidths: [Int] {
        headers.indices.map { column in
            rows.reduce(headers[column].count) { max($0, $1[column].text.count) }
        }
    }

    /// The table narrowed to at most `width` characters a line where it can be:
    /// each of the `flexible` columns (names, which repeat what other columns
    /// say), in turn, is cut with "…" down to `minimumWidth` characters, then left
    /// out. Other columns, and every number, keep their full text.
    public func fitted(toWidth width: Int, flexible: [String] = ["name", "group"], minimumWidth: Int = 12) -> Table {
        var table = self
        for name in flexible {
            let widths = table.columnWidths
            let excess = widths.reduce(widths.count - 1, +) - width
            guard excess > 0 else { break }
            guard let column = table.headers.firstIndex(of: name) else { continue }
            let target = widths[column] - excess
            if target >= max(minimumWidth, name.count) {
                for row in table.rows.indices where table.rows[row][column].text.count > target {
                    table.rows[row][column] = Cell(String(table.rows[row][column].text.prefix(target - 1)) + "…")
                }
            } else {
                table.headers.remove(at: column)
                for row in table.rows.indices { table.rows[row].remove(at: column) }
            }
        }
        return table
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
