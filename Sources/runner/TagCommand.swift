import ArgumentParser
import RunnerKit
import RunnerStore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Put tags (key=value) on runs, or remove them.",
        discussion: """
            A run has at most one value per key: tagging it again replaces the value. \
            list, compare, report and delete choose runs by tag with --tag key=value.

            Example:
              runner tag 1a2b3c4d 5e6f7a8b baseline=yes dataset=v2
              runner tag 1a2b3c4d --remove baseline
            """)

    @Argument(help: ArgumentHelp("Run ids (full or a unique prefix of 4 or more characters), then tags.", valueName: "id|key=value"))
    var arguments: [String]

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
        if ids.isEmpty {
            throw ValidationError("Give at least one run id before the tags (`runner list` shows the ids).")
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

    func run() throws {
        let tags = try arguments.dropFirst(ids.count).map(RunTag.init(parsing:))
        let store = try database.openForChanging()
        defer { store.close() }
        if !tags.isEmpty {
            let tagged = try store.setTags(tags, on: ids)
            note("tagged \(plural(tagged, "run")) \(tags.map(\.description).joined(separator: " "))")
        }
        if !remove.isEmpty {
            let removed = try store.removeTags(remove, from: ids)
            note("removed \(plural(removed, "tag")) (\(remove.joined(separator: ", "))) from \(plural(ids.count, "run"))")
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
        try store.setNote(text.isEmpty ? nil : text, on: reference)
        note(text.isEmpty ? "removed the note of \(reference)" : "noted \(reference)")
    }
}

/// "1 run", "3 runs".
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
