import Foundation
import RunnerCore

/// A run as the progress display names it.
public struct RunProgress: Sendable {
    public var shortID: String
    public var name: String
    /// Epochs planned.
    public var epochs: Int

    public init(shortID: String, name: String, epochs: Int) {
        self.shortID = shortID
        self.name = name
        self.epochs = epochs
    }
}

/// Receives the life of each run as `runner run` trains them, from several threads at once.
public protocol ProgressReporter: AnyObject, Sendable {
    /// This process is about to train (or skip) `total` runs.
    func planStarted(total: Int)
    /// A run starts training.
    func runStarted(_ run: RunProgress)
    /// Epochs of run `shortID` finished, in order: a worker hands them over in small groups,
    /// a few milliseconds apart (see `RunExecutor.epochGroupSize`), and those trained before
    /// the run's claim was in all at once.
    func epochsFinished(_ reports: [EpochReport], of shortID: String)
    /// A run was skipped: the same experiment is already in the database.
    func runSkipped()
    /// Run `shortID` ended; `announce` prints its summary line (above a progress display).
    func runFinished(_ shortID: String, announce: () -> Void)
    /// Clears the display before the process stops (Ctrl-Z) or ends.
    func clear()
}

/// Shows nothing but the summary lines.
public final class SilentProgress: ProgressReporter {
    private let lock = NSLock()

    public init() {}
    public func planStarted(total: Int) {}
    public func runStarted(_ run: RunProgress) {}
    public func epochsFinished(_ reports: [EpochReport], of shortID: String) {}
    public func runSkipped() {}
    public func runFinished(_ shortID: String, announce: () -> Void) { lock.withLock(announce) }
    public func clear() {}
}

/// A display redrawn in place on a terminal, on standard error: a line with the runs done,
/// skipped and left and the time left, then one line per run in flight with its bar, epoch,
/// epochs per second, time left, and latest loss, accuracy and validation loss. Every line
/// fits the terminal's width (names are shortened, numbers never), so nothing wraps.
public final class TerminalProgress: ProgressReporter, @unchecked Sendable {
    private struct Flight {
        var run: RunProgress
        var started: Date
        var report: EpochReport?
    }

    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var skipped = 0
    private var began = Date()
    private var flights: [String: Flight] = [:]
    /// Lines currently drawn below the cursor's line, to erase before redrawing.
    private var drawnLines = 0
    private var lastDraw = Date.distantPast

    public init() {}

    public func planStarted(total: Int) {
        lock.withLock {
            (self.total, done, skipped, began) = (total, 0, 0, Date())
        }
    }

    public func runStarted(_ run: RunProgress) {
        lock.withLock {
            flights[run.shortID] = Flight(run: run, started: Date())
            draw(force: true)
        }
    }

    public func epochsFinished(_ reports: [EpochReport], of shortID: String) {
        guard let latest = reports.last else { return }
        lock.withLock {
            flights[shortID]?.report = latest
            draw(force: false)
        }
    }

    public func runSkipped() {
        lock.withLock {
            skipped += 1
            draw(force: false)
        }
    }

    public func runFinished(_ shortID: String, announce: () -> Void) {
        lock.withLock {
            flights[shortID] = nil
            done += 1
            erase()
            announce()
            draw(force: true)
        }
    }

    public func clear() {
        lock.withLock(erase)
    }

    /// Redraws at most 10 times a second unless `force`d.
    private func draw(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let width = max(20, (TerminalSize.columns(of: STDERR_FILENO) ?? 80) - 1)
        var lines = [headline(now: now)]
        for flight in flights.values.sorted(by: { $0.started < $1.started }) {
            lines.append(line(for: flight, now: now, width: width))
        }
        // Never more lines than the terminal has rows: the rest are summarised.
        let rows = max(3, (TerminalSize.rows(of: STDERR_FILENO) ?? 24) - 2)
        if lines.count > rows {
            let hidden = lines.count - rows + 1
            lines = Array(lines.prefix(rows - 1)) + ["… and \(hidden) more runs in flight"]
        }
        var text = erasure()
        text += lines.joined(separator: "\n")
        drawnLines = lines.count - 1
        Console.write(text, to: .error)
    }

