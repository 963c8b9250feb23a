import Foundation
import Testing

/// A spec whose runs take far longer than the tests wait: two seeds, so a sweep is cut short.
private let longSpec = Spec.small(name: "long", points: "2000", epochs: "2000", hidden: "64", learningRate: "0.01", seed: "[1, 2]")

extension Sandbox {
    /// Waits until the database holds at least `minimum` epoch rows; false after `timeout` seconds.
    func waitForEpochs(_ minimum: Int, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: database.path) {
                let result = try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 1000", database.path, "SELECT count(*) FROM epochs"])
                if result.status == 0, let count = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), count >= minimum {
                    return true
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Starts the long sweep, one run at a time unless `jobs` says otherwise, and returns
    /// once its first epoch is stored.
    func startLongRun(jobs: Int = 1) throws -> RunnerProcess {
        let process = try start("run", try spec("long", longSpec), "--jobs", String(jobs))
        let started = try waitForEpochs(1, timeout: 20)
        if !started { process.send(SIGKILL) }
        try #require(started, "the long run stored no epoch in time: \(process.wait(timeout: 5))")
        return process
    }
}

@Suite("signals: an interrupted run is recorded as such", .serialized)
struct SignalTests {
    @Test("SIGINT, SIGTERM, SIGQUIT (Ctrl-\\) and SIGHUP (a closed terminal) stop after the epoch, record the run interrupted, exit 130",
          arguments: [SIGINT, SIGTERM, SIGQUIT, SIGHUP])
    func interrupt(signal: Int32) throws {
        let sandbox = try Sandbox()
        let process = try sandbox.startLongRun()
        process.send(signal)
        let result = process.wait(timeout: 10)
        #expect(!result.timedOut && !result.endedBySignal && result.status == 130, "\(result)")
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGQUIT: "SIGQUIT", SIGHUP: "SIGHUP"][signal]!

