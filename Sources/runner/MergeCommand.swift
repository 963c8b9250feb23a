import ArgumentParser
import Foundation
import RunnerStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Copy the runs of other runner databases (shards, another machine's results) into this one.",
        discussion: """
            Every run the target lacks is copied with its epochs, weights and data sets; a run the \
            target holds in an older state (still running or taken for abandoned, fewer epochs) is brought up to date, so \
            merging while shards still train and again at the end works. Merging the same sources \
            again changes nothing. Sources are opened read-only; each is checked first (a runner \
            database of this schema, intact) and merged in one transaction. A run whose short id \
            belongs to another run of the target is not copied: merge names it and exits 1.

            Example:
              runner merge slurm/practical-sweep/shards/*.db --db sweep.db
            """)

    @Argument(help: ArgumentHelp("Runner databases to copy runs from.", valueName: "source.db"))
    var sources: [String]

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // `runner merge *.db --db study.db` names the target among the sources: it is left out
        // (unless it is the only one, which checkMergeSource refuses).
        let others = sources.filter { !ExperimentStore.isSameFile($0, database.path) }
        if !others.isEmpty && others.count < sources.count {
            let target = sources.filter { ExperimentStore.isSameFile($0, database.path) }
            note("runner: leaving out \(target.joined(separator: ", ")), the target, from the sources")
        }
        let sources = others.isEmpty ? self.sources : others
        // Every source is checked before the target is opened, let alone written.
        for source in sources {
            try ExperimentStore.checkMergeSource(source, into: database.path)
        }
        let created = !FileManager.default.fileExists(atPath: database.path)
        let store = try database.openForWriting()
        defer { store.close() }
        var notCopied = 0
        for (index, source) in sources.enumerated() {
            let summary: MergeSummary
            do {
                summary = try store.merge(from: source)
            } catch {
                // Not deleted: another process may have opened the new file meanwhile.
                if created && index == 0 { note("runner: \(database.path) was created for this merge and holds no runs") }
                throw error
            }
            write(describe(summary) + "\n")
            if summary.repeated > 0 {
                note("runner: \(summary.repeated) of the runs added from \(source) repeat experiments that other runs in \(database.path) also finished (the same spec on the same points, under other ids); both are kept, and compare and list show both")
            }
            if !summary.conflicting.isEmpty {
                let one = summary.conflicting.count == 1
                let ids = summary.conflicting.prefix(5).joined(separator: ", ") + (summary.conflicting.count > 5 ? ", …" : "")
                note("runner: \(plural(summary.conflicting.count, "run")) of \(source) \(one ? "was" : "were") not copied: "
                    + "\(one ? "its short id belongs to another run" : "their short ids belong to other runs") of \(database.path) (\(ids)); "
                    + "\(one ? "it stays" : "they stay") in \(source) alone, so keep that file")
                notCopied += summary.conflicting.count
            }
        }
        // `runner merge a.db --db b.db && rm a.db` must not lose a run.
        if notCopied > 0 { throw ExitCode.failure }
    }

    private func describe(_ summary: MergeSummary) -> String {
        let runs = summary.added + summary.updated + summary.unchanged
        if runs == 0 && summary.conflicting.isEmpty {
            return "\(summary.source): nothing to merge, it holds no runs"
        }
        if summary.changedNothing && summary.conflicting.isEmpty {
            return "\(summary.source): nothing to merge, its \(plural(runs, "run")) \(runs == 1 ? "is" : "are") already in \(database.path)"
        }
        var text = "\(summary.source): \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged"
        if summary.datasetsAdded > 0 { text += " (\(plural(summary.datasetsAdded, "data set")) added)" }
        return text
    }
}
