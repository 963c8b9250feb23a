/// Rows written in a format as they arrive, for results too large to hold (`runner query`).
///
/// CSV and JSON go out row by row, so memory stays constant; a text or Markdown table
/// needs the width of every cell before its first line, so it is written whole by `finish`.
/// The text is the same as `Table.rendered(as:)` gives for the same rows.
public final class RowStream {
    private let headers: [String]
    private let format: OutputFormat
    private let output: (String) -> Bool
    private var heldRows: [[Cell]] = []
    private var rowCount = 0

    /// `output` writes text and returns false once nobody reads it any more.
    public init(headers: [String], format: OutputFormat, output: @escaping (String) -> Bool) {
        self.headers = headers
        self.format = format
        self.output = output
    }

    /// Adds a row; false when the output is closed and further rows would be lost.
    public func append(_ row: [Cell]) -> Bool {
        defer { rowCount += 1 }
        switch format {
        case .csv:
            return (rowCount > 0 || output(Table.csvLine(headers) + "\n")) && output(Table.csvLine(row.map(\.machineText)) + "\n")
        case .json:
            return output((rowCount == 0 ? "[\n" : ",\n") + Table.jsonObject(headers: headers, row: row))
        case .table, .markdown:
            heldRows.append(row)
            return true
        }
    }

    /// Writes what is still to come: the closing bracket, or the whole table.
    public func finish() {
        switch format {
        case .csv:
            if rowCount == 0 { _ = output(Table.csvLine(headers) + "\n") }
        case .json:
            _ = output(rowCount == 0 ? "[]\n" : "\n]\n")
        case .table, .markdown:
            _ = output(Table(headers: headers, rows: heldRows).rendered(as: format))
        }
    }
}
