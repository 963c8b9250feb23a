import ArgumentParser
import RunnerStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade a database to this runner's schema (or create it).",
        discussion: """
            Read commands never change a database, so one written by an older runner must be \
            upgraded before they read it (`runner run` upgrades it too). The file is checked \
            for damage first. Older runners refuse the file afterwards.

            Example:
              runner migrate --db old-results.db
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForWriting()
        defer { store.close() }
        let applied = store.migrationsApplied
        if applied.isEmpty {
            write("\(store.path) is up to date (schema version \(ExperimentStore.schemaVersion))\n")
        } else {
            write("\(store.path): applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")); schema version \(ExperimentStore.schemaVersion)\n")
        }
    }
}