    private func headline(now: Date) -> String {
        var parts = ["[\(done + skipped)/\(total)] runs done"]
        if skipped > 0 { parts.append("\(skipped) skipped") }
        parts.append("\(flights.count) in flight")
        if done > 0 && total > done + skipped {
            let perRun = now.timeIntervalSince(began) / Double(done)
            parts.append("about \(Format.duration(perRun * Double(total - done - skipped))) left")
        }
        return parts.joined(separator: "  ")
    }

    /// The run's line: the fields that fit `width`, most useful first (the epoch, the
    /// validation loss, the time left, ...), in a fixed order; the name takes what is left.
    private func line(for flight: Flight, now: Date, width: Int) -> String {
        let epochs = flight.run.epochs
        let epoch = flight.report?.epoch ?? 0
        let seconds = now.timeIntervalSince(flight.started)
        let rate = epoch > 0 && seconds > 0 ? Double(epoch) / seconds : nil
        let filled = 12 * epoch / max(epochs, 1)
        // (position on the line, text), by priority.
        var fields: [(Int, String)] = [(0, flight.run.shortID), (3, "\(epoch)/\(epochs)")]
        if let validation = flight.report?.validation { fields.append((8, "val_loss \(Format.metric(validation.loss))")) }
        if let rate { fields.append((5, "\(Format.duration(Double(epochs - epoch) / rate)) left")) }
        if let report = flight.report { fields.append((6, "loss \(Format.metric(report.training.loss))")) }
        fields.append((1, String(TerminalSize.fitted(flight.run.name, width: 28))))
        if let report = flight.report { fields.append((7, "acc \(Format.accuracy(report.training.accuracy))")) }
        if let rate { fields.append((4, "\(Format.rate(rate)) ep/s")) }
        fields.append((2, String(repeating: "█", count: filled) + String(repeating: "░", count: 12 - filled)))
        var shown: [(Int, String)] = []
        var used = 0
        for field in fields where used + field.1.count + 2 <= width {
            shown.append(field)
            used += field.1.count + 2
        }
        return shown.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "  ")
    }

    /// Moves the cursor back over the lines drawn and clears them.
    private func erasure() -> String {
        "\r" + String(repeating: "\u{1B}[1A", count: drawnLines) + "\u{1B}[J"
    }

    private func erase() {
        Console.write(erasure(), to: .error)
        drawnLines = 0
    }
}

/// Plain lines on standard error, for logs and pipes: a start line and about ten epoch lines per run.
public final class LineProgress: ProgressReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var started = 0
    private var runs: [String: RunProgress] = [:]

    public init() {}

    public func planStarted(total: Int) {
        lock.withLock { (self.total, started) = (total, 0) }
    }

    public func runStarted(_ run: RunProgress) {
        lock.withLock {
            started += 1
            runs[run.shortID] = run
            emit("[\(started)/\(total)] \(run.shortID) \(run.name): training \(run.epochs) epochs")
        }
    }

    public func epochsFinished(_ reports: [EpochReport], of shortID: String) {
        guard let run = lock.withLock({ runs[shortID] }) else { return }
        let step = max(1, run.epochs / 10)
        for report in reports where report.epoch % step == 0 || report.epoch == run.epochs {
            var line = "\(shortID) \(run.name): epoch \(report.epoch)/\(run.epochs) loss \(Format.metric(report.training.loss)) acc \(Format.accuracy(report.training.accuracy))"
            if let validation = report.validation {
                line += " val_loss \(Format.metric(validation.loss)) val_acc \(Format.accuracy(validation.accuracy))"
            }
            lock.withLock { emit(line) }
        }
    }

    public func runSkipped() {
        lock.withLock { started += 1 }
    }

    public func runFinished(_ shortID: String, announce: () -> Void) {
        lock.withLock {
            runs[shortID] = nil
            announce()
        }
    }

    public func clear() {}

    private func emit(_ line: String) {
        Console.write((line + "\n"), to: .error)
    }
}
