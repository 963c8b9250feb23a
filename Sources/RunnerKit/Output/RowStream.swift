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
    /// The headers as JSON strings, for JSON.
    private let keys: [String]
    /// Rows of a text or Markdown table not written yet.
    private var heldRows: [[Cell]] = []
    /// The column widths the first block of a table set, once it is written.
    private var widths: [Int]?
    /// How many rows of a table are rendered together.
    static let tableBlock = 1_000
    private var rowCount = 0
    /// UTF-8 text not yet handed to `output`: rows go out in blocks of about 64 kB, not one write each.
    private var pending: [UInt8] = []

    /// `output` writes text and returns false once nobody reads it any more.
    public init(headers: [String], format: OutputFormat, output: @escaping (String) -> Bool) {
        self.headers = headers
        self.format = format
        self.output = output
        keys = format == .json ? headers.map(Table.jsonString) : []
    }

    /// Adds a row; false when the output is closed and further rows would be lost.
    public func append(_ row: [Cell]) -> Bool {
        defer { rowCount += 1 }
        switch format {
        case .csv:
            if rowCount == 0 { Table.appendCSVLine(headers, to: &pending) }
            Table.appendCSVLine(row, to: &pending)
        case .json:
            pending.append(rowCount == 0 ? "[\n" : ",\n")
            Table.appendJSONObject(keys: keys, row: row, to: &pending)
        case .table, .markdown:
            heldRows.append(row)
            if heldRows.count == Self.tableBlock { appendTableBlock() }
        }
        return pending.count < 1 << 16 || flush()
    }

    /// Writes what is still to come: the closing bracket, or the whole table.
    public func finish() {
        switch format {
        case .csv:
            if rowCount == 0 { Table.appendCSVLine(headers, to: &pending) }
        case .json:
            pending.append(rowCount == 0 ? "[]\n" : "\n]\n")
        case .table, .markdown:
            if widths == nil || !heldRows.isEmpty { appendTableBlock() }
        }
        _ = flush()
    }

    /// Appends the held rows as lines of the table: with its header for the first block;
    /// later blocks are laid out at least as wide as the first, so that their columns line up.
    private func appendTableBlock() {
        defer { heldRows.removeAll(keepingCapacity: true) }
        let layout = TextLayout(headers: headers, minimumWidths: widths, rows: heldRows, markdown: format == .markdown)
        if widths == nil {
            layout.appendHeader(to: &pending)
            widths = layout.widths
        }
        layout.appendLines(to: &pending)
    }

    /// Hands the pending text to `output`; whether it was taken.
    private func flush() -> Bool {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.isEmpty || output(String(decoding: pending, as: UTF8.self))
    }
}
