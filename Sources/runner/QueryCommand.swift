import ArgumentParser
import Foundation
import RunnerKit
import RunnerStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement against the database.",
        discussion: """
            Parameters are bound, never pasted into the SQL; a value that reads as a number \
            ("7", "0.02", "1e-3") is bound as a number, any other ("abc", or "007" with its \
            leading zero) as text. Write statements are refused and \
            change nothing, and the file is read as it is, even with an older schema. The \
            schema is documented in docs/schema.md. Use - to read the SQL from standard input. \
            Rows are printed as SQLite produces them (a table in blocks of 1,000 rows whose \
            widths the first block sets); Ctrl-C stops a query, and so does --timeout.

            Example:
              runner query "SELECT hidden_units, max(final_validation_accuracy) \\
                  FROM runs GROUP BY hidden_units"
              runner query "SELECT * FROM epochs WHERE run_id LIKE :run || '%'" \\
                  --param run=1a2b3c4d --format csv
            """)

    // Collected as unrecognized input, so that SQL starting with "--" (a comment) is not
    // taken for an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The SQL statement, or - for standard input.", valueName: "sql"))
    var sqlArguments: [String] = []

    /// The one SQL argument.
    private var sql: String { sqlArguments[0] }

    @Option(name: .customLong("param"), help: ArgumentHelp("A named parameter for :name (or $name, @name) in the SQL. Repeatable.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop the query after this many seconds.", valueName: "seconds"))
    var timeout: Double?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    /// Checked here rather than in run(), so that a mistake prints this command's usage.
    func validate() throws {
        guard sqlArguments.count == 1 else {
            throw ValidationError(sqlArguments.isEmpty
                ? "Give the SQL statement to run, e.g. runner query \"SELECT count(*) FROM runs\"."
                : "Give the SQL as one argument in quotes; got \(sqlArguments.count): \(sqlArguments.joined(separator: " ")).")
        }
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw refusedValue("--timeout needs a positive number of seconds, got \(timeout).")
        }
        _ = try bindings()
    }

    /// The --param values by name.
    private func bindings() throws -> [String: String] {
        var bindings: [String: String] = [:]
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "="), equals != parameter.startIndex else {
                throw ValidationError("--param needs the form name=value, got '\(parameter)'.")
            }
            let name = String(parameter[..<equals])
            if let earlier = bindings[name] {
                throw refusedValue("--param \(name) is given twice (\(name)=\(earlier), \(parameter)); give it once.")
            }
            bindings[name] = String(parameter[parameter.index(after: equals)...])
        }
        return bindings
    }

    func run() throws {
        let bindings = try bindings()
        let statement = sql == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : sql
        // A query changes nothing, not even the status of abandoned runs.
        let store = try ExperimentStore.openForReading(path: database.path, reapingAbandonedRuns: false, acceptingOutdatedSchema: true)
        var rows: RowStream?
        try store.query(statement, parameters: bindings, timeout: timeout) { columns in
            rows = RowStream(headers: columns, format: output.format) { Console.write($0) }
        } row: { values in
            rows!.append(values.map { $0.cell })
        }
        rows?.finish()
    }
}
