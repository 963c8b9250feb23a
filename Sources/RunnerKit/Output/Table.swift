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
    /// The value as JSON text when it is neither a string nor a number (the tags of a run, an
    /// object), for JSON output only.
    public var json: String?
    /// True for a missing value: printed empty, `null` in JSON.
    public var isEmpty: Bool { text.isEmpty }

    public init(_ text: String, isNumber: Bool = false, machineText: String? = nil, json: String? = nil) {
        self.text = text
        self.isNumber = isNumber
        self.machineText = machineText ?? text
        self.json = json
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
        let layout = TextLayout(headers: headers, rows: rows, markdown: markdown)
        var output: [UInt8] = []
        layout.appendHeader(to: &output)
        layout.appendLines(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The width of each column as `rendered(as: .table)` prints it.
    private var columnWidths: [Int] {
        TextLayout(headers: headers, rows: rows, markdown: false).widths
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
        var output: [UInt8] = []
        Self.appendCSVLine(headers, to: &output)
        for row in rows {
            Self.appendCSVLine(row, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the CSV line of `fields`, quoted where needed, and its newline.
    static func appendCSVLine(_ fields: [String], to output: inout [UInt8]) {
        appendCSVLine(count: fields.count, field: { fields[$0] }, to: &output)
    }

    /// Appends the CSV line of a row's full values (`machineText`).
    static func appendCSVLine(_ row: [Cell], to output: inout [UInt8]) {
        appendCSVLine(count: row.count, field: { row[$0].machineText }, to: &output)
    }

    private static func appendCSVLine(count: Int, field: (Int) -> String, to output: inout [UInt8]) {
        for index in 0..<count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            let text = field(index)
            // Plain ASCII without a comma, quote or line break is most fields: checked byte by byte.
            let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "\"") }
            if plain || !text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                output.append(text)
            } else {
                output.append("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            }
        }
        output.append(UInt8(ascii: "\n"))
    }

    private func json() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        let keys = headers.map(Self.jsonString)
        var output: [UInt8] = []
        for (index, row) in rows.enumerated() {
            output.append(index == 0 ? "[\n" : ",\n")
            Self.appendJSONObject(keys: keys, row: row, to: &output)
        }
        output.append("\n]\n")
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends one row as an indented JSON object, without separator or newline; `keys` are
    /// the headers as JSON strings.
    static func appendJSONObject(keys: [String], row: [Cell], to output: inout [UInt8]) {
        output.append("  {")
        for (index, cell) in row.enumerated() {
            if index > 0 { output.append(", ") }
            output.append(keys[index])
            output.append(": ")
            output.append(cell.json ?? (cell.isEmpty ? "null" : cell.isNumber && isJSONNumber(cell.machineText) ? cell.machineText : jsonString(cell.machineText)))
        }
        output.append(UInt8(ascii: "}"))
    }

    /// `text` as a JSON string: as `quoted` writes it, without its escaping pass when there is nothing to escape.
    static func jsonString(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return plain ? "\"" + text + "\"" : quoted(text)
    }
}

extension Table {
    /// Whether `character` is a control character (C0, DEL or C1) other than a line feed,
    /// CRLF or a tab: a lone CR, a vertical tab or a form feed counts, as they move the cursor.
    public static func isControl(_ character: Character) -> Bool {
        guard character != "\n", character != "\r\n", character != "\t" else { return false }
        return character.unicodeScalars.contains(where: isControl)
    }

    /// Whether `scalar` is a C0 or C1 control code, DEL, or a bidirectional embedding,
    /// override or isolate (U+202A–U+202E, U+2066–U+2069), which reorders what a terminal
    /// shows after it.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar)
    }

    /// Whether `scalar` is a bidirectional embedding, override or isolate.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// `text` with its control characters other than line feeds and tabs shown as their
    /// pictures (ESC as ␛, NUL as ␀, CR as ␍; C1 codes and bidirectional overrides as �), so that text stored by anyone (a
    /// note, a cell written with sqlite3) cannot move the cursor, recolour or clear a terminal.
    public static func visibleControlCharacters(_ text: String) -> String {
        // Scalars first: much quicker than characters, and most text has no control code at all.
        guard text.unicodeScalars.contains(where: isControl), text.contains(where: isControl) else { return text }
        return text.map { character -> String in
            guard isControl(character) else { return String(character) }
            return character.unicodeScalars.map { scalar -> String in
                switch scalar.value {
                case 0x00..<0x20: String(Unicode.Scalar(0x2400 + scalar.value)!)
                case 0x7F: "\u{2421}"
                case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: "\u{FFFD}"
                default: String(scalar)
                }
            }.joined()
        }.joined()
    }
}

extension [UInt8] {
    /// Appends the UTF-8 bytes of `text`.
    mutating func append(_ text: String) {
        append(contentsOf: text.utf8)
    }
}

/// Whether a number cell's text can stand in JSON as it is: JSON has no
/// infinity or NaN, so "inf", "-inf" and "nan" (a diverged loss, `1e999` in a
/// query) are written as strings instead of making the document invalid.
func isJSONNumber(_ text: String) -> Bool {
    // Double reads ASCII digits only, so checking bytes is checking characters.
    text.utf8.allSatisfy { (0x30...0x39).contains($0) || "+-.eE".utf8.contains($0) } && Double(text)?.isFinite == true
}

/// A block of rows laid out as a text table or Markdown: each column as wide as its widest
/// cell (in characters), and right-aligned when it holds numbers (and no text but empty cells).
/// A line break or tab in a header or cell is written as a space, and in Markdown a `|` as
/// `\|`, so that every row keeps its columns.
struct TextLayout {
    let headers: [String]
    let rows: [[Cell]]
    let widths: [Int]
    let numeric: [Bool]
    let markdown: Bool
    /// The width of each cell of `rows`, row by row.
    private let cellWidths: [Int]

    /// The layout of `rows` under `headers`, whose columns are at least `minimumWidths` wide
    /// (a block that must line up with the one before).
    init(headers: [String], minimumWidths: [Int]? = nil, rows: [[Cell]], markdown: Bool) {
        let headers = headers.map { Self.escaped($0, markdown: markdown) }
        let escaping = rows.contains { $0.contains { Self.mayNeedEscaping($0.text, markdown: markdown) } }
        let rows = !escaping ? rows : rows.map { $0.map { Cell(Self.escaped($0.text, markdown: markdown), isNumber: $0.isNumber, machineText: $0.machineText) } }
        var widths = zip(headers, minimumWidths ?? headers.map { _ in 0 }).map { max($0.count, $1) }
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(rows.count * widths.count)
        for row in rows {
            for (column, cell) in row.enumerated() {
                let width = cell.text.count
                cellWidths.append(width)
                widths[column] = max(widths[column], width)
            }
        }
        numeric = headers.indices.map { column in
            rows.contains { $0[column].isNumber } && rows.allSatisfy { $0[column].isNumber || $0[column].isEmpty }
        }
        (self.headers, self.rows, self.widths, self.cellWidths, self.markdown) = (headers, rows, widths, cellWidths, markdown)
    }

    /// Whether `text` may hold what `escaped` changes, by a quick look at its bytes: a control
    /// character, a `|` in Markdown, or text beyond ASCII (which may hold a line separator).
    private static func mayNeedEscaping(_ text: String, markdown: Bool) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 >= 0x7F || (markdown && $0 == UInt8(ascii: "|")) }
    }

    /// `text` as one line of a table cell: line breaks and tabs as spaces, other control
    /// characters as their pictures (see `visibleControlCharacters`), and in Markdown `|` as `\|`.
    private static func escaped(_ text: String, markdown: Bool) -> String {
        func isSpecial(_ character: Character) -> Bool {
            character.isNewline || character == "\t" || (markdown && character == "|") || Table.isControl(character)
        }
        guard mayNeedEscaping(text, markdown: markdown), text.contains(where: isSpecial) else { return text }
        return Table.visibleControlCharacters(String(text.flatMap { isSpecial($0) && !Table.isControl($0) ? ($0 == "|" ? "\\|" : " ") : String($0) }))
    }

    /// Appends the header line and the rule under it.
    func appendHeader(to output: inout [UInt8]) {
        appendLine(count: headers.count, text: { headers[$0] }, width: { headers[$0].count }, to: &output)
        if markdown {
            output.append("|" + zip(widths, numeric).map { width, numeric in
                let dashes = String(repeating: "-", count: max(width, 3) + 1)
                return numeric ? dashes + ":" : ":" + dashes
            }.joined(separator: "|") + "|\n")
        } else {
            output.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: " ") + "\n")
        }
    }

    /// Appends a line for each row.
    func appendLines(to output: inout [UInt8]) {
        for (index, row) in rows.enumerated() {
            let first = index * row.count
            appendLine(count: row.count, text: { row[$0].text }, width: { cellWidths[first + $0] }, to: &output)
        }
    }

    /// Appends one line of texts, padded to the widths; a text table's line without its trailing spaces.
    private func appendLine(count: Int, text: (Int) -> String, width: (Int) -> Int, to output: inout [UInt8]) {
        let start = output.count
        if markdown { output.append("| ") }
        for column in 0..<count {
            if column > 0 { output.append(markdown ? " | " : " ") }
            let text = text(column)
            let padding = widths[column] - width(column)
            if numeric[column] { Self.appendSpaces(padding, to: &output) }
            output.append(text)
            if !numeric[column] { Self.appendSpaces(padding, to: &output) }
        }
        if markdown {
            output.append(" |")
        } else {
            Self.trimTrailingSpaces(from: start, of: &output)
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// Removes the spaces that end the line starting at `start`, as characters: a space after
    /// an ASCII character stands alone, but one after other text may belong to the character
    /// before it (a prefix mark), and is kept with it.
    private static func trimTrailingSpaces(from start: Int, of output: inout [UInt8]) {
        while output.count > start, output[output.count - 1] == UInt8(ascii: " ") {
            guard output.count - 1 == start || output[output.count - 2] < 0x80 else {
                var line = String(decoding: output[start...], as: UTF8.self)
                while line.last == " " { line.removeLast() }
                output.replaceSubrange(start..., with: line.utf8)
                return
            }
            output.removeLast()
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    private static func appendSpaces(_ count: Int, to output: inout [UInt8]) {
        var left = count
        while left > 0 {
            output.append(contentsOf: spaces[..<min(left, spaces.count)])
            left -= spaces.count
        }
    }
}
