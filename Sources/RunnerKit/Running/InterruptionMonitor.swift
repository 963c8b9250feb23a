import Dispatch
import Foundation
import RunnerStore

/// Turns SIGINT (Ctrl-C), SIGTERM, SIGQUIT (Ctrl-\) and SIGHUP (the terminal went away: a
/// closed ssh session) into a flag that training checks after every epoch.
///
/// The first signal asks the current run to stop after its epoch, so it is
/// recorded as interrupted with everything up to then; the signal's default
/// action is restored at once, so a second Ctrl-C ends the process right away
/// (the run is then found abandoned and shown as interrupted).
///
/// A closed output counts as SIGPIPE: SIGPIPE is ignored while the monitor lives, so a
/// write to a pipe whose reader is gone (`runner run … | head -1`) fails instead of ending
/// the process mid-run, and `Console` reports it here.
public final class InterruptionMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private var previousHandlers: [(Int32, (@convention(c) (Int32) -> Void)?)] = []

    /// Starts watching `signals`; they no longer end the process until the first arrives.
    public init(signals: [Int32] = [SIGINT, SIGTERM, SIGQUIT, SIGHUP]) {
        for number in signals {
            let previous = signal(number, SIG_IGN)
            previousHandlers.append((number, previous))
            // A signal the process was started ignoring (`nohup`, `trap '' INT`, a background
            // job of a script) stays ignored, as for any Unix tool.
            if Self.isIgnored(previous) { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.record(number)
                signal(number, SIG_DFL)
            }
            source.resume()
            sources.append(source)
        }
        previousHandlers.append((SIGPIPE, signal(SIGPIPE, SIG_IGN)))
        // A failed write to the output stops runs as a closed pipe does, whatever the cause.
        Console.whenClosed { [weak self] _ in self?.record(SIGPIPE) }
    }

    /// Whether `handler`, as `signal(2)` returns it, is SIG_IGN.
    public static func isIgnored(_ handler: (@convention(c) (Int32) -> Void)?) -> Bool {
        unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Stops watching and gives each signal back the handling it had before.
    deinit {
        sources.forEach { $0.cancel() }
        for (number, handler) in previousHandlers {
            signal(number, handler)
        }
    }

    /// The first signal received, if any.
    public var signalReceived: Int32? {
        lock.withLock { received }
    }

    /// The exit status after an interruption: 141 (128 + SIGPIPE) when the output went
    /// away, like any tool in a pipe, otherwise 130, the shell's status for Ctrl-C.
    public var exitStatus: Int32 {
        signalReceived == SIGPIPE ? 141 : 130
    }

    /// A reason to store with an interrupted run, e.g. "interrupted by SIGINT".
    public var reason: String? {
        signalReceived.map { number in
            switch number {
            case SIGINT: "interrupted by SIGINT (Ctrl-C)"
            case SIGTERM: "interrupted by SIGTERM"
            case SIGQUIT: "interrupted by SIGQUIT (Ctrl-\\)"
            case SIGHUP: "interrupted by SIGHUP (its terminal went away)"
            case SIGPIPE: Self.outputFailure.map { "interrupted: its output could not be written (\(String(cString: strerror($0))))" }
                ?? "interrupted: its output was closed (SIGPIPE)"
            default: "interrupted by signal \(number)"
            }
        }
    }

    /// Why writing the output failed, when it failed for another reason than a closed pipe
    /// (a full disk), for the reason stored with interrupted runs.
    private static var outputFailure: Int32? {
        [Console.Stream.output, .error].lazy.compactMap(Console.failure(of:)).first { $0 != EPIPE }
    }

    private func record(_ number: Int32) {
        lock.withLock {
            if received == nil { received = number }
        }
    }
}

/// Lets Ctrl-Z (SIGTSTP) stop the process only at a moment it holds no database lock, so a
/// stopped `runner` never blocks the other processes writing to the same file: the stop
/// waits for the end of the current transaction (a few milliseconds at most), clears the
/// progress display, and stops; `fg` or `kill -CONT` resumes it where it was.
public final class SuspensionHandler: @unchecked Sendable {
    private let source: any DispatchSourceSignal
    private let previous: (@convention(c) (Int32) -> Void)?

    /// Handles SIGTSTP for `store`, calling `beforeStopping` just before the process stops.
    public init(store: ExperimentStore, beforeStopping: @escaping @Sendable () -> Void) {
        previous = signal(SIGTSTP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGTSTP, queue: .global())
        source.setEventHandler {
            store.suspendOutsideTransactions {
                beforeStopping()
                // SIGSTOP cannot be caught or ignored, so it stops even with SIGTSTP handled here.
                // Sent to this thread, which stops before `raise` returns and so keeps the
                // connection until the process is continued. `kill(getpid(), …)` could return
                // first and let another thread begin a transaction before the whole process
                // stopped (about once in 200 Ctrl-Z under `swift test`, holding the lock).
                raise(SIGSTOP)
            }
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGTSTP, previous)
    }
}
