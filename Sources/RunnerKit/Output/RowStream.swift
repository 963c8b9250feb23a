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
    /// Text not yet handed to `output`: rows go out in blocks of about 64 kB, not one write each.
    private var pending = ""

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
            if rowCount == 0 { pending += Table.csvLine(headers) + "\n" }
            pending += Table.csvLine(row.map(\.machineText)) + "\n"
        case .json:
            pending += (rowCount == 0 ? "[\n" : ",\n") + Table.jsonObject(headers: headers, row: row)
        case .table, .markdown:
            heldRows.append(row)
        }
        return pending.utf8.count < 1 << 16 || flush()
    }

    /// Writes what is still to come: the closing bracket, or the whole table.
    public func finish() {
        switch format {
        case .csv:
            if rowCount == 0 { pending += Table.csvLine(headers) + "\n" }
        case .json:
            pending += rowCount == 0 ? "[]\n" : "\n]\n"
        case .table, .markdown:
            pending += Table(headers: headers, rows: heldRows).rendered(as: format)
        }
        _ = flush()
    }

    /// Hands the pending text to `output`; whether it was taken.
    private func flush() -> Bool {
        defer { pending = "" }
        return pending.isEmpty || output(pending)
    }
}
