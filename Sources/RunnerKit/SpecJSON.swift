/// A JSON document read for validation: every value keeps its position in
/// the text, numbers keep their literal text, booleans stay booleans, and
/// objects keep their keys in file order.
///
/// Foundation's `JSONSerialization` is not used for specs because it loses
/// exactly what good error messages need: it has no portable error position,
/// bridges `true` to the number 1 on some platforms, cannot tell `7` from
/// `7.0`, and silently keeps the last of two equal keys. This reader is
/// strict RFC 8259 JSON.
struct SpecJSONNode: Sendable {
    var value: SpecJSONValue
    /// 1-based line and column (in characters) of the value's first character.
    var line: Int
    var column: Int
    /// The `--set` argument the value comes from, when it does not come from the file.
    var origin: String? = nil
}

enum SpecJSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number's literal text, e.g. `"7"`, `"7.0"`, `"-2e-3"`.
    case number(String)
    case string(String)
    case array([SpecJSONNode])
    case object([SpecJSONMember])

    /// How the value reads in an error message ("found …").
    var found: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value) (a boolean)"
        case .number(let text): text
        case .string(let text): "\(quoted(text)) (a string)"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

struct SpecJSONMember: Sendable {
    var key: String
    var keyLine: Int
    var keyColumn: Int
    var node: SpecJSONNode
    /// The `--set` argument that added the key, when it is not in the file.
    var origin: String? = nil
}

/// A syntax error, located to the character.
struct SpecJSONSyntaxError: Error {
    var line: Int
    var column: Int
    var message: String
}

/// Reads one JSON document from UTF-8 bytes.
struct SpecJSONReader {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private static let maximumDepth = 256

    static func parse(_ bytes: [UInt8]) throws(SpecJSONSyntaxError) -> SpecJSONNode {
        var reader = SpecJSONReader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3; reader.lineStart = 3 }  // a UTF-8 byte order mark
        reader.skipWhitespace()
        guard reader.index < bytes.count else { throw reader.error("the file is empty; expected a JSON object such as {}") }
        let node = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else {
            throw reader.unexpected("expected nothing after the end of the JSON value")
        }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// The column of the last `columnHere()`, so that the columns of a long line's many
    /// values are counted in one pass, not from the line's start each time.
    private var lastColumn = (index: 0, column: 1)

    private var column: Int {
        characters(from: lineStart) + 1
    }

    /// Characters, not bytes, from `start` to the current index: UTF-8 continuation bytes are skipped.
    private func characters(from start: Int) -> Int {
        bytes[start..<index].reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    /// `column`, counted on from the previous call when it was on the same line.
    private mutating func columnHere() -> Int {
        if lastColumn.index < lineStart || lastColumn.index > index { lastColumn = (lineStart, 1) }
        lastColumn = (index, lastColumn.column + characters(from: lastColumn.index))
        return lastColumn.column
    }

    private func error(_ message: String) -> SpecJSONSyntaxError {
        SpecJSONSyntaxError(line: line, column: column, message: message)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "space" }
        return byte < 0x20 ? "control character 0x\(String(byte, radix: 16))" : "non-ASCII character"
    }

    /// The error for the current byte where `expectation` was not met; a comment is named as such.
    func unexpected(_ expectation: String) -> SpecJSONSyntaxError {
        index < bytes.count && bytes[index] == UInt8(ascii: "/")
            ? error("comments are not allowed in JSON") : error("unexpected \(describeCurrent()); \(expectation)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(SpecJSONSyntaxError) -> SpecJSONNode {
        guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        let (startLine, startColumn) = (line, columnHere())
        guard index < bytes.count else { throw error("unexpected end of file; expected a value") }
        let result: SpecJSONValue
        switch bytes[index] {
        case UInt8(ascii: "{"): result = try object(depth: depth)
        case UInt8(ascii: "["): result = try array(depth: depth)
        case UInt8(ascii: "\""): result = .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): result = .number(try number())
        case UInt8(ascii: "t"): try literal("true"); result = .bool(true)
        case UInt8(ascii: "f"): try literal("false"); result = .bool(false)
        case UInt8(ascii: "n"): try literal("null"); result = .null
        case UInt8(ascii: "'"): throw error("strings must use double quotes (\"), not single quotes")
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        default: throw error("unexpected \(describeCurrent()); expected a value (an object, array, string, number, true, false or null)")
        }
        return SpecJSONNode(value: result, line: startLine, column: startColumn)
    }