        let runs = try sandbox.sqlite("SELECT id, short_id, status, error_message, finished_at IS NOT NULL, final_train_loss IS NOT NULL FROM runs")
        try #require(runs.count == 1, "the second run of the sweep is not started: \(runs)")
        let run = runs[0]
        #expect(run[2] == "interrupted")
        #expect(run[3].contains(name), "error_message: \(run[3])")
        #expect(run[4] == "1" && run[5] == "1", "finished, with the last epoch's metrics")
        let epochs = try sandbox.count("SELECT count(*) FROM epochs WHERE run_id = '\(run[0])'")
        #expect(epochs >= 1 && epochs < 2000)
        #expect(try sandbox.count("SELECT max(epoch) FROM epochs") == epochs, "epochs 1...n, none missing")
        #expect(try sandbox.count("SELECT count(*) FROM weights WHERE run_id = '\(run[0])'") == 2 * 64 + 2 * 64 + 1)
        #expect(result.stdout.contains(run[1]) && result.stdout.contains("interrupted"), "summary line: \(result.stdout)")
        #expect(result.stderr.contains(name) && result.stderr.contains("; 1 run interrupted, 1 run not started (run the same"), "\(result.stderr)")
        // The interrupted run can be read back like any other.
        let listed = try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout).records
        #expect(listed.map { $0["status"] } == ["interrupted"])
        try sandbox.succeed("plot", run[1], "--out", "curves.svg")
        #expect(try sandbox.succeed("export", run[1], "--what", "epochs").stdout.split(separator: "\n").count == epochs + 1)
    }

    @Test("Ctrl-\\ (SIGQUIT) ends any other command at once, without a crash report")
    func quitEndsAQuery() throws {
        let sandbox = try Sandbox()
        try sandbox.runSpec(try sandbox.spec("tiny"))
        let process = try sandbox.start("query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        Thread.sleep(forTimeInterval: 0.5)
        process.send(SIGQUIT)
        let result = process.wait(timeout: 10)
        #expect(!result.timedOut && result.endedBySignal && result.status == SIGQUIT, "\(result)")
        #expect(!result.stderr.contains("crashed") && !result.stderr.contains("Backtrac"), "\(result.stderr)")
    }

    @Test("a signal runner was started ignoring (trap '' INT) stays ignored; SIGTERM still stops it")
    func ignoredSignalStaysIgnored() throws {
        let sandbox = try Sandbox()
        try sandbox.spec("long", longSpec)
        let process = RunnerProcess([], in: sandbox.url)
        process.process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.process.arguments = ["-c", "trap '' INT; exec '\(RunnerBinary.url.path)' run long.json --jobs 1"]
        try process.start()
        try #require(try sandbox.waitForEpochs(1, timeout: 20), "the long run stored no epoch in time")
        process.send(SIGINT)
        let epochs = try sandbox.count("SELECT count(*) FROM epochs")
        #expect(try sandbox.waitForEpochs(epochs + 5, timeout: 10), "still training after SIGINT")
        #expect(process.isRunning)
        process.send(SIGTERM)
        let result = process.wait(timeout: 10)
        #expect(!result.timedOut && result.status == 130, "\(result)")
        let runs = try sandbox.sqlite("SELECT status, error_message FROM runs")
        #expect(runs.count == 1 && runs[0][0] == "interrupted" && runs[0][1].contains("SIGTERM"), "\(runs)")
    }

    @Test("SIGKILL leaves a running row that the next read marks interrupted")
    func kill9() throws {
        let sandbox = try Sandbox()
        let process = try sandbox.startLongRun()
        process.send(SIGKILL)
        let result = process.wait(timeout: 10)
        #expect(result.endedBySignal && result.shellStatus == 137, "\(result)")
        #expect(try sandbox.scalar("SELECT status FROM runs") == "running", "nobody could record the end")

        let listed = try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout).records
        #expect(listed.map { $0["status"] } == ["interrupted"])
        let run = try sandbox.sqlite("SELECT status, finished_at IS NOT NULL, error_message FROM runs")
        #expect(run.first?[0] == "interrupted" && run.first?[1] == "1", "the reaping is stored: \(run)")
        #expect(run.first?[2].isEmpty == false, "error_message says why")
        #expect(try sandbox.count("SELECT count(*) FROM epochs") >= 1, "its epochs are kept")
    }

    @Test("a second Ctrl-C ends the process at once; the run is then found interrupted")
    func secondInterrupt() throws {
        let sandbox = try Sandbox()
        let process = try sandbox.startLongRun()
        process.send(SIGINT)
        process.send(SIGINT)
        let result = process.wait(timeout: 10)
        #expect(!result.timedOut)
        // Whichever came first, the end of the epoch or the second signal, the run ends interrupted.
        let listed = try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout).records
        #expect(listed.map { $0["status"] } == ["interrupted"])
    }

    @Test("with --jobs 2, Ctrl-C stops both runs in flight after their epoch; none is left running")
    func interruptParallelRuns() throws {
        let sandbox = try Sandbox()
        let process = try sandbox.startLongRun(jobs: 2)
        #expect(try sandbox.waitForRuns(2, timeout: 20), "both runs start")
        process.send(SIGINT)
        let result = process.wait(timeout: 10)
        #expect(result.status == 130 && !result.endedBySignal, "\(result)")
        #expect(try sandbox.sqlite("SELECT status, finished_at IS NOT NULL FROM runs") == [["interrupted", "1"], ["interrupted", "1"]])
        #expect(try sandbox.count("SELECT count(*) FROM weights") == 2 * (2 * 64 + 2 * 64 + 1))
        #expect(result.stderr.contains("; 2 runs interrupted (run the same command again to train them)."), "\(result.stderr)")
    }

    @Test("runs of fast epochs, whose epochs join the queue in groups, store them while they train and lose none to Ctrl-C",
          arguments: [1, 2])
    func fastEpochsInGroups(jobs: Int) throws {
        let sandbox = try Sandbox()
        // Tens of thousands of epochs a second: a worker hands them over 64 at a time or every 5 ms.
        let fast = Spec.small(name: "fast", points: "100", epochs: "1000000", hidden: "4", seed: "[1, 2]")
        let process = try sandbox.start("run", try sandbox.spec("fast", fast), "--jobs", String(jobs))
        #expect(try sandbox.waitForEpochs(5_000, timeout: 20), "epochs are committed while the runs train")
        process.send(SIGINT)
        let result = process.wait(timeout: 20)
        #expect(result.status == 130 && !result.endedBySignal, "\(result)")
        let runs = try sandbox.sqlite("""
            SELECT r.status, count(e.epoch) = max(e.epoch),
                   r.final_train_loss IS (SELECT train_loss FROM epochs WHERE run_id = r.id ORDER BY epoch DESC LIMIT 1)
            FROM runs r JOIN epochs e ON e.run_id = r.id GROUP BY r.id
            """)
        #expect(runs.count == jobs && runs.allSatisfy { $0 == ["interrupted", "1", "1"] },
                "every run stored epochs 1…n, n its last, whose loss is its final one: \(runs)")
    }

    @Test("Ctrl-C during a long epoch says at once that the run stops after it")
    func interruptDuringALongEpoch() throws {
        let sandbox = try Sandbox()
        // Epochs of a large fraction of a second each.
        let process = try sandbox.start("run", try sandbox.spec("long", Spec.small(name: "long", points: "50000", epochs: "20", hidden: "256")))
        #expect(try sandbox.waitForEpochs(1, timeout: 30), "the run trains")
        process.send(SIGINT)
        let result = process.wait(timeout: 60)
        #expect(result.status == 130, "\(result)")
        let lines = result.stderr.split(separator: "\n")
        let said = lines.firstIndex { $0.hasPrefix("runner: stopping each run in flight after its current epoch; a second Ctrl-C stops at once") }
        let ended = lines.firstIndex { $0.contains("interrupted by SIGINT") }
        #expect(said != nil && ended != nil && said! < ended!, "said before the run ended: \(result.stderr)")
        #expect(try sandbox.scalar("SELECT status FROM runs") == "interrupted")
    }

    @Test("a run of slow epochs (fewer than a group) has them stored while it trains, not only at its end")
    func slowEpochsStoredWhileTraining() throws {
        let sandbox = try Sandbox()
        // 40 epochs of milliseconds each, claimed before they train (no early epochs): each waits
        // at most 5 ms to join the queue, not for 64 of them.
        let process = try sandbox.start("run", try sandbox.spec("slow", Spec.small(name: "slow", points: "5000", epochs: "40", hidden: "128")))
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(30)
        while seen.isEmpty && Date() < deadline {
            // In one read: the epochs stored and the run's status then (the file may not be made yet).
            let read = try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 1000", sandbox.database.path, "SELECT (SELECT count(*) FROM epochs) || ',' || status FROM runs"])
            let row = read.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
            if read.status == 0, row.count == 2, row[0] != "0" { seen = row }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(process.wait(timeout: 60).status == 0)
        #expect(seen.count == 2 && seen[1] == "running" && Int(seen[0]).map { $0 < 40 } == true,
                "the first epochs stored came while the run trained: \(seen)")
    }

    @Test("Ctrl-C during rerun --jobs 2 stops both reruns after their epoch; neither is called a failed reproduction")
    func interruptParallelReruns() throws {
        let sandbox = try Sandbox()
        // Two stored runs of one epoch whose specs, edited, now ask for 20,000 (longer than the test).
        let originals = try sandbox.runSpec(try sandbox.spec("long", longSpec.replacingOccurrences(of: "\"epochs\": 2000", with: "\"epochs\": 1")))
        try sandbox.sqlite("UPDATE runs SET spec_json = json_set(spec_json, '$.training.epochs', 20000)")
        let process = try sandbox.start("rerun", "--group", "long", "--jobs", "2")
        #expect(try sandbox.waitForRuns(4, timeout: 20) && sandbox.waitForEpochs(4, timeout: 20), "both reruns train")
        process.send(SIGINT)
        let result = process.wait(timeout: 20)
        #expect(result.status == 130, "\(result)")
        for original in originals {
            #expect(result.stdout.contains("  stopped interrupted after "), "\(result.stdout)")
            #expect(result.stdout.contains(": not compared with \(original.prefix(8))"), "\(result.stdout)")
        }
        #expect(!result.stdout.contains("differ"), "\(result.stdout)")
        #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status = 'interrupted'") == 2)
    }

    @Test("Ctrl-Z stops runner outside any transaction: another writer goes on at once")
    func suspendedWriterHoldsNoLock() throws {
        let sandbox = try Sandbox()
        let process = try sandbox.startLongRun()
        for _ in 0..<20 {
            process.send(SIGTSTP)
            #expect(try sandbox.waitForState("T", of: process, timeout: 5), "Ctrl-Z stops the process")
            // A write needs the lock at once: sqlite3 gives up after 200 ms rather than waiting.
            let write = try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 200", sandbox.database.path, "UPDATE runs SET name = name"])
            #expect(write.status == 0 && write.stderr.isEmpty, "the stopped runner holds no lock: \(write)\n\(sandbox.lockReport(for: process))")
            process.send(SIGCONT)
            #expect(try sandbox.waitForState("RS", of: process, timeout: 5))
        }
        process.send(SIGINT)
        #expect(process.wait(timeout: 10).status == 130)
    }

    @Test("a writer waits for a held lock, keeps training, and says who holds it")
    func waitsForAHeldLock() throws {
        let sandbox = try Sandbox()
        // sqlite3 takes the write lock and keeps it for 7 s.
        let (waiting, holder) = try sandbox.runWhileLockIsHeld(seconds: 7, "run", try sandbox.spec("other", Spec.small(name: "other", epochs: "50", seed: "5")))
        #expect(waiting.status == 0, "\(waiting)")
        #expect(waiting.stderr.contains("for the write lock on runner.db, held by process \(holder.processIdentifier)"), "\(waiting.stderr)")
        #expect(try sandbox.count("SELECT count(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = 'other'") == 50)
    }

    @Test("tag, note, delete and merge wait for a held lock as run does, saying who holds it, rather than fail after 30 s")
    func everyWriterWaits() throws {
        let sandbox = try Sandbox()
        try sandbox.succeed("run", try sandbox.spec("pair", Spec.small(name: "pair", seed: "[1, 2]")), "--quiet")
        try sandbox.succeed("run", try sandbox.spec("other", Spec.small(name: "other", seed: "5")), "--db", "other.db", "--quiet")
        let (kept, deleted) = try (sandbox.scalar("SELECT short_id FROM runs WHERE name = 'pair seed=1'"), sandbox.scalar("SELECT short_id FROM runs WHERE name = 'pair seed=2'"))
        let holder = try sandbox.holdWriteLock(seconds: 8)
        let writers = [["tag", kept, "k=v"], ["note", kept, "held"], ["merge", "other.db"], ["delete", deleted, "--yes"]].map {
            RunnerProcess($0, in: sandbox.url)
        }
        for writer in writers { try writer.start() }
        for (writer, result) in zip(writers, writers.map { $0.wait(timeout: 60) }) {
            #expect(result.status == 0 && result.stderr.contains(
                "runner: waiting 5 s for the write lock on runner.db, held by process \(holder.processIdentifier); Ctrl-C gives up\n"),
                "\(writer.process.arguments ?? []): \(result)")
        }
        holder.waitUntilExit()
        #expect(try sandbox.sqlite("SELECT name, note FROM runs ORDER BY name") == [["other", ""], ["pair seed=1", "held"]])
        #expect(try sandbox.sqlite("SELECT key, value FROM run_tags") == [["k", "v"]])
    }
}

