import Dispatch
import Foundation
import RunnerStore
import Synchronization

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
///
/// One per process at a time: the record is the process's, as signals are.
public final class InterruptionMonitor: @unchecked Sendable {
    private var previousActions: [(Int32, sigaction)] = []
    private var previousMask = sigset_t()
    private var previousPipeHandler: (@convention(c) (Int32) -> Void)?
    /// Watches for the first signal on behalf of `whenSignalled`.
    private var watch: (any DispatchSourceTimer)?

    /// Starts watching `signals`; they no longer end the process until the first arrives.
    ///
    /// Each gets a handler of its own at once (not a dispatch source, which registers on
    /// another thread a moment later: a signal in between was lost, and a sweep stopped by
    /// Slurm as it began trained to the end). The handler only records the signal and
    /// restores its default action; training polls the record.
    public init(signals: [Int32] = [SIGINT, SIGTERM, SIGQUIT, SIGHUP]) {
        firstSignal.store(0, ordering: .sequentiallyConsistent)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for number in signals {
            var previous = sigaction()
            sigaction(number, nil, &previous)
            // A signal the process was started ignoring (`nohup`, `trap '' INT`, a background
            // job of a script) stays ignored, as for any Unix tool.
            if Self.isIgnored(previous.__sigaction_handler.sa_handler) { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = recordSignal
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
            previousActions.append((number, previous))
            sigaddset(&unblocked, number)
        }
        // Should the parent have left them blocked (a thread of a Swift program that starts
        // runner with Foundation's `Process` can), the handler would never run.
        pthread_sigmask(SIG_UNBLOCK, &unblocked, &previousMask)
        previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        // A failed write to the output stops runs as a closed pipe does, whatever the cause.
        Console.whenClosed { _ in recordSignal(SIGPIPE) }
    }

    /// Whether `handler`, as `signal(2)` returns it, is SIG_IGN.
    public static func isIgnored(_ handler: (@convention(c) (Int32) -> Void)?) -> Bool {
        unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Calls `body` once, on another thread, within 50 ms of the first signal (not of a
    /// closed output): to say that the runs stop after their epoch, which can take long.
    public func whenSignalled(_ body: @escaping @Sendable (Int32) -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: .milliseconds(50))
        // Dispatch lets go of the handler, and so of the timer, once it is cancelled.
        timer.setEventHandler {
            let number = firstSignal.load(ordering: .sequentiallyConsistent)
            guard number != 0 else { return }
            timer.cancel()
            if number != SIGPIPE { body(number) }
        }
        timer.resume()
        watch = timer
    }

    /// Stops watching and gives each signal back the handling it had before.
    deinit {
        watch?.cancel()
        for (number, var action) in previousActions {
            sigaction(number, &action, nil)
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        signal(SIGPIPE, previousPipeHandler)
    }

    /// The first signal received, if any.
    public var signalReceived: Int32? {
        let number = firstSignal.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
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

}

/// The first signal the latest `InterruptionMonitor` received, 0 before one arrives.
private let firstSignal = Atomic<Int32>(0)

/// The handler of the signals an `InterruptionMonitor` watches: records the first to arrive
/// and gives the signal its default action back, so that a second Ctrl-C ends the process at
/// once. Only async-signal-safe work: an atomic exchange and `signal`.
private func recordSignal(_ number: Int32) {
    _ = firstSignal.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent)
    if number != SIGPIPE { signal(number, SIG_DFL) }
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
