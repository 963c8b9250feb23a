#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem with a CSV data file, located to the line.
public struct DataFileError: Error, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var path: String
    /// The 1-based line, or nil for the file as a whole.
    public var line: Int?
    /// What is wrong and how to fix it.
    public var message: String

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

extension Dataset {
    /// Parses CSV text of the form `x1,…,xd,label`.
    ///
    /// A first line whose fields are not all numbers is a header. Labels are
    /// either all in {−1, +1} or all in {0, 1} (0 becomes −1). Blank lines
    /// are skipped; every other malformed line is an error naming the line.
    /// A field is a number only if all of it is a decimal number (`-4.5`, `5e-1`),
    /// spaces around it aside: no hexadecimal, no trailing text.
    /// The format is numbers only, without quoting, which is why this small
    /// parser lives here instead of a CSV library: the core depends on no other package.
    /// It reads the UTF-8 bytes directly, at tens of MB per second.
    ///
    /// - Parameter path: Used in error messages only.
    public init(csv text: String, path: String) throws(DataFileError) {
        var text = text
        let parsed = text.withUTF8 { bytes in
            Result { () throws(DataFileError) in try CSVReader(bytes: bytes, path: path).read() }
        }
        let (dimension, features, rawLabels) = try parsed.get()
        let labels = try Self.normalizedLabels(rawLabels, path: path)
        self.init(dimension: dimension)
        for (index, label) in labels.enumerated() {
            append(features[index * dimension..<(index + 1) * dimension], label: label)
        }
    }

    /// Maps labels to ±1, accepting either {−1, +1} or {0, 1} for the whole file.
    private static func normalizedLabels(_ labels: [(value: Double, line: Int)], path: String) throws(DataFileError) -> [Double] {
        let usesZero = labels.first { $0.value == 0 || $0.value == -1 }?.value == 0
        let allowed: Set<Double> = usesZero ? [0, 1] : [-1, 1]
        if let bad = labels.first(where: { !allowed.contains($0.value) }) {
            let message = [-1, 0, 1].contains(bad.value)
                ? "label \(bad.value) mixes the conventions {0, 1} and {−1, +1}; use one of them for the whole file"
                : "label \(bad.value) is not a class label; use −1/+1 or 0/1"
            throw DataFileError(path: path, line: bad.line, message: message)
        }
        return labels.map { $0.value == 1 ? 1 : -1 }
    }
}

/// The line-by-line reading behind `Dataset(csv:path:)`.
private struct CSVReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String

    /// A field's value: a finite number, a non-finite one (`1e999`, `nan`), or not a number.
    private enum Field {
        case number(Double)
        case notFinite
        case text
    }

    /// The dimension, the features of every point one after the other, and the raw labels with their lines.
    func read() throws(DataFileError) -> (Int, [Double], [(value: Double, line: Int)]) {
        var dimension: Int?
        var features: [Double] = []
        var labels: [(value: Double, line: Int)] = []
        var fields: [Range<Int>] = []
        var point: [Double] = []
        var lineNumber = 0
        var start = 0
        var isFirstLine = true
        while start < bytes.count {
            // A line ends at LF, CR or CRLF.
            var end = start
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            let next = end + (end + 1 < bytes.count && bytes[end] == 0x0D && bytes[end + 1] == 0x0A ? 2 : 1)
            defer { start = next }
            lineNumber += 1
            guard (start..<end).contains(where: { bytes[$0] != 0x20 && bytes[$0] != 0x09 }) else { continue }
            fields.removeAll(keepingCapacity: true)
            var fieldStart = start
            for index in start..<end where bytes[index] == UInt8(ascii: ",") {
                fields.append(trimmed(fieldStart..<index))
                fieldStart = index + 1
            }
            fields.append(trimmed(fieldStart..<end))
            if isFirstLine {
                isFirstLine = false
                if fields.allSatisfy({ if case .text = value(of: $0) { true } else { false } }) {
                    // A header, unless it is numbers in quotes: a point that would be lost without a word.
                    guard fields.allSatisfy(isQuotedNumber) else { continue }
                    throw DataFileError(path: path, line: lineNumber, message: "the fields are numbers in quotes (\(text(start..<end))); "
                        + "runner reads numbers without quotes (and takes a first line of text for a header): remove the quotes")
                }
            }
            guard fields.count >= 2 else {
                let content = text(start..<end)
                let separator = content.contains(";") ? " (this line uses ';': runner reads comma-separated values)"
                    : content.contains("\t") ? " (this line uses tabs: runner reads comma-separated values)" : ""
                throw DataFileError(path: path, line: lineNumber, message: "expected at least one feature and a label separated by commas, found \"\(content)\"\(separator)")
            }
            let expected = dimension ?? fields.count - 1
            guard fields.count - 1 == expected else {
                throw DataFileError(path: path, line: lineNumber, message: "expected \(expected + 1) fields (\(expected) features and a label) like the first data line, found \(fields.count)")
            }
            point.removeAll(keepingCapacity: true)
            for (column, field) in fields.enumerated() {
                switch value(of: field) {
                case .number(let number):
                    point.append(number)
                case .notFinite:
                    throw DataFileError(path: path, line: lineNumber, message: "field \(column + 1) is \(text(field)); values must be finite numbers")
                case .text:
                    let what = field.isEmpty ? "an empty field" : "\"\(text(field))\""
                    throw DataFileError(path: path, line: lineNumber, message: "field \(column + 1) is \(what), not a number")
                }
            }
            dimension = expected
            labels.append((point.removeLast(), lineNumber))
            features += point
        }
        guard let dimension, !labels.isEmpty else {
            throw DataFileError(path: path, line: nil, message: "no data lines; expected lines of the form x1,…,xd,label")
        }
        return (dimension, features, labels)
    }

    /// `range` without the spaces and tabs at either end.
    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var (lower, upper) = (range.lowerBound, range.upperBound)
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
        return lower..<upper
    }

    private func text(_ range: Range<Int>) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        // Control characters (a NUL, an escape sequence; tabs aside) are shown, not sent to the terminal.
        guard text.unicodeScalars.contains(where: Self.isControl) else { return text }
        return text.unicodeScalars.map { scalar in
            guard Self.isControl(scalar) else { return String(scalar) }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    /// Whether the field is a number in double quotes (`"1.5"`).
    private func isQuotedNumber(_ range: Range<Int>) -> Bool {
        guard range.count >= 3, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else { return false }
        if case .number = value(of: (range.lowerBound + 1)..<(range.upperBound - 1)) { return true }
        return false
    }

    /// The field as a decimal number, `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at
    /// least one side of the point); `nan`, `inf` and `infinity` in any case are numbers
    /// that are not finite.
    private func value(of range: Range<Int>) -> Field {
        var index = range.lowerBound
        func digits() -> Int {
            let first = index
            while index < range.upperBound && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
            return index - first
        }
        if index < range.upperBound && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
        var mantissa = digits()
        if index < range.upperBound && bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissa += digits()
        }
        if mantissa > 0 && index < range.upperBound && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < range.upperBound && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            if digits() == 0 { return .text }
        }
        guard mantissa > 0, index == range.upperBound else {
            let word = text(range).lowercased().trimmingPrefix { $0 == "+" || $0 == "-" }
            return ["nan", "inf", "infinity"].contains(word) ? .notFinite : .text
        }
        // strtod needs a terminated string; a validated field is short, so copy it.
        let number = withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { buffer in
            for (offset, index) in range.enumerated() { buffer[offset] = CChar(bitPattern: bytes[index]) }
            buffer[range.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
        return number.isFinite ? .number(number) : .notFinite
    }
}
