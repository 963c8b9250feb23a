import ArgumentParser
import RunnerKit
import RunnerStore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Put tags (key=value) on runs, or remove them.",
        discussion: """
            A run has at most one value per key: tagging it again replaces the value. \
            list, compare, plot, report, rerun and delete choose runs by tag with --tag key=value. \
            The runs are the ids given and those --group, --tag, --status and --last choose.

            Example:
              runner tag 1a2b3c4d 5e6f7a8b baseline=yes dataset=v2
              runner tag --group practical-sweep study=practical
              runner tag 1a2b3c4d --remove baseline
            """)

    @Argument(help: ArgumentHelp("Run ids (full or a unique prefix of 4 or more characters), then tags.", valueName: "id|key=value"))
    var arguments: [String] = []

    @OptionGroup var selectors: RunSelectors

    @Option(name: .long, help: ArgumentHelp("Remove the tag with this key. Repeatable.", valueName: "key"))
    var remove: [String] = []

    @OptionGroup var database: DatabaseOptions

    /// The run ids: the arguments before the first key=value.
    private var ids: [String] { Array(arguments.prefix { !$0.contains("=") }) }

    func validate() throws {
        let tagArguments = arguments.dropFirst(ids.count)
        if let stray = tagArguments.first(where: { !$0.contains("=") }) {
            throw ValidationError("'\(stray)' follows a tag but is not key=value; give the run ids first, then the tags.")
        }
        if choice.isEmpty {
            throw ValidationError("Give the runs to tag: their ids before the tags (`runner list` shows them), or --group, --tag, --status or --last.")
        }
        if tagArguments.isEmpty && remove.isEmpty {
            throw ValidationError("Give at least one tag as key=value after the run ids, e.g. baseline=yes (or --remove KEY).")
        }
        let tags: [RunTag]
        do {
            tags = try tagArguments.map(RunTag.init(parsing:))
            try remove.forEach { key throws(TagError) in try RunTag.check(key: key) }
        } catch {
            throw ValidationError("\(error)")
        }
        // The first key given twice, in the order given.
        if let key = tags.map(\.key).first(where: { key in tags.count { $0.key == key } > 1 }) {
            let given = tags.filter { $0.key == key }.map(\.description).joined(separator: ", ")
            throw refusedValue("the key '\(key)' is given twice (\(given)); a run has one value per key, so give one of them.")
        }
    }

    /// The ids given and the runs the selectors choose.
    private var choice: RunChoice { selectors.choice(ids: ids) }

    func run() throws {
        let tags = try arguments.dropFirst(ids.count).map(RunTag.init(parsing:))
        let store = try database.openForChanging()
        defer { store.close() }
        // Ids alone are resolved in the write (a prefix that matches no run changes nothing).
        let runs = choice == RunChoice(ids: ids) ? ids : try choice.summaries(in: store).map(\.id)
        if !tags.isEmpty {
            let tagged = try store.setTags(tags, on: runs)
            note("tagged \(plural(tagged, "run")) \(tags.map(\.description).joined(separator: " "))")
        }
        if !remove.isEmpty {
            let removed = try store.removeTags(remove, from: runs)
            note("removed \(plural(removed, "tag")) (\(remove.joined(separator: ", "))) from \(plural(Set(runs).count, "run"))")
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Write a note on a run (an empty note removes it).",
        discussion: """
            runner show prints the note; in SQL it is runs.note.

            Example:
              runner note 1a2b3c4d "baseline for the v2 data; lr too high at 0.5"
            """)

    @Argument(help: ArgumentHelp("The run id, full or any unique prefix of 4 or more characters.", valueName: "run"))
    var reference: String

    @Argument(help: "The note's text; it replaces any earlier note.")
    var text: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForChanging()
        defer { store.close() }
        let run = try store.setNote(text.isEmpty ? nil : text, on: reference)
        note(text.isEmpty ? "removed the note of \(run)" : "noted \(run)")
    }
}
