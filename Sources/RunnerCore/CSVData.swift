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
    /// The format is numbers only, without quoting, which is why this small
    /// parser lives here instead of a CSV library: the core depends on no other package.
    ///
    /// - Parameter path: Used in error messages only.
    public init(csv text: String, path: String) throws(DataFileError) {
        var dimension: Int?
        var points: [[Double]] = []
        var rawLabels: [(value: Double, line: Int)] = []
        var lineNumber = 0
        var isFirstLine = true
        // "\r\n" is a single Character in Swift, so this splits LF and CRLF files alike.
        for content in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = content.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            if isFirstLine {
                isFirstLine = false
                if fields.allSatisfy({ Double($0) == nil }) { continue }  // a header
            }
            guard fields.count >= 2 else {
                let separator = content.contains(";") ? " (this line uses ';': runner reads comma-separated values)"
                    : content.contains("\t") ? " (this line uses tabs: runner reads comma-separated values)" : ""
                throw DataFileError(path: path, line: lineNumber, message: "expected at least one feature and a label separated by commas, found \"\(content)\"\(separator)")
            }
            let expected = dimension ?? fields.count - 1
            guard fields.count - 1 == expected else {
                throw DataFileError(path: path, line: lineNumber, message: "expected \(expected + 1) fields (\(expected) features and a label) like the first data line, found \(fields.count)")
            }
            var point: [Double] = []
            for (column, field) in fields.enumerated() {
                guard let value = Double(field) else {
                    let what = field.isEmpty ? "an empty field" : "\"\(field)\""
                    throw DataFileError(path: path, line: lineNumber, message: "field \(column + 1) is \(what), not a number")
                }
                guard value.isFinite else {
                    throw DataFileError(path: path, line: lineNumber, message: "field \(column + 1) is \(field); values must be finite numbers")
                }
                point.append(value)
            }
            dimension = expected
            rawLabels.append((point.removeLast(), lineNumber))
            points.append(point)
        }
        guard let dimension, !points.isEmpty else {
            throw DataFileError(path: path, line: nil, message: "no data lines; expected lines of the form x1,…,xd,label")
        }
        let labels = try Self.normalizedLabels(rawLabels, path: path)
        self.init(dimension: dimension)
        for (point, label) in zip(points, labels) {
            append(point, label: label)
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

private func trimmed(_ field: Substring) -> String {
    String(field.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
}
