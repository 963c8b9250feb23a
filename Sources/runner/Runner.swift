import ArgumentParser
import Foundation
import RunnerKit

@main
struct Runner: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train small neural networks from experiment specs and keep every run in SQLite.",
        discussion: """
            Runs, their per-epoch metrics and final weights are stored in one SQLite file \
            (runner.db in the current folder, or --db, or $RUNNER_DB) that you can also open with sqlite3.
            """,
        version: RunnerVersion.current,
        subcommands: [
            RunCommand.self, ListCommand.self, ShowCommand.self, CompareCommand.self,
            QueryCommand.self, ExportCommand.self, PlotCommand.self, ReportCommand.self, GradcheckCommand.self, MigrateCommand.self,
            MergeCommand.self, SlurmCommand.self,
            RerunCommand.self, TagCommand.self, NoteCommand.self, DeleteCommand.self,
        ])

    /// Parses and runs the command, first catching a misspelt subcommand, which
    /// the argument parser would report without a suggestion, and arguments that are not
    /// UTF-8; exits 1 when its output could not be written.
    static func main() {
        quitWithoutCrashReport()
        openMissingStandardStreams()
        refuseArgumentsThatAreNotUTF8()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        // `runner --db x.db list`: the argument parser would only say that --db is unknown.
        if let first = arguments.first, first.hasPrefix("-"), !["-h", "--help", "--version"].contains(first),
           let position = arguments.firstIndex(where: names.contains) {
            var reordered = arguments
            reordered.insert(reordered.remove(at: position), at: 0)
            note("Error: options go after the command: runner \(reordered.map(shellQuoted).joined(separator: " "))")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if let word = arguments.first, !word.hasPrefix("-"), word != "help" {
            if !names.contains(word) {
                let hint = closestMatch(to: word, among: names).map { "; did you mean '\($0)'?" } ?? ""
                note("Error: unknown command '\(word)'\(hint)\nThe commands are: \(names.joined(separator: ", ")). See 'runner --help'.")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            guard exitCode(for: error) == .success else {
                // As `exit(withError:)` does, through `note`, which shows control characters as pictures.
                let message = fullMessage(for: error)
                if !message.isEmpty { note(message) }
                Foundation.exit(exitCode(for: error).rawValue)
            }
            // --help and --version, printed here rather than by the argument parser, which
            // would exit 0 before their text is known to have reached the output.
            Console.write(fullMessage(for: error) + "\n")
        }
        // Output that did not reach its file (a full disk, `> /dev/full`, a closed pipe while
        // SIGPIPE is ignored) is a failure, as in other Unix tools.
        if let error = Console.failure(of: .output) {
            note("Error: cannot write standard output: \(String(cString: strerror(error)))")
            Foundation.exit(1)
        }
    }

    /// Gives Ctrl-\ (SIGQUIT) its usual meaning, quit, unless the process was started
    /// ignoring it: the Swift runtime would print a crash report for it and go on. It is
    /// unblocked too, should the parent have left it blocked (as a thread of a Swift program
    /// that starts runner with Foundation's `Process` can). (`runner run` stops its runs for
    /// it as for Ctrl-C, see `InterruptionMonitor`.)
    private static func quitWithoutCrashReport() {
        let previous = signal(SIGQUIT, SIG_DFL)
        if InterruptionMonitor.isIgnored(previous) { signal(SIGQUIT, SIG_IGN) }
        var quit = sigset_t()
        sigemptyset(&quit)
        sigaddset(&quit, SIGQUIT)
        pthread_sigmask(SIG_UNBLOCK, &quit, nil)
    }

    /// Puts /dev/null where the process was started without standard input, output or error
    /// (`2>&-`), so that a file opened later cannot take their place and receive text meant
    /// for them; missing output still counts as output that could not be written.
    private static func openMissingStandardStreams() {
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 {
            _ = open("/dev/null", O_RDWR)  // the lowest free descriptor: this one
            if descriptor == Console.Stream.output.rawValue { Console.markClosed(.output, error: EBADF) }
        }
    }

    /// Refuses an argument that is not UTF-8, which Swift would turn into U+FFFD and store
    /// in names, tags and notes as such.
    private static func refuseArgumentsThatAreNotUTF8() {
        for position in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[position] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            let shown = bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            note("Error: argument \(position) (\(shown)) is not valid UTF-8; runner stores names, tags, notes and paths as UTF-8: write it in UTF-8.")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
    }
}
