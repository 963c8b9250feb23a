/// Rows written in a format as they arrive, for results too large to hold (`runner query`).
///
/// Memory stays constant: CSV and JSON go out row by row, a text or Markdown table in
/// blocks of `tableBlock` rows, whose column widths the first block sets (a wider cell later
/// widens only its own block). The text is the same as `Table.rendered(as:)` gives for the
/// same rows, whenever the first block holds the widest cells.
public final class RowStream {
    private let headers: [String]
    private let format: OutputFormat
    private let output: (String) -> Bool
    /// Rows of a text or Markdown table not written yet.
    private var heldRows: [[Cell]] = []
    /// The column widths the first block of a table set, once it is written.
    private var widths: [Int]?
    /// How many rows of a table are rendered together.
    static let tableBlock = 1_000
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
            if heldRows.count == Self.tableBlock { pending += tableBlockText() }
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
            if widths == nil || !heldRows.isEmpty { pending += tableBlockText() }
        }
        _ = flush()
    }

    /// The held rows as lines of the table: with its header for the first block; later
    /// blocks get headers padded to the first block's widths, so that their columns line
    /// up, and leave out the header lines.
    private func tableBlockText() -> String {
        defer { heldRows.removeAll(keepingCapacity: true) }
        guard let widths else {
            widths = headers.indices.map { column in heldRows.reduce(headers[column].count) { max($0, $1[column].text.count) } }
            return Table(headers: headers, rows: heldRows).rendered(as: format)
        }
        let padded = zip(headers, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }
        let lines = Table(headers: padded, rows: heldRows).rendered(as: format).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.dropFirst(2).joined(separator: "\n")
    }

    /// Hands the pending text to `output`; whether it was taken.
    private func flush() -> Bool {
        defer { pending = "" }
        return pending.isEmpty || output(pending)
    }
}