    private mutating func literal(_ word: String) throws(SpecJSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else {
            throw error("unexpected \(describeCurrent()); expected a value (did you mean \(word)?)")
        }
        index += expected.count
    }

    private mutating func object(depth: Int) throws(SpecJSONSyntaxError) -> SpecJSONValue {
        index += 1
        var members: [SpecJSONMember] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    throw error("unexpected '}' after a comma; JSON does not allow trailing commas")
                }
                throw unexpected("expected a key in double quotes")
            }
            let (keyLine, keyColumn) = (line, columnHere())
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()); expected ':' after the key \(quoted(key))")
            }
            index += 1
            skipWhitespace()
            let node = try value(depth: depth + 1)
            members.append(SpecJSONMember(key: key, keyLine: keyLine, keyColumn: keyColumn, node: node))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file; expected ',' or '}' to continue the object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw unexpected("expected ',' or '}' after the value of \(quoted(key)) (is a comma missing?)")
        }
    }

    private mutating func array(depth: Int) throws(SpecJSONSyntaxError) -> SpecJSONValue {
        index += 1
        var elements: [SpecJSONNode] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                throw error("unexpected ']' after a comma; JSON does not allow trailing commas")
            }
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file; expected ',' or ']' to continue the array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw unexpected("expected ',' or ']' in the array (is a comma missing?)")
        }
    }

    private mutating func digits() -> Int {
        let first = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - first
    }

    private mutating func number() throws(SpecJSONSyntaxError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("expected a digit after '-'") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            index = integerStart
            throw error("numbers must not have leading zeros")
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("expected a digit after the decimal point") }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Appends the bytes from `start` to the current index, which must be valid UTF-8:
    /// otherwise the error points at the first invalid byte.
    private mutating func appendText(from start: Int, to text: inout String) throws(SpecJSONSyntaxError) {
        guard start < index else { return }
        // Validating the whole run at once is the fast path; a file that is not UTF-8 is
        // then read scalar by scalar to point at the first bad byte.
        let valid = bytes.withUnsafeBufferPointer { buffer in
            let run = UnsafeBufferPointer(rebasing: buffer[start..<index])
            // ASCII, as nearly every spec is, needs no validation.
            return run.allSatisfy { $0 < 0x80 } ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
        }
        if let valid {
            text += valid
            return
        }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes[start..<index].makeIterator()
        var offset = start
        while case .valid(let encoded) = parser.parseScalar(from: &iterator) {
            offset += encoded.count
        }
        index = offset
        throw error("invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) inside a string; save the file as UTF-8")
    }

    private mutating func string() throws(SpecJSONSyntaxError) -> String {
        index += 1
        var text = ""
        var runStart = index
        while true {
            guard index < bytes.count else { throw error("unexpected end of file inside a string; expected a closing '\"'") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try appendText(from: runStart, to: &text)
                index += 1
                return text
            }
            if byte < 0x20 {
                throw error(byte == 0x0A ? "line break inside a string; close the string on the same line (or write \\n)" : "control character inside a string; escape it")
            }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            try appendText(from: runStart, to: &text)
            index += 1
            guard index < bytes.count else { throw error("unexpected end of file after '\\'") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): text.unicodeScalars.append("\"")
            case UInt8(ascii: "\\"): text.unicodeScalars.append("\\")
            case UInt8(ascii: "/"): text.unicodeScalars.append("/")
            case UInt8(ascii: "b"): text.unicodeScalars.append("\u{08}")
            case UInt8(ascii: "f"): text.unicodeScalars.append("\u{0C}")
            case UInt8(ascii: "n"): text.unicodeScalars.append("\n")
            case UInt8(ascii: "r"): text.unicodeScalars.append("\r")
            case UInt8(ascii: "t"): text.unicodeScalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hexQuad()
                if (0xD800..<0xDC00).contains(code), bytes[index...].starts(with: Array("\\u".utf8)) {
                    index += 2
                    let low = try hexQuad()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair in a \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("a \\u escape is an unpaired surrogate") }
                text.unicodeScalars.append(scalar)
            default:
                index -= 1
                throw error("invalid escape in a string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            }
            runStart = index
        }
    }

    private mutating func hexQuad() throws(SpecJSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count,
              bytes[index..<(index + 4)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
              let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw error("expected four hexadecimal digits after \\u") }
        index += 4
        return code
    }
}

/// `text` in double quotes, with quotes, backslashes and control characters escaped.
func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
