import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// RFC 4180 CSV: rows of fields, quotes doubled inside quoted fields.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var iterator = Array(text).makeIterator()
    var pending: Character? = nil
    while let character = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if character == "\"" {
                if let next = iterator.next() {
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else { quoted = false }
            } else {
                field.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            row.append(field); field = ""
        } else if character == "\n" {
            row.append(field); rows.append(row); row = []; field = ""
        } else {
            field.append(character)
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// CSV with a header: one dictionary per row. Every row must have the header's width.
func parseCSVRecords(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (headers: [String], records: [[String: String]]) {
    let rows = parseCSV(text)
    let headers = try #require(rows.first, "CSV without a header: \(text)", sourceLocation: sourceLocation)
    for row in rows.dropFirst() {
        #expect(row.count == headers.count, "row \(row) has \(row.count) fields for \(headers.count) columns", sourceLocation: sourceLocation)
    }
    return (headers, rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(headers, $0)) })
}

/// A JSON array of objects.
func parseJSONRecords(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [[String: Any]], "not an array of objects: \(text)", sourceLocation: sourceLocation)
}

/// The cell texts of a Markdown pipe table, without its separator line.
func parseMarkdownTable(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String]] {
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.hasPrefix("|") && $0.hasSuffix("|") }, "every line is a table row: \(text)", sourceLocation: sourceLocation)
    #expect(lines.count >= 2 && lines[1].allSatisfy { "|-: ".contains($0) }, "the second line separates the header: \(text)", sourceLocation: sourceLocation)
    return lines.enumerated().filter { $0.offset != 1 }.map { line in
        line.element.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// The root element of a well-formed XML (SVG) file.
func parseXML(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLElement {
    let document = try XMLDocument(contentsOf: url, options: [])
    return try #require(document.rootElement(), "no root element in \(url.lastPathComponent)", sourceLocation: sourceLocation)
}

/// A number the way a table prints it (also the mean of "mean ± std").
func number(_ text: String?) -> Double? {
    text.flatMap { Double($0.split(separator: " ").first.map(String.init) ?? "") }
}

/// The double stored as these IEEE-754 bits (a signed 64-bit integer, as in the weights table).
func double(bits text: String) -> Double? {
    Int64(text).map { Double(bitPattern: UInt64(bitPattern: $0)) }
}
