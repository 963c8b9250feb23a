import Foundation
import RunnerCore

/// Receives the life of each run as `runner run` trains it.
public protocol ProgressReporter: AnyObject {
    /// A run is about to train; `index` counts from 1 over `total` runs.
    func runStarted(name: String, shortID: String, index: Int, total: Int, epochs: Int)
    /// One epoch finished.
    func epochFinished(_ report: EpochReport, of epochs: Int)
    /// The run ended (successfully or not).
    func runFinished()
}

/// Shows nothing.
public final class SilentProgress: ProgressReporter {
    public init() {}
    public func runStarted(name: String, shortID: String, index: Int, total: Int, epochs: Int) {}
    public func epochFinished(_ report: EpochReport, of epochs: Int) {}
    public func runFinished() {}
}

/// A progress bar redrawn in place on a terminal, on standard error.
public final class TerminalProgress: ProgressReporter {
    private var prefix = ""
    private var lastDraw = Date.distantPast
    private let width = 24

    public init() {}

    public func runStarted(name: String, shortID: String, index: Int, total: Int, epochs: Int) {
        prefix = total > 1 ? "[\(index)/\(total)] \(shortID) \(name)" : "\(shortID) \(name)"
        lastDraw = .distantPast
    }

    public func epochFinished(_ report: EpochReport, of epochs: Int) {
        // Redraw at most 20 times a second, and always on the last epoch.
        guard report.epoch == epochs || Date().timeIntervalSince(lastDraw) > 0.05 else { return }
        lastDraw = Date()
        let filled = width * report.epoch / epochs
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var line = "\(prefix) \(bar) epoch \(report.epoch)/\(epochs)  loss \(Format.metric(report.training.loss))  acc \(Format.accuracy(report.training.accuracy))"
        if let validation = report.validation {
            line += "  val acc \(Format.accuracy(validation.accuracy))"
        }
        Console.write("\r\u{1B}[K" + line, to: .error)
    }

    public func runFinished() {
        Console.write("\r\u{1B}[K", to: .error)
    }
}

/// Plain lines on standard error, for logs and pipes: about ten per run.
public final class LineProgress: ProgressReporter {
    private var prefix = ""

    public init() {}

    public func runStarted(name: String, shortID: String, index: Int, total: Int, epochs: Int) {
        prefix = "\(shortID) \(name)"
        Console.write("[\(index)/\(total)] \(prefix): training \(epochs) epochs\n", to: .error)
    }

    public func epochFinished(_ report: EpochReport, of epochs: Int) {
        let step = max(1, epochs / 10)
        guard report.epoch % step == 0 || report.epoch == epochs else { return }
        var line = "\(prefix): epoch \(report.epoch)/\(epochs) loss \(Format.metric(report.training.loss)) acc \(Format.accuracy(report.training.accuracy))"
        if let validation = report.validation {
            line += " val_loss \(Format.metric(validation.loss)) val_acc \(Format.accuracy(validation.accuracy))"
        }
        Console.write(line + "\n", to: .error)
    }

    public func runFinished() {}
}
