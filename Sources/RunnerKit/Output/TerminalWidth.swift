import Foundation

/// The width of the terminal that output goes to.
public enum TerminalWidth {
    /// `COLUMNS` when it is set to a positive number, else the width of the
    /// terminal on `descriptor`; nil when output goes to a file or a pipe, where
    /// lines keep their full length.
    public static func columns(of descriptor: Int32 = STDOUT_FILENO) -> Int? {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 {
            return columns
        }
        guard isatty(descriptor) == 1 else { return nil }
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
