/// Escapes text for XML and HTML content and attribute values.
func escapeXML(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.append(character)
        }
    }
    return escaped
}

/// Ordered element attributes, written with a dictionary literal.
struct Attributes: ExpressibleByDictionaryLiteral, Sendable {
    private(set) var pairs: [(name: String, value: String)]

    init(dictionaryLiteral elements: (String, String)...) {
        pairs = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Sets `name` unless `value` is nil; attributes keep insertion order.
    subscript(name: String) -> String? {
        get { pairs.first { $0.name == name }?.value }
        set {
            pairs.removeAll { $0.name == name }
            if let newValue { pairs.append((name, newValue)) }
        }
    }

    var rendered: String {
        pairs.map { " \($0.name)=\"\(escapeXML($0.value))\"" }.joined()
    }
}

/// A minimal SVG writer: elements are appended in order and every text and
/// attribute value is escaped.
struct SVGDocument: Sendable {
    let width: Double
    let height: Double
    private var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func element(_ name: String, _ attributes: Attributes = [:], text: String? = nil) {
        if let text {
            body += "<\(name)\(attributes.rendered)>\(escapeXML(text))</\(name)>\n"
        } else {
            body += "<\(name)\(attributes.rendered)/>\n"
        }
    }

    /// Appends `<name …>`, the elements `content` adds, then `</name>`.
    mutating func group(_ name: String = "g", _ attributes: Attributes = [:], content: (inout SVGDocument) -> Void) {
        body += "<\(name)\(attributes.rendered)>\n"
        content(&self)
        body += "</\(name)>\n"
    }

    /// Text with the chart's font sizes: `anchor` is start, middle or end.
    mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
        weight: String? = nil, fill: String = "#333333", rotate: Bool = false
    ) {
        var attributes: Attributes = ["x": x.coord, "y": y.coord, "font-size": size.coord, "fill": fill]
        if anchor != "start" { attributes["text-anchor"] = anchor }
        attributes["font-weight"] = weight
        if rotate { attributes["transform"] = "rotate(-90 \(x.coord) \(y.coord))" }
        element("text", attributes, text: string)
    }

    /// `text` in lines of at most `characters` characters, broken at spaces
    /// (a word longer than a line is broken inside); never cut short.
    static func wrapped(_ text: String, characters: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > characters {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
            while line.count > characters {
                lines.append(String(line.prefix(characters)))
                line = String(line.dropFirst(characters))
            }
        }
        return lines + (line.isEmpty ? [] : [line])
    }

    /// The finished document: its size in pixels and a `viewBox`, on a white
    /// background so that it stays readable on a dark page.
    var rendered: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width.coord)\" height=\"\(height.coord)\""
            + " viewBox=\"0 0 \(width.coord) \(height.coord)\" font-family=\"system-ui, sans-serif\">\n"
            + "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n" + body + "</svg>\n"
    }
}