extension SignalTests {
    @Test("a run trains while its claim waits for another process's lock, up to 10,000 epochs, and records every epoch")
    func trainsWhileClaimWaits() throws {
        // Given a database whose write lock sqlite3 holds for 3 s,
        // when a run of 15,000 quick epochs starts meanwhile
        let sandbox = try Sandbox()
        let spec = Spec.small(name: "quick", points: "20", epochs: "15000", seed: "3")
        let (waiting, _) = try sandbox.runWhileLockIsHeld(seconds: 3, "run", try sandbox.spec("quick", spec), "--quiet")
        #expect(waiting.status == 0, "\(waiting)")
        // Then its first 10,000 epochs trained before the claim was in, and the rest after it
        let elapsed = try sandbox.sqlite("SELECT elapsed_seconds FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = 'quick' AND epoch IN (10000, 10001) ORDER BY epoch")
            .compactMap { Double($0[0]) }
        #expect(elapsed.count == 2 && elapsed[1] - elapsed[0] > 0.5, "\(elapsed)")
        // and every epoch is stored as a run without the wait stores it
        let epochs = "SELECT epoch, train_loss, train_accuracy, validation_loss, validation_accuracy FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = 'quick' ORDER BY epoch"
        let alone = try Sandbox()
        try alone.succeed("run", try alone.spec("quick", spec), "--quiet")
        let stored = try sandbox.sqlite(epochs)
        #expect(stored.count == 15_000)
        #expect(stored == (try alone.sqlite(epochs)))
    }
}

