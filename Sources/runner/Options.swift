import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

/// `--jobs`, for the commands that train.
struct JobsOption: ParsableArguments {
    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp(
        "Runs trained at once (default: the processors this process may use, \(ProcessorAffinity.availableCores) here).",
        valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 {
            throw refusedValue("--jobs must be at least 1, got \(jobs); use --jobs 1 to train one run at a time.")
        }
    }

    /// The runs to train at once for `runs` runs: more than runs would only idle.
    func requested(forRuns runs: Int) -> Int {
        min(jobs ?? ProcessorAffinity.availableCores, max(1, runs))
    }
}

/// The database every command reads or writes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite database file (default: $RUNNER_DB, or runner.db in the current folder).", valueName: "path"))
    var db: String?

    func validate() throws {
        if db?.isEmpty == true { throw refusedValue("--db needs the path of a database file, got an empty one.") }
    }

    /// The path to use: --db, then $RUNNER_DB, then runner.db.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["RUNNER_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "runner.db"
    }

    /// The store for a command that only reads.
    func openForReading() throws -> ExperimentStore {
        do {
            return try ExperimentStore.openForReading(path: path)
        } catch .noDatabase(let missing) {
            throw Self.noDatabase(missing)
        }
    }

    /// That there is no database at `path`, suggesting one of a similar name in its folder
    /// (`--db runer.db` beside a `runner.db`).
    private static func noDatabase(_ path: String) -> CLIError {
        let url = URL(fileURLWithPath: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        let similar = closestMatch(to: url.lastPathComponent, among: names.filter { $0.hasSuffix(".db") && $0 != url.lastPathComponent })
        let suggestion = similar.map { name in
            "; did you mean \(path.contains("/") ? url.deletingLastPathComponent().appendingPathComponent(name).path : name)?"
        }
        return CLIError(StoreError.noDatabase(path: path).description + (suggestion ?? ""))
    }

    /// The store for a command that writes (created when missing). Opening an existing file
    /// to write checks it for damage, reading all of it (2 s for 400 MB of runs): for a
    /// large file, say so first rather than pause without a word. Its writes wait for another
    /// process's write lock as long as it is held, saying every 5 s who holds it.
    func openForWriting() throws -> ExperimentStore {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size >= Self.announcedCheckSize {
            note("runner: checking \(path) (\(MemoryEstimate.describe(size))) for damage before writing to it")
        }
        return try ExperimentStore(path: path, lockWaiting: .patient(reportAfter: 5) { wait in
            note("runner: \(wait); Ctrl-C gives up")
        })
    }

    /// From this size the damage check of `openForWriting` takes long enough to announce.
    static let announcedCheckSize = 100_000_000

    /// The store for a command that changes existing runs (tag, note, delete, rerun):
    /// the file must exist; abandoned runs are marked first, as for reading.
    func openForChanging() throws -> ExperimentStore {
        guard FileManager.default.fileExists(atPath: path) else { throw Self.noDatabase(path) }
        let store = try openForWriting()
        try store.reapAbandonedRuns()
        return store
    }
}

/// The output format of commands that print rows.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
extension ExportContent: ExpressibleByArgument {}
extension SweepAxis: ExpressibleByArgument {
    /// `learning_rate` or `hidden`, or `lr`, the learning rate's column in tables.
    public init?(argument: String) {
        self.init(rawValue: argument == "lr" ? Self.learningRate.rawValue : argument)
    }
}

/// Which runs a command works on: the ids given, and the runs that pass the filters
/// (see `RunChoice`: filters of different kinds narrow each other, as in `runner list`).
struct RunSelection: ParsableArguments {
    @Argument(help: "Run ids, full or any unique prefix of 4 or more characters.")
    var runs: [String] = []

    @OptionGroup var selectors: RunSelectors

    /// What the arguments choose: the ids, and the runs that pass the filters, each once.
    var choice: RunChoice {
        selectors.choice(ids: runs)
    }

    /// For commands that change runs, which never default to the latest group.
    func requireChoice(toDo verb: String) throws {
        if choice.isEmpty {
            throw ValidationError("Name the runs to \(verb): run ids, --group, --tag, --status, --where or --last.")
        }
    }

    /// The selected runs; see `RunChoice`.
    func summaries(in store: ExperimentStore) throws -> [RunSummary] {
        try choice.summaries(in: store)
    }
}

