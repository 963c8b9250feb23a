import Foundation
import Testing
@testable import RunnerKit

@Suite("Signals as an interruption", .serialized)
struct InterruptionMonitorTests {
    @Test("a signal that arrives the moment watching begins is recorded, not lost")
    func signalRightAfterStart() {
        let monitor = InterruptionMonitor(signals: [SIGUSR1])
        // The handler runs before raise returns: nothing is registered later on another thread.
        raise(SIGUSR1)
        #expect(monitor.signalReceived == SIGUSR1 && monitor.exitStatus == 130)
        // The first one counts; the signal has its default action back (a second one would end the process).
        var action = sigaction()
        sigaction(SIGUSR1, nil, &action)
        #expect(action.__sigaction_handler.sa_handler == nil)  // SIG_DFL
    }

    @Test("watching ends with the handling each signal had before")
    func handlingRestored() {
        let own: @convention(c) (Int32) -> Void = { _ in }
        let previous = signal(SIGUSR1, own)
        defer { signal(SIGUSR1, previous) }
        func handler() -> Int {
            var action = sigaction()
            sigaction(SIGUSR1, nil, &action)
            return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
        }
        var monitor: InterruptionMonitor? = InterruptionMonitor(signals: [SIGUSR1])
        #expect(handler() != unsafeBitCast(own, to: Int.self) && monitor != nil)
        monitor = nil
        #expect(handler() == unsafeBitCast(own, to: Int.self))
    }

    @Test("a signal the process was started ignoring stays ignored")
    func ignoredSignalStaysIgnored() {
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let monitor = InterruptionMonitor(signals: [SIGUSR2])
        raise(SIGUSR2)
        #expect(monitor.signalReceived == nil)
    }
}
