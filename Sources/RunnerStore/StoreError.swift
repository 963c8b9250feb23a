/// What went wrong in the experiment store, with a message that says what, where and how to fix it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A read-only open found no file at the path.
    case noDatabase(path: String)
    /// The folder that should contain the database does not exist.
    case missingFolder(path: String)
    /// The file exists but is not an SQLite database, or is damaged.
    case notADatabase(path: String, detail: String)
    /// `PRAGMA quick_check` found the file damaged; nothing is written to it.
    case damaged(path: String, report: String)
    /// A merge source is missing, damaged or holds rows the schema refuses; nothing of it is merged.
    case unmergeable(path: String, reason: String)
    /// A read-only open found an SQLite file without any runner table (an empty file, say).
    case noRunnerTables(path: String)
    /// The file (or its folder) cannot be written, yet a writable open was asked for.
    case readOnlyFile(path: String)
    /// A store opened with `.readOnly` access was asked to write.
    case openedReadOnly(path: String)
    /// The database records migrations this program does not know: a newer `runner` made it.
    case newerSchema(path: String, unknownVersions: [Int])
    /// An applied migration differs from the one this program carries.
    case alteredMigration(path: String, version: Int, name: String)
    /// A read-only open found a database that still needs migrations.
    case outdatedSchema(path: String, missingVersions: [Int])
    /// No run has this id or id prefix.
    case runNotFound(reference: String)
    /// Several runs start with this prefix.
    case ambiguousRunReference(reference: String, candidates: [String])
    /// A run prefix must have at least 4 characters.
    case referenceTooShort(reference: String)
    /// The run is already finished, so it cannot be finished again.
    case runNotRunning(id: String, status: RunStatus)
    /// A run cannot be deleted while its process is still training it.
    case runStillRunning(shortID: String)
    /// A read-only query contained a statement that would change something.
    case writeRefused(statement: String)
    /// A read-only query contained more than one statement.
    case multipleStatements
    /// A query ran longer than its time limit and was stopped.
    case queryTimedOut(seconds: Double)
    /// A query could not be prepared or run (syntax error, missing parameter...).
    case invalidQuery(message: String)
    /// Weights whose shape does not fit their values or their tensor.
    case invalidWeights(tensor: TensorName, reason: String)
    /// Points that cannot be stored (or a stored data set that no longer reads back).
    case invalidDataset(reason: String)
    /// SQLite could not write: the disk (or the file's quota) is full.
    case diskFull(path: String)
    /// After a failed write, not even the small write that marks runs `failed` went through;
    /// they stay `running` until a reader marks them abandoned.
    case runsNotRecorded(path: String, shortIDs: [String], cause: String)
    /// Any other SQLite failure.
    case database(path: String, message: String)

    public var description: String {
        switch self {
        case let .noDatabase(path):
            "no database at \(path) (run `runner run` to create one)"
        case let .missingFolder(path):
            "cannot open \(path): the folder \(DatabaseFile.folder(of: path)) does not exist (create it first or choose another --db path)"
        case let .notADatabase(path, detail):
            "\(path) is not a usable SQLite database (\(detail)); it was left untouched. Point --db at a runner database or at a new file."
        case let .damaged(path, report):
            "\(path) is damaged (PRAGMA quick_check: \(report)); runner will not write to it and left it untouched. Rescue what is left into a new file with `sqlite3 \(path) .recover | sqlite3 rescued.db`."
        case let .unmergeable(path, reason):
            "\(path) cannot be merged: \(reason); nothing of it was merged"
        case let .noRunnerTables(path):
            "\(path) holds no runner tables yet; read commands do not create them. Record a run into it with `runner run SPEC --db \(path)`, or create the tables with `runner migrate --db \(path)`."
        case let .readOnlyFile(path):
            "cannot write to \(path): the file or its folder is read-only (fix its permissions, or use a read-only command)"
        case let .openedReadOnly(path):
            "\(path) was opened read-only; open it read-write to change it"
        case let .newerSchema(path, versions):
            "\(path) was written by a newer runner (unknown schema migrations \(versions.map(String.init).joined(separator: ", "))); it was left untouched. Upgrade runner to use it."
        case let .alteredMigration(path, version, name):
            "\(path) has schema migration \(version) (\(name)) with a different checksum than this runner's; it was left untouched. The database or this build was altered; use a matching runner build."
        case let .outdatedSchema(path, versions):
            "\(path) has an older runner schema (it lacks migrations \(versions.map(String.init).joined(separator: ", "))), and read commands do not change it; upgrade it with `runner migrate --db \(path)` (older runners refuse it afterwards), or read it as it is with `runner query`."
        case let .runNotFound(reference):
            "no run matches \"\(reference)\" (list runs with `runner list`)"
        case let .ambiguousRunReference(reference, candidates):
            "\"\(reference)\" matches several runs: \(candidates.joined(separator: ", ")); type more characters of the id"
        case let .referenceTooShort(reference):
            "\"\(reference)\" is too short to name a run; give at least 4 characters of its id"
        case let .runNotRunning(id, status):
            "run \(id) is already \(status.rawValue); it cannot be finished again"
        case let .runStillRunning(shortID):
            "run \(shortID) is still running; stop it (Ctrl-C in its terminal) or wait for it to end, then delete it"
        case let .writeRefused(statement):
            "refused to run a statement that could change the database: \(statement)\nQueries are read-only; use SELECT (or WITH ... SELECT)."
        case .multipleStatements:
            "a query must contain exactly one statement; run them one at a time"
        case let .queryTimedOut(seconds):
            "the query was stopped after its time limit of \(String(format: "%g", seconds)) s (--timeout); narrow it down or give it more time"
        case let .invalidQuery(message):
            "invalid query: \(message)"
        case let .invalidWeights(tensor, reason):
            "invalid weights for \(tensor.rawValue): \(reason)"
        case let .invalidDataset(reason):
            "invalid data set: \(reason)"
        case let .diskFull(path):
            "cannot write to \(path): database or disk is full; free space on its disk, then try again"
        case let .runsNotRecorded(path, shortIDs, cause):
            "could not record \(shortIDs.count == 1 ? "run" : "runs") \(shortIDs.joined(separator: ", ")) as failed in \(path) (\(cause)); "
                + "once the file can be written again (free space on its disk), `runner list` shows \(shortIDs.count == 1 ? "it" : "them") as interrupted (abandoned), and the same command trains \(shortIDs.count == 1 ? "it" : "them") again"
        case let .database(path, message):
            "database error in \(path): \(message)"
        }
    }
}
