import Foundation
import GRDB

extension ExperimentStore {
    /// Runs one read-only SQL statement and returns its columns and typed rows.
    ///
    /// Named parameters (`:name`, `$name`, `@name`) take their values from `parameters`,
    /// keyed by name without the prefix; a value that reads as a number is bound as one.
    /// The statement runs on a connection opened read-only, and is refused beforehand when
    /// SQLite reports it could write (INSERT, UPDATE, DELETE, CREATE, DROP, writing PRAGMA...)
    /// or when it is an ATTACH or DETACH. Several statements at once are refused.
    public func query(_ sql: String, parameters: [String: String] = [:]) throws(StoreError) -> QueryResult {
        let reader = try access == .readOnly
            ? connection
            : Self.mapErrors(path: path) { try DatabaseQueue(path: path, configuration: Self.configuration(.readOnly, path: path, lockWaiting: lockWaiting)) }
        return try Self.mapQueryErrors {
            try reader.read { db in
                let statement = try Self.singleStatement(sql, db)
                let keyword = Self.leadingKeyword(of: statement.sql)
                guard statement.isReadonly, !["ATTACH", "DETACH"].contains(keyword) else {
                    throw StoreError.writeRefused(statement: statement.sql)
                }
                try statement.setArguments(StatementArguments(parameters.mapValues(Self.bindingValue)))
                let rows = try Row.fetchAll(statement).map { row in
                    Array(row.databaseValues.map(QueryValue.init))
                }
                return QueryResult(columns: statement.columnNames, rows: rows)
            }
        }
    }

    /// The only statement of `sql`; like GRDB's `makeStatement`, but with our errors.
    private static func singleStatement(_ sql: String, _ db: Database) throws -> Statement {
        let statements = try db.allStatements(sql: sql)
        guard let statement = try statements.next() else {
            throw StoreError.invalidQuery(message: "the query is empty")
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
    private static func mapQueryErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw .invalidQuery(message: error.message ?? "\(error.resultCode)")
        } catch {
            throw .invalidQuery(message: "\(error)")
        }
    }
}

extension QueryValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(integer): self = .integer(integer)
        case let .double(real): self = .real(real)
        case let .string(text): self = .text(text)
        case let .blob(data): self = .blob(data)
        }
    }
}