/// Runs chosen by what they are rather than by id: groups, tags, statuses, the most recent
/// runs (`runner tag --group G`, with no list of ids to pass). Different filters narrow
/// each other; a repeated one takes any of its values.
struct RunSelectors: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Runs of this group (a sweep). Repeatable: runs of any of them. Different filters narrow each other; ids add runs.", valueName: "name"))
    var group: [String] = []

    @Option(name: .long, help: ArgumentHelp("Runs with this tag. Repeatable: runs with any of them.", valueName: "key=value"))
    var tag: [String] = []

    @Option(name: .long, help: ArgumentHelp("Runs with this status. Repeatable: runs with any of them.", valueName: "status"))
    var status: [RunStatus] = []

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Runs whose spec sets this setting to this value (hidden=7, lr=0.02, init=he, data.noise=0.1). Repeatable: one setting takes any of its values, different ones narrow each other.",
        valueName: "setting=value"))
    var settings: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The N most recent runs (of those the other filters choose).", valueName: "N"))
    var last: Int?

    func validate() throws {
        if let last, last < 1 {
            throw refusedValue("--last needs a positive number of runs, got \(last).")
        }
        _ = try parsedTags(tag)
        _ = try parsedSettings(settings)
    }

    /// The runs with these `ids` and the ones these selectors choose.
    func choice(ids: [String]) -> RunChoice {
        // validate() has checked the tags and settings.
        RunChoice(
            ids: ids, groups: group, tags: (try? parsedTags(tag)) ?? [], statuses: status,
            settings: (try? parsedSettings(settings)) ?? [], last: last)
    }
}

/// `key=value` arguments of --tag as tags; a bad one is a usage error.
func parsedTags(_ arguments: [String]) throws -> [RunTag] {
    do {
        return try arguments.map(RunTag.init(parsing:))
    } catch {
        throw refusedValue("--tag \(error)")
    }
}

/// `name=value` arguments of --where as matches, one per setting, its values in the order
/// given; an unknown setting or a malformed argument is a usage error.
func parsedSettings(_ arguments: [String]) throws -> [SettingMatch] {
    var matches: [SettingMatch] = []
    for argument in arguments {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw refusedValue("--where \(argument): give a setting and a value, e.g. --where hidden=7.")
        }
        guard let path = RunSettings.path(named: parts[0]) else {
            throw refusedValue("--where \(argument): no setting is called '\(parts[0])'"
                + (closestMatch(to: parts[0], among: RunSettings.settingNames).map { "; did you mean '\($0)'?" } ?? "")
                + " (settings: \(RunSettings.settingNames.joined(separator: ", ")), or a spec path such as data.noise).")
        }
        if let index = matches.firstIndex(where: { $0.path == path }) {
            matches[index].values.append(parts[1])
        } else {
            matches.append(SettingMatch(path: path, values: [parts[1]]))
        }
    }
    return matches
}

/// An error the command line reports as it is.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Whether a stream is a terminal, and whether colour may be used on it.
enum Terminal {
    static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org);
    /// decided once, as every finished run asks.
    static let usesColor = isTerminal(STDOUT_FILENO) && getenv("NO_COLOR") == nil

    /// `text` in the colour that goes with a run status.
    static func colored(_ text: String, status: RunStatus) -> String {
        guard usesColor else { return text }
        let code = switch status {
        case .completed: "32"
        case .running: "36"
        case .interrupted: "33"
        case .diverged, .failed: "31"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// Writes `text` to standard output as is: the data a command produces. A closed output
/// drops it (see `Console`).
func write(_ text: String) {
    Console.write(text)
}

/// Writes `text` and a newline to standard error: notes and hints, not data.
func note(_ text: String) {
    // Messages may quote what a user gave or stored (a tag, a note, a path): never control codes.
    Console.write(Table.visibleControlCharacters(text) + "\n", to: .error)
}

/// "1 run", "3 runs", "1,000,000 runs".
func plural(_ count: Int, _ noun: String) -> String {
    "\(Format.count(count)) \(noun)\(count == 1 ? "" : "s")"
}

/// Refuses a value given on the command line in one line, "Error: …", with exit status 64:
/// the message names the option and the fix, so the argument parser's usage lines (which it
/// adds to a `ValidationError`) would say nothing more.
func refusedValue(_ message: String) -> ExitCode {
    note("Error: \(message)")
    return .validationFailure
}
