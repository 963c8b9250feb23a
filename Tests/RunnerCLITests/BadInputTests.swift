import Foundation
import Testing

/// One kind of bad input: files to write, the command, and what stderr must say.
struct BadInput: CustomTestStringConvertible, Sendable {
    var label: String
    var files: [String: String] = [:]
    var arguments: [String]
    var messages: [String]

    var testDescription: String { label }

    /// A spec named bad.json with these top-level members.
    static func spec(_ label: String, _ body: String, messages: [String]) -> BadInput {
        BadInput(label: label, files: ["bad.json": "{\"name\": \"bad\", \(body)}"], arguments: ["run", "bad.json"], messages: ["bad.json"] + messages)
    }
}

@Suite("bad input: a clear error and an unchanged database")
struct BadInputTests {
    static let specErrors: [BadInput] = [
        BadInput(label: "invalid JSON", files: ["bad.json": "{\n  \"name\": \"bad\",\n}\n"], arguments: ["run", "bad.json"],
                 messages: ["bad.json:3:"]),
        .spec("unknown key", "\"training\": {\"learnig_rate\": 0.1}",
              messages: ["$.training.learnig_rate", "did you mean 'learning_rate'"]),
        .spec("wrong type", "\"model\": {\"hidden\": \"four\"}", messages: ["$.model.hidden"]),
        .spec("h < 1", "\"model\": {\"hidden\": 0}", messages: ["$.model.hidden", "found 0"]),
        .spec("learning rate 0", "\"training\": {\"learning_rate\": 0}", messages: ["$.training.learning_rate"]),
        .spec("learning rate < 0", "\"training\": {\"learning_rate\": -0.5}", messages: ["$.training.learning_rate", "-0.5"]),
        .spec("epochs < 1", "\"training\": {\"epochs\": 0}", messages: ["$.training.epochs"]),
        .spec("fraction 1", "\"data\": {\"validation_fraction\": 1}", messages: ["$.data.validation_fraction"]),
        .spec("fraction 0", "\"data\": {\"validation_fraction\": 0}", messages: ["$.data.validation_fraction"]),
        .spec("bad sweep element", "\"model\": {\"hidden\": [2, 0]}", messages: ["$.model.hidden[1]"]),
        .spec("missing CSV file", "\"data\": {\"train_csv\": \"nope.csv\"}", messages: ["$.data.train_csv", "nope.csv"]),
        BadInput(label: "malformed CSV line",
                 files: ["points.csv": "x1,x2,label\n0.5,1.0,1\n0.25,abc,0\n1.0,1.0,1\n",
                         "bad.json": "{\"name\": \"bad\", \"data\": {\"train_csv\": \"points.csv\"}}"],
                 arguments: ["run", "bad.json"], messages: ["points.csv:3", "field 2"]),
        BadInput(label: "only the second of two specs is bad",
                 files: ["good.json": Spec.small(name: "good"),
                         "bad.json": "{\"name\": \"bad\", \"training\": {\"epochs\": -3}}"],
                 arguments: ["run", "good.json", "bad.json"], messages: ["bad.json", "$.training.epochs"]),
        BadInput(label: "missing spec file", arguments: ["run", "absent.json"], messages: ["absent.json"]),
        BadInput(label: "a database path in a missing folder", files: ["good.json": Spec.small(name: "good")],
                 arguments: ["run", "good.json", "--db", "no/such/folder/x.db"], messages: ["no/such/folder"]),
    ]

    @Test("spec and data errors write nothing at all", arguments: specErrors)
    func specErrorWritesNothing(_ input: BadInput) throws {
        let sandbox = try Sandbox()
        let result = try run(input, in: sandbox)
        #expect(sandbox.contents("runner.db") == nil, "no database is created")
        #expect(!FileManager.default.fileExists(atPath: sandbox.url.appendingPathComponent("no").path))
        _ = result
    }

