/// `text` as one word for a POSIX shell: as it is when it is plain, else in single quotes.
/// For the commands `runner` prints (hints, errors) and the scripts it writes.
public func shellQuoted(_ text: String) -> String {
    text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