extension SignalTests {
    @Test("a run that ends before its claim is made is stored ending when it started, not before")
    func endsNoEarlierThanItStarts() throws {
        // Given a database whose write lock sqlite3 holds for 2 s, when two runs of a few
        // epochs train meanwhile, the second ending long before its claim, queued behind the
        // first one's, is made
        let sandbox = try Sandbox()
        let spec = Spec.small(name: "brief", points: "20", epochs: "20", seed: "[1, 2]")
        let (result, _) = try sandbox.runWhileLockIsHeld(seconds: 2, "run", try sandbox.spec("brief", spec), "--jobs", "2", "--quiet")
        #expect(result.status == 0, "\(result)")
        // Then no run ends before it starts, and no duration is negative
        #expect(try sandbox.sqlite("SELECT finished_at >= started_at, duration_seconds >= 0 FROM run_summary WHERE name LIKE 'brief%'") == [["1", "1"], ["1", "1"]])
    }

    @Test("a worker whose run ended before its claim goes on to the next runs, which then end before their own claims too")
    func workerGoesOnWhileClaimWaits() throws {
        // Given a database whose write lock sqlite3 holds for 2 s, and --jobs 1: the first run
        // ends long before its claim is made; its worker trains the next three meanwhile
        // (about a tenth of a second each), rather than waiting to train them after that claim
        let sandbox = try Sandbox()
        let spec = Spec.small(name: "brief", points: "200", epochs: "300", hidden: "16", seed: "[1, 2, 3, 4]")
        let (result, _) = try sandbox.runWhileLockIsHeld(seconds: 2, "run", try sandbox.spec("brief", spec), "--jobs", "1", "--quiet")
        #expect(result.status == 0, "\(result)")
        // Then the other runs ended before their claims were made too: they finished before they
        // were created (stamped by the claim; the first run's claim began at once), and each
        // started (when its training began) before it finished, its last sign of life at its end
        #expect(try sandbox.sqlite("""
            SELECT finished_at < created_at, started_at < finished_at, heartbeat_at = finished_at FROM runs WHERE name LIKE 'brief%' ORDER BY created_at
            """) == [["0", "1", "1"], ["1", "1", "1"], ["1", "1", "1"], ["1", "1", "1"]])
        #expect(try sandbox.count("SELECT count(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name LIKE 'brief%'") == 1_200)
    }
}

extension Sandbox {
    /// Records a run (so the database exists), then runs `runner arguments` while sqlite3
    /// holds the write lock for `seconds`; returns its result once sqlite3 has let go too.
    func runWhileLockIsHeld(seconds: Int, _ arguments: String...) throws -> (result: ProcessResult, holder: Process) {
        try succeed("run", try spec("tiny"), "--quiet")
        let holder = try holdWriteLock(seconds: seconds)
        let result = try RunnerProcess.run(arguments, in: url, timeout: 60)
        holder.waitUntilExit()
        return (result, holder)
    }

    /// Starts sqlite3 holding the database's write lock for `seconds`; returns once it holds it.
    func holdWriteLock(seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [database.path, "BEGIN IMMEDIATE;", ".shell sleep \(seconds)", "COMMIT;"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        // Returns once sqlite3 holds the lock (a loaded machine may take a while to start it), at most 10 s.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !holdsWriteLock(holder.processIdentifier) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        return holder
    }

    /// Whether process `pid` holds SQLite's WAL write lock (byte 120 of a `-shm` file) by `/proc/locks`.
    private func holdsWriteLock(_ pid: Int32) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return false }
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return !line.contains("->") && fields.count >= 8 && fields[3] == "WRITE" && fields[4] == "\(pid)" && fields[6] == "120"
        }
    }

    /// Waits until the database holds `count` runs; false after `timeout` seconds.
    func waitForRuns(_ count: Int, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try self.count("SELECT count(*) FROM runs") >= count { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// For a failure message: the `/proc/locks` lines on the database's files (offset 120 of
    /// the `-shm` file is SQLite's WAL write lock) and the state and kernel wait channel of
    /// each of `process`'s threads.
    func lockReport(for process: RunnerProcess) -> String {
        var lines = ["runner pid \(process.process.processIdentifier)"]
        var inodes: [String] = []
        for name in ["runner.db", "runner.db-wal", "runner.db-shm"] {
            var info = stat()
            guard stat(url.appendingPathComponent(name).path, &info) == 0 else { continue }
            inodes.append(":\(info.st_ino) ")
            lines.append("\(name): inode \(info.st_ino)")
        }
        let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
        for line in locks.split(separator: "\n") where inodes.contains(where: { line.contains($0) }) {
            lines.append(String(line))
        }
        let task = "/proc/\(process.process.processIdentifier)/task"
        for id in ((try? FileManager.default.contentsOfDirectory(atPath: task)) ?? []).sorted() {
            let stat = (try? String(contentsOfFile: "\(task)/\(id)/stat", encoding: .utf8)) ?? ""
            let state: String = stat.lastIndex(of: ")").map { String(stat[stat.index($0, offsetBy: 2)]) } ?? "?"
            let channel = (try? String(contentsOfFile: "\(task)/\(id)/wchan", encoding: .utf8)) ?? "?"
            lines.append("thread \(id): state \(state), waiting in \(channel)")
        }
        return lines.joined(separator: "\n")
    }

    /// Waits until `process` is in one of the `/proc` states `states` ("T" stopped, "R"/"S" running); false after `timeout`.
    func waitForState(_ states: String, of process: RunnerProcess, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let stat = (try? String(contentsOfFile: "/proc/\(process.process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            if let name = stat.lastIndex(of: ")"), let state = stat[stat.index(after: name)...].dropFirst().first, states.contains(state) {
                return true
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}