    @Test("spec and data errors leave an existing database as it was", arguments: specErrors)
    func specErrorKeepsDatabase(_ input: BadInput) throws {
        let sandbox = try Sandbox()
        try sandbox.runSpec(try sandbox.spec("earlier"))
        let before = sandbox.databaseSnapshot()
        try run(input, in: sandbox)
        #expect(sandbox.databaseSnapshot() == before)
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 1)
    }

    static let readErrors: [BadInput] = [
        BadInput(label: "unknown run id", arguments: ["show", "ffff0000"], messages: ["ffff0000", "no run matches"]),
        BadInput(label: "unknown run id to export", arguments: ["export", "ffff0000"], messages: ["ffff0000"]),
        BadInput(label: "run id too short", arguments: ["show", "abc"], messages: ["\"abc\"", "at least 4"]),
        BadInput(label: "ambiguous prefix", arguments: ["show", "abcd"], messages: ["abcd", "abcd1111", "abcd2222"]),
        BadInput(label: "--last 0", arguments: ["compare", "--last", "0"], messages: ["--last"]),
        BadInput(label: "an empty --db", arguments: ["list", "--db", ""], messages: ["--db needs the path of a database file"]),
        BadInput(label: "a database where the spec goes", arguments: ["run", "runner.db"],
                 messages: ["runner.db: this is an SQLite database, not an experiment spec (a database is named with --db)"]),
        BadInput(label: "ids and an unknown --group together", arguments: ["compare", "abcd1111", "--group", "x"], messages: ["no runs in group 'x'"]),
        BadInput(label: "a second --group without runs", arguments: ["compare", "--group", "x", "--group", "y"], messages: ["group 'x'"]),
        BadInput(label: "an unknown --tag", arguments: ["compare", "--tag", "a=b"], messages: ["no runs are tagged a=b"]),
        BadInput(label: "delete without a selector", arguments: ["delete", "--yes"], messages: ["Name the runs to delete"]),
        BadInput(label: "delete of an unknown id", arguments: ["delete", "ffffffff", "--yes"], messages: ["no run matches \"ffffffff\""]),
        BadInput(label: "tag without =", arguments: ["tag", "abcd1111", "best"], messages: ["key=value"]),
        BadInput(label: "unknown group", arguments: ["compare", "--group", "nothing"], messages: ["nothing"]),
        BadInput(label: "unknown sort column", arguments: ["compare", "--last", "2", "--sort", "accuracy"],
                 messages: ["accuracy", "val_acc"]),
        BadInput(label: "a sort column mistyped", arguments: ["compare", "--last", "2", "--sort", "valacc"],
                 messages: ["no column named 'valacc' to sort by; did you mean 'val_acc'? (the columns are: id, name"]),
        BadInput(label: "list --limit 0", arguments: ["list", "--limit", "0"], messages: ["--limit"]),
        BadInput(label: "unknown format", arguments: ["list", "--format", "xml"], messages: ["xml"]),
        BadInput(label: "list -q with a format", arguments: ["list", "-q", "--format", "json"], messages: ["-q prints short ids, one per line, in no format; drop -q for the json listing"]),
        BadInput(label: "DELETE", arguments: ["query", "DELETE FROM runs"], messages: ["refused"]),
        BadInput(label: "DROP TABLE", arguments: ["query", "DROP TABLE runs"], messages: ["refused"]),
        BadInput(label: "INSERT", arguments: ["query", "INSERT INTO epochs SELECT run_id, epoch + 100, train_loss, train_accuracy, validation_loss, validation_accuracy, elapsed_seconds FROM epochs"],
                 messages: ["refused"]),
        BadInput(label: "UPDATE in a CTE", arguments: ["query", "WITH x AS (SELECT 1) UPDATE runs SET name = 'x'"], messages: ["refused"]),
        BadInput(label: "PRAGMA user_version", arguments: ["query", "PRAGMA user_version=5"], messages: ["refused"]),
        BadInput(label: "two statements", arguments: ["query", "SELECT 1; DELETE FROM runs"], messages: ["one statement"]),
        BadInput(label: "ATTACH", arguments: ["query", "ATTACH DATABASE 'other.db' AS other"], messages: ["refused"]),
        BadInput(label: "invalid SQL", arguments: ["query", "SELEKT 1"], messages: ["SELEKT"]),
        BadInput(label: "a column by the name tables show", arguments: ["query", "SELECT hidden FROM runs"],
                 messages: ["no such column: hidden (tables show hidden_units as hidden; docs/schema.md lists every column)"]),
        BadInput(label: "bad --param", arguments: ["query", "SELECT :x", "--param", "x"], messages: ["name=value"]),
        BadInput(label: "a --param given twice", arguments: ["query", "SELECT :x", "--param", "x=1", "--param", "x=2"],
                 messages: ["--param x is given twice (x=1, x=2); give it once."]),
        BadInput(label: "compare --limit 0", arguments: ["compare", "--limit", "0"], messages: ["--limit needs a positive number, got 0."]),
        BadInput(label: "--descending without --sort", arguments: ["compare", "--descending"],
                 messages: ["--descending orders by the --sort column; give one too"]),
        BadInput(label: "export spec as csv", arguments: ["export", "abcd1111", "--what", "spec", "--format", "csv"],
                 messages: ["--format json"]),
        BadInput(label: "plot of an unknown run", arguments: ["plot", "ffff0000", "--out", "p.svg"], messages: ["ffff0000"]),
        BadInput(label: "boundary of two runs", arguments: ["plot", "abcd1111", "abcd2222", "--kind", "boundary", "--out", "p.svg"],
                 messages: ["exactly one run, but 2 were given: name one run by its id, or draw one boundary per setting with `runner report`"]),
        BadInput(label: "plot into a missing folder", arguments: ["plot", "abcd1111", "--out", "no/p.svg"], messages: ["no/p.svg"]),
        BadInput(label: "report of an unknown run", arguments: ["report", "ffff0000", "--out", "r.html"], messages: ["ffff0000"]),
        BadInput(label: "report title with a control code", arguments: ["report", "--out", "r.html", "--title", "a\u{1B}[31mb"], messages: ["--title has a control character (a\u{241B}[31mb); give plain text."]),
        BadInput(label: "a database path in a missing folder", arguments: ["list", "--db", "no/such/folder/x.db"],
                 messages: ["no/such/folder"]),
        BadInput(label: "a database that does not exist", arguments: ["list", "--db", "absent.db"], messages: ["absent.db"]),
        BadInput(label: "gradcheck of a bad spec", files: ["bad.json": "{\"model\": {\"hidden\": -1}}"],
                 arguments: ["gradcheck", "bad.json"], messages: ["$.model.hidden"]),
    ]

    @Test("read command errors leave the database as it was", arguments: readErrors)
    func readError(_ input: BadInput) throws {
        let sandbox = try Sandbox()
        try sandbox.runSpec(try sandbox.spec("first"))
        try sandbox.runSpec(try sandbox.spec("second"))
        try sandbox.renameRuns(to: ["abcd1111-0000-4000-8000-000000000001", "abcd2222-0000-4000-8000-000000000002"])
        let before = sandbox.databaseSnapshot()
        try run(input, in: sandbox)
        #expect(sandbox.databaseSnapshot() == before)
        #expect(try sandbox.count("SELECT count(*) FROM runs") == 2)
        #expect(try sandbox.count("SELECT count(*) FROM epochs") == 10)
        for file in ["p.svg", "r.html", "absent.db", "other.db"] {
            #expect(sandbox.contents(file) == nil, "\(file) is not written")
        }
    }

    @Test("a file that is not SQLite is refused and left byte for byte", arguments: [
        ["run", "good.json", "--db", "notes.db"], ["list", "--db", "notes.db"], ["query", "SELECT 1", "--db", "notes.db"],
        ["show", "abcd", "--db", "notes.db"],
    ])
    func notADatabase(_ arguments: [String]) throws {
        let sandbox = try Sandbox()
        try sandbox.write("good.json", Spec.small(name: "good"))
        let text = String(repeating: "These are my notes, not a database.\n", count: 200)
        try sandbox.write("notes.db", text)
        try run(BadInput(label: "not SQLite", arguments: arguments, messages: ["notes.db", "not a usable SQLite database"]), in: sandbox)
        #expect(sandbox.contents("notes.db") == Data(text.utf8))
        #expect(sandbox.contents("notes.db-wal") == nil && sandbox.contents("notes.db-shm") == nil)
    }

    @Test("plotting a run without epochs is a clear error", arguments: ["curves", "boundary", "sweep"])
    func plotWithoutEpochs(_ kind: String) throws {
        let sandbox = try Sandbox()
        let id = try #require(try sandbox.runSpec(try sandbox.spec("done")).first)
        // A copy of the run that is still running, with no epochs and no weights yet.
        try sandbox.insertRunningCopy(of: id, as: "eeee0000-0000-4000-8000-000000000000")
        let before = sandbox.databaseSnapshot()
        try run(BadInput(label: "no epochs", arguments: ["plot", "eeee", "--kind", kind, "--out", "p.svg"], messages: ["eeee0000"]),
                in: sandbox)
        #expect(sandbox.contents("p.svg") == nil)
        #expect(sandbox.databaseSnapshot() == before)
    }

    /// Runs the bad input: a non-zero exit, no crash, and every expected message on stderr.
    @discardableResult
    private func run(_ input: BadInput, in sandbox: Sandbox) throws -> ProcessResult {
        for (name, text) in input.files { try sandbox.write(name, text) }
        let result = try RunnerProcess.run(input.arguments, in: sandbox.url, timeout: 20)
        #expect(result.status != 0 && !result.endedBySignal, "\(input.label) must fail cleanly: \(result)")
        #expect(result.stdout.isEmpty, "\(input.label) prints nothing on stdout: \(result.stdout)")
        for message in input.messages {
            #expect(result.stderr.contains(message), "\(input.label): stderr names \(message): \(result.stderr)")
        }
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(result.stderr)")
        return result
    }
}
