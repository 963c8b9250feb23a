import Foundation

/// The size of the terminal that output goes to.
public enum TerminalSize {
    /// `COLUMNS` when it is set to a positive number, else the width of the
    /// terminal on `descriptor`; nil when output goes to a file or a pipe, where
    /// lines keep their full length.
    public static func columns(of descriptor: Int32 = STDOUT_FILENO) -> Int? {
        // getenv, not ProcessInfo's environment, which copies every variable: this runs for
        // every line of progress and every finished run.
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let columns = Int(text), columns > 0 {
            return columns
        }
        return size(of: descriptor).map { Int($0.ws_col) }
    }

    /// The terminal's rows on `descriptor` (else `LINES`), nil for a file or a pipe.
    public static func rows(of descriptor: Int32) -> Int? {
        size(of: descriptor).map { Int($0.ws_row) }
            ?? getenv("LINES").flatMap { Int(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
    }

    private static func size(of descriptor: Int32) -> winsize? {
        guard isatty(descriptor) == 1 else { return nil }
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return size
    }

    /// `parts` joined by two spaces within `width` columns: the part at `flexible` (a name)
    /// is shortened from its start when that makes one line of it (its end holds the swept
    /// values that tell runs apart); otherwise the line breaks between parts, continuation
    /// lines indented, so no part (no number) is ever split.
    public static func fit(_ parts: [String], flexible: Int, width: Int) -> [String] {
        var parts = parts
        let others = parts.indices.filter { $0 != flexible }.reduce(0) { $0 + parts[$1].count + 2 }
        if width - others >= 16 {
            parts[flexible] = String(fitted(parts[flexible], width: width - others))
        }
        var lines: [String] = []
        var line = ""
        for part in parts {
            if !line.isEmpty && line.count + 2 + part.count > width {
                lines.append(line)
                line = "  " + part
            } else {
                line += line.isEmpty ? part : "  " + part
            }
        }
        return lines + [line]
    }

    /// `text` cut to its last `width` characters, with "…" where it was cut: the end of a
    /// run's name holds the swept values that tell it from its neighbours.
    static func fitted(_ text: String, width: Int) -> Substring {
        guard text.count > width else { return Substring(text) }
        guard width > 1 else { return text.suffix(max(0, width)) }
        return Substring("…" + text.suffix(width - 1))
    }
}
