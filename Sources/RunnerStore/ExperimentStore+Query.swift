import Dispatch
import Foundation
import GRDB
import GRDBSQLite

extension ExperimentStore {
    /// Runs one read-only SQL statement and returns its columns and typed rows.
    ///
    /// See `query(_:parameters:timeout:columns:row:)`, which hands the rows over one by one.
    public func query(_ sql: String, parameters: [String: String] = [:], timeout: TimeInterval? = nil) throws(StoreError) -> QueryResult {
        var result = QueryResult(columns: [], rows: [])
        try query(sql, parameters: parameters, timeout: timeout, columns: { result.columns = $0 }) { row in
            result.rows.append(row)
            return true
        }
        return result
    }

    /// Runs one read-only SQL statement, handing its column names to `columns` and then each
    /// row to `row` as SQLite produces it (so memory stays constant however many rows there
    /// are), until `row` returns false.
    ///
    /// Named parameters (`:name`, `$name`, `@name`) take their values from `parameters`,
    /// keyed by name without the prefix; a value that reads as a number is bound as one.
    /// The statement runs on a connection opened read-only, and is refused beforehand when
    /// SQLite reports it could write (INSERT, UPDATE, DELETE, CREATE, DROP, writing PRAGMA...)
    /// or when it is an ATTACH or DETACH; a PRAGMA that only reports a setting
    /// (`PRAGMA journal_mode`) is a read. Several statements at once are refused, and so is
    /// text without any statement. After `timeout` seconds SQLite abandons the statement.
    public func query(
        _ sql: String, parameters: [String: String] = [:], timeout: TimeInterval? = nil,
        columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Bool
    ) throws(StoreError) {
        let reader = try connectionCanWrite
            ? Self.mapErrors(path: path) { try DatabaseQueue(path: DatabaseFile.sqliteName(path), configuration: Self.configuration(readOnly: true, path: path, lockWaiting: lockWaiting)) }
            : connection
        let timer = timeout.map { seconds in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + seconds)
            timer.setEventHandler { reader.interrupt() }
            timer.resume()
            return timer
        }
        defer { timer?.cancel() }
        try Self.mapQueryErrors(timeout: timeout) {
            try reader.read { db in
                let statement = try Self.singleStatement(sql, db)
                guard statement.isReadonly || Self.isSettingRead(statement.sql),
                      !["ATTACH", "DETACH"].contains(Self.leadingKeyword(of: statement.sql)) else {
                    throw StoreError.writeRefused(statement: statement.sql)
                }
                try Self.checkParameters(of: statement, given: parameters)
                try statement.setArguments(StatementArguments(parameters.mapValues(Self.bindingValue)))
                try columns(statement.columnNames)
                let rows = try Row.fetchCursor(statement)
                // Each value straight from the statement, into one reused array, without building GRDB's rows.
                var values: [QueryValue] = []
                values.reserveCapacity(statement.columnCount)
                while try rows.next() != nil {
                    values.removeAll(keepingCapacity: true)
                    for index in 0..<Int32(statement.columnCount) {
                        values.append(QueryValue(statement.sqliteStatement, column: index))
                    }
                    guard try row(values) else { break }
                }
            }
        }
    }

    /// Pragmas that, given no value, only report a setting, though SQLite does not call them
    /// read-only; the query connection is read-only anyway.
    private static let settingPragmas: Set<String> = [
        "APPLICATION_ID", "AUTO_VACUUM", "BUSY_TIMEOUT", "CACHE_SIZE", "CACHE_SPILL", "DATA_VERSION", "ENCODING",
        "FOREIGN_KEYS", "FREELIST_COUNT", "JOURNAL_MODE", "JOURNAL_SIZE_LIMIT", "LOCKING_MODE", "MAX_PAGE_COUNT",
        "MMAP_SIZE", "PAGE_COUNT", "PAGE_SIZE", "QUERY_ONLY", "RECURSIVE_TRIGGERS", "SCHEMA_VERSION",
        "SECURE_DELETE", "SYNCHRONOUS", "TEMP_STORE", "USER_VERSION", "WAL_AUTOCHECKPOINT",
    ]

    /// Whether `sql` is `PRAGMA [schema.]name` for a pragma of `settingPragmas`, with no value.
    static func isSettingRead(_ sql: String) -> Bool {
        guard leadingKeyword(of: sql) == "PRAGMA" else { return false }
        let words = sql.uppercased().split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
        guard words.count == 2, let name = words[1].split(separator: ".").last else { return false }
        return !sql.contains("=") && !sql.contains("(") && settingPragmas.contains(String(name))
    }

    /// The only statement of `sql`; like GRDB's `makeStatement`, but with our errors.
    private static func singleStatement(_ sql: String, _ db: Database) throws -> Statement {
        let statements = try db.allStatements(sql: sql)
        guard let statement = try statements.next() else {
            throw StoreError.invalidQuery(message: "it holds no SQL statement, only blanks or comments; give one, e.g. SELECT count(*) FROM runs")
        }
        // Whatever follows, even text that does not compile, is a second statement.
        let next: Statement?
        do {
            next = try statements.next()
        } catch {
            throw StoreError.multipleStatements
        }
        guard next == nil else { throw StoreError.multipleStatements }
        return statement
    }

    /// Throws, saying how to give them, when `statement` has a parameter that `given` lacks
    /// (`:lr` without `--param lr=…`) or one without a name (`?`).
    private static func checkParameters(of statement: Statement, given: [String: String]) throws {
        let handle = statement.sqliteStatement
        // Each as written (":lr", "@lr", "$lr", "?1"); nil for a bare "?".
        let written = (0..<sqlite3_bind_parameter_count(handle)).map { index in
            sqlite3_bind_parameter_name(handle, index + 1).map { String(cString: $0) }
        }
        if written.contains(nil) {
            throw StoreError.invalidQuery(message: "it has a ? placeholder; name it instead (WHERE learning_rate = :lr) and give its value with --param lr=VALUE")
        }
        let names = written.compactMap { $0?.dropFirst() }.map(String.init)
        if let missing = written.compactMap({ $0 }).first(where: { given[String($0.dropFirst())] == nil }) {
            let unused = given.keys.filter { !names.contains($0) }.sorted()
            let hint = unused.isEmpty ? "" : " (--param gave \(unused.joined(separator: ", ")), which it does not use)"
            throw StoreError.invalidQuery(message: "it uses \(missing), but no --param \(missing.dropFirst())=VALUE gives its value\(hint)")
        }
    }

    /// A parameter as a number when it reads as one ("42", "0.02", "2.5e-3"), otherwise
    /// as text. Digits with a leading zero ("007") stay text, and so does "12345e67"
    /// (an exponent without a decimal point or a sign): both could be run ids.
    private static func bindingValue(_ text: String) -> DatabaseValue {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        if digits.count > 1, digits.first == "0", digits.dropFirst().first?.isNumber == true {
            return text.databaseValue
        }
        if let integer = Int64(text) {
            return integer.databaseValue
        }
        // "12345e67" could be a short id as well as a number: an exponent counts only
        // after a decimal point or with a sign ("2.5e3", "1e-3").
        let exponent = text.lowercased().split(separator: "e", omittingEmptySubsequences: false)
        let plainExponent = exponent.count == 2 && !exponent[0].contains(".") && !(exponent[1].hasPrefix("-") || exponent[1].hasPrefix("+"))
        if !plainExponent, text.allSatisfy({ "0123456789+-.eE".contains($0) }), let real = Double(text), real.isFinite {
            return real.databaseValue
        }
        return text.databaseValue
    }

    /// The first word of `sql`, uppercased, after whitespace and comments.
    static func leadingKeyword(of sql: String) -> String {
        var rest = Substring(sql)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                rest = rest.range(of: "*/").map { rest[$0.upperBound...] } ?? ""
            } else {
                return rest.prefix(while: \.isLetter).uppercased()
            }
        }
    }

    /// Like `mapErrors`, but SQLite errors are the query's fault, not the file's.
    private static func mapQueryErrors<T>(timeout: TimeInterval?, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && timeout != nil {
            throw .queryTimedOut(seconds: timeout!)
        } catch let error as DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            throw .invalidQuery(message: message + columnHint(message))
        } catch {
            throw .invalidQuery(message: "\(error)")
        }
    }

    /// The columns that `list` and `compare` show under shorter names, by those names.
    private static let columnsByShownName = [
        "hidden": "hidden_units", "lr": "learning_rate", "data": "dataset", "val_fraction": "validation_fraction",
        "train_acc": "final_train_accuracy", "val_acc": "final_validation_accuracy",
        "val_loss": "final_validation_loss", "group": "group_name", "seconds": "run_summary.duration_seconds", "converged": "converged_at_epoch",
        "best_val_acc": "run_summary.best_validation_accuracy", "best_epoch": "run_summary.best_validation_epoch",
    ]

    /// For "no such column: hidden", where the column is named as the tables show it,
    /// its name in SQL: " (tables show hidden_units as hidden; docs/schema.md lists every column)".
    private static func columnHint(_ message: String) -> String {
        guard message.hasPrefix("no such column: "),
              let column = message.split(separator: " ").last.map({ String($0.split(separator: ".").last ?? $0) }),
              let name = columnsByShownName[column] else { return "" }
        return " (tables show \(name) as \(column); docs/schema.md lists every column)"
    }
}

extension QueryValue {
    /// Column `index` of the current row of `statement`. Text is read by its length, not up to
    /// its first NUL as GRDB reads it, so that a NUL stored inside a text is shown, not a cut.
    init(_ statement: SQLiteStatement, column index: Int32) {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL: self = .null
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            // The pointer first, then its length (SQLite's documented order).
            let text = sqlite3_column_text(statement, index)
            self = .text(String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, index))), as: UTF8.self))
        default:
            let blob = sqlite3_column_blob(statement, index)
            self = .blob(blob.map { Data(bytes: $0, count: Int(sqlite3_column_bytes(statement, index))) } ?? Data())
        }
    }
}
