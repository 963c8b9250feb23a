import Foundation
import Testing

@Suite("runner list")
struct ListCommandTests {
    /// A table shows tags only when a run has some.
    static let columns = ["id", "name", "group", "status", "hidden", "lr", "epochs", "seed", "data", "train_acc", "val_acc", "created (UTC)"]
    /// CSV and JSON give a diverged run's epoch a column of its own.
    static let machineColumns = ["id", "name", "group", "tags", "status", "diverged_at_epoch", "hidden", "lr", "epochs", "seed", "data", "train_acc", "val_acc", "created"]

    @Test("csv: every run, newest first, with its values")
    func csv() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let (headers, records) = try parseCSVRecords(try sandbox.succeed("list", "--format", "csv").stdout)
        #expect(headers == Self.machineColumns)
        #expect(records.map { $0["id"] } == runs.shortIDs)
        #expect(records.map { $0["name"] } == runs.rows.map { $0[2] })
        #expect(records.map { $0["hidden"] } == runs.rows.map { $0[4] })
        #expect(records.allSatisfy { $0["status"] == "completed" && $0["lr"] == "0.05" && $0["data"] == "moons" })
        // CSV carries every digit: the values read back as the stored doubles.
        let accuracies = try sandbox.sqlite("SELECT printf('%!.17g', final_validation_accuracy) FROM runs ORDER BY created_at DESC")
        #expect(records.map { $0["val_acc"].flatMap { Double($0) } } == accuracies.map { Double($0[0]) })
    }

    @Test("json: an array of objects, numbers as numbers")
    func json() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let records = try parseJSONRecords(try sandbox.succeed("list", "--format", "json").stdout)
        #expect(records.count == 5)
        #expect(records.map { $0["id"] as? String } == runs.shortIDs)
        #expect(records.map { ($0["hidden"] as? NSNumber)?.intValue } == runs.rows.map { Int($0[4]) })
        #expect(records.allSatisfy { ($0["lr"] as? NSNumber)?.doubleValue == 0.05 })
        #expect(records.allSatisfy { ($0["val_acc"] as? NSNumber).map { (0...1).contains($0.doubleValue) } == true })
        #expect(records.allSatisfy { Set($0.keys) == Set(Self.machineColumns) })
    }

    @Test("table and markdown show the same rows")
    func tableAndMarkdown() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let table = try sandbox.succeed("list").stdout
        let lines = table.split(separator: "\n")
        #expect(lines.count >= 6)
        #expect(lines.first.map { line in Self.columns.allSatisfy { line.contains($0) } } == true)
        for (short, name) in zip(runs.shortIDs, runs.rows.map { $0[2] }) {
            #expect(lines.contains { $0.hasPrefix(short) && $0.contains(name) && $0.contains("completed") }, "\(short) in \(table)")
        }
        let markdown = parseMarkdownTable(try sandbox.succeed("list", "--format", "markdown").stdout)
        #expect(markdown.first == Self.columns)
        #expect(markdown.dropFirst().map { $0[0] } == runs.shortIDs)
        #expect(!table.contains("\u{1B}"), "no escape codes in a pipe")
    }

    @Test("filters: status, group, name and limit")
    func filters() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        func ids(_ arguments: String...) throws -> [String] {
            try parseCSVRecords(try RunnerProcess.run(arguments + ["--format", "csv"], in: sandbox.url).stdout).records.compactMap { $0["id"] }
        }
        #expect(try ids("list", "--status", "completed").count == 5)
        #expect(try ids("list", "--status", "interrupted") == [])
        #expect(try ids("list", "--group", "grid") == runs.grid.map { $0[1] })
        let inexact = try RunnerProcess.run(["list", "--group", "gri"], in: sandbox.url)
        #expect(inexact.status != 0 && inexact.stderr == "Error: no runs in group 'gri'; did you mean 'grid'? (groups here: \(Set(runs.rows.map { $0[3] }).sorted().joined(separator: ", ")))\n",
                "--group is exact, and a group without runs is an error naming the close one: \(inexact)")
        let compared = try RunnerProcess.run(["compare", "--group", "gri"], in: sandbox.url)
        #expect(compared.status != 0 && compared.stderr == inexact.stderr, "\(compared)")
        #expect(try ids("list", "--name", "sol") == [runs.solo[1]])
        #expect(try ids("list", "--name", "seed=2").count == 2)
        #expect(try ids("list", "--limit", "2") == Array(runs.shortIDs.prefix(2)))
    }
}

@Suite("runner show")
struct ShowCommandTests {
    @Test("a run by full id and by prefix: header, spec, curves, epochs, weights")
    func show() throws {
        let sandbox = try Fixture.sandbox()
        let solo = try FixtureRuns(sandbox).solo
        let text = try sandbox.succeed("show", solo[0]).stdout
        #expect(try sandbox.succeed("show", String(solo[0].prefix(6))).stdout == text)
        #expect(text.hasPrefix("Run \(solo[1])  solo"))
        #expect(text.contains("status      completed, 5 epochs"))
        for section in ["Spec (resolved)", "Curves (epoch 1 → 5)", "Final weights"] {
            #expect(text.contains(section), "\(section) in \(text)")
        }
        #expect(text.contains("\"generator\" : \"moons\"") || text.contains("\"generator\": \"moons\""))
        for tensor in ["Wi", "bi", "Wo", "bo"] {
            #expect(text.contains(tensor))
        }
        // The epoch table: a row for each of the 5 epochs.
        let epochRows = text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Int($0) }.map { (1...5).contains($0) } == true }
        #expect(epochRows.count >= 5, "\(text)")
    }
}

@Suite("runner compare")
struct CompareCommandTests {
    private func compare(_ sandbox: Sandbox, _ arguments: String...) throws -> (headers: [String], records: [[String: String]]) {
        try parseCSVRecords(try RunnerProcess.run(["compare"] + arguments + ["--format", "csv"], in: sandbox.url).stdout)
    }

    @Test("by group, last N, ids, and by default the latest run's group")
    func selections() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let grid = try compare(sandbox, "--group", "grid")
        #expect(grid.records.map { $0["id"] } == runs.grid.reversed().map { $0[1] }, "oldest first")
        #expect(grid.headers.starts(with: ["id", "name", "hidden", "seed", "status"]), "only differing hyperparameters: \(grid.headers)")
        #expect(grid.records.map { $0["hidden"] } == runs.grid.reversed().map { $0[4] })
        #expect(grid.records.allSatisfy { number($0["val_acc"]).map { (0...1).contains($0) } == true })
        #expect(try compare(sandbox, "--last", "2").records.map { $0["id"] } == runs.shortIDs.prefix(2).reversed())
        let chosen = [runs.ids[3], String(runs.ids[1].prefix(5))]
        #expect(try compare(sandbox, chosen[0], chosen[1]).records.map { $0["id"] } == [runs.shortIDs[3], runs.shortIDs[1]])
        #expect(try compare(sandbox).records.map { $0["id"] } == [runs.solo[1]])
    }

    @Test("--aggregate: one row per setting with mean ± std over the seeds")
    func aggregate() throws {
        let sandbox = try Fixture.sandbox()
        // CSV carries mean and standard deviation as separate, full-precision numbers.
        let (headers, records) = try compare(sandbox, "--group", "grid", "--aggregate")
        #expect(headers == ["hidden", "runs", "converged"] + ["train_loss", "train_acc", "val_loss", "val_acc", "best_val_acc", "converged_epoch"].flatMap { ["\($0)_mean", "\($0)_std"] })
        #expect(records.map { $0["hidden"] } == ["2", "3"])
        #expect(records.map { $0["runs"] } == ["2", "2"])
        for record in records {
            let hidden = try #require(record["hidden"])
            let values = try sandbox.sqlite("SELECT printf('%!.17g', final_validation_accuracy) FROM runs WHERE group_name = 'grid' AND hidden_units = \(hidden)")
                .compactMap { Double($0[0]) }
            let mean = values.reduce(0, +) / 2
            let deviation = abs(values[0] - values[1]) / 2.squareRoot()
            #expect(abs(try #require(number(record["val_acc_mean"])) - mean) < 1e-15)
            #expect(abs(try #require(number(record["val_acc_std"])) - deviation) < 1e-15)
        }
        // The table format reads "mean ± std", and a setting of one run its value alone.
        let table = try sandbox.succeed("compare", "--group", "grid", "--aggregate").stdout
        #expect(table.contains(" ± "))
        let one = try FixtureRuns(sandbox).grid[0][1]
        let single = try sandbox.succeed("compare", one, "--aggregate").stdout
        let accuracy = try sandbox.scalar("SELECT printf('%.3f', final_validation_accuracy) FROM runs WHERE short_id = '\(one)'")
        #expect(!single.contains("±") && single.contains(" \(accuracy) "), "\(single)")
    }

    @Test("--aggregate counts a spec run twice once, and keeps runs that differ in noise apart")
    func aggregateReplicates() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("noisy", """
            {"group": "noisy", "data": {"generator": "moons", "points": 40, "noise": [0.1, 0.3]},
             "model": {"hidden": 3}, "training": {"epochs": 2, "seed": [1, 2]}}
            """)
        try sandbox.runSpec(spec)
        try sandbox.runSpec(spec)
        let (headers, records) = try parseCSVRecords(try sandbox.succeed("compare", "--group", "noisy", "--aggregate", "--format", "csv").stdout)
        #expect(headers.prefix(2) == ["noise", "runs"])
        #expect(records.map { $0["noise"] } == ["0.1", "0.3"])
        #expect(records.map { $0["runs"] } == ["2", "2"], "two seeds each; the second run of the spec adds none")
        // --sort val_acc, as for the table, orders CSV by val_acc_mean.
        for descending in [false, true] {
            let arguments = ["compare", "--group", "noisy", "--aggregate", "--sort", "val_acc", "--format", "csv"] + (descending ? ["--descending"] : [])
            let means = try parseCSVRecords(try sandbox.succeed(arguments).stdout).records.compactMap { number($0["val_acc_mean"]) }
            #expect(means.count == 2 && means == means.sorted(by: descending ? (>) : (<)))
        }
    }

    @Test("--sort orders the rows by the column", arguments: [false, true])
    func sorted(descending: Bool) throws {
        let sandbox = try Fixture.sandbox()
        let arguments = ["--group", "grid", "--sort", "val_loss"] + (descending ? ["--descending"] : [])
        let records = try parseCSVRecords(try RunnerProcess.run(["compare"] + arguments + ["--format", "csv"], in: sandbox.url).stdout).records
        let values = records.compactMap { number($0["val_loss"]) }
        #expect(values.count == 4)
        #expect(values == values.sorted(by: descending ? (>) : (<)))
        let byAccuracy = try compare(sandbox, "--last", "5", "--sort", "val_acc", "--descending").records.compactMap { number($0["val_acc"]) }
        #expect(byAccuracy.count == 5 && byAccuracy == byAccuracy.sorted(by: >))
    }

    @Test("table, json and markdown formats")
    func formats() throws {
        let sandbox = try Fixture.sandbox()
        let json = try parseJSONRecords(try sandbox.succeed("compare", "--group", "grid", "--format", "json").stdout)
        #expect(json.count == 4 && json.allSatisfy { $0["val_acc"] is NSNumber && $0["status"] as? String == "completed" })
        #expect(parseMarkdownTable(try sandbox.succeed("compare", "--group", "grid", "--format", "markdown").stdout).count == 5)
        let table = try sandbox.succeed("compare", "--group", "grid", "--aggregate").stdout
        #expect(table.contains("±") && table.split(separator: "\n").count >= 3)
    }
}

@Suite("runner query")
struct QueryCommandTests {
    @Test("named parameters are bound, in every format", arguments: ["csv", "json", "markdown", "table"])
    func parameters(format: String) throws {
        let sandbox = try Fixture.sandbox()
        let sql = "SELECT name, hidden_units, learning_rate FROM runs WHERE group_name = :group AND hidden_units >= :h ORDER BY name"
        let output = try sandbox.succeed("query", sql, "--param", "group=grid", "--param", "h=3", "--format", format).stdout
        let expected = [["grid hidden=3 seed=1", "3", "0.05"], ["grid hidden=3 seed=2", "3", "0.05"]]
        switch format {
        case "csv":
            #expect(parseCSV(output) == [["name", "hidden_units", "learning_rate"]] + expected)
        case "json":
            let records = try parseJSONRecords(output)
            #expect(records.map { $0["name"] as? String } == expected.map { $0[0] })
            #expect(records.map { ($0["hidden_units"] as? NSNumber)?.intValue } == [3, 3])
        case "markdown":
            #expect(parseMarkdownTable(output) == [["name", "hidden_units", "learning_rate"]] + expected)
        default:
            #expect(output.contains("grid hidden=3 seed=1") && output.contains("grid hidden=3 seed=2") && !output.contains("hidden=2"))
        }
    }

    @Test("a parameter value is data, never SQL")
    func injection() throws {
        let sandbox = try Fixture.sandbox()
        let output = try sandbox.succeed("query", "SELECT count(*) AS n FROM runs WHERE name = :name", "--param", "name=x' OR '1'='1", "--format", "csv").stdout
        #expect(parseCSV(output) == [["n"], ["0"]])
    }

    @Test("a parameter the query uses but --param does not give, or a ? placeholder, is named with how to give it")
    func missingParameters() throws {
        let sandbox = try Fixture.sandbox()
        let missing = try sandbox.runner("query", "SELECT count(*) FROM runs WHERE learning_rate = :lr", "--param", "rate=0.02")
        #expect(missing.status == 1 && missing.stderr.contains("it uses :lr, but no --param lr=VALUE gives its value (--param gave rate, which it does not use)"), "\(missing)")
        let positional = try sandbox.runner("query", "SELECT count(*) FROM runs WHERE learning_rate = ?")
        #expect(positional.status == 1 && positional.stderr.contains("name it instead (WHERE learning_rate = :lr)"), "\(positional)")
        let sigils = try sandbox.succeed("query", "SELECT :a AS a, @b AS b, $c AS c", "--param", "a=1", "--param", "b=2", "--param", "c=x", "--format", "csv").stdout
        #expect(parseCSV(sigils) == [["a", "b", "c"], ["1", "2", "x"]])
    }

    @Test("json stays valid JSON for infinite and NaN results")
    func nonFiniteJSON() throws {
        let sandbox = try Fixture.sandbox()
        let output = try sandbox.succeed("query", "SELECT 1e999 AS up, -1e999 AS down, 0.5 AS half, 1e-5 AS small, NULL AS none", "--format", "json").stdout
        let records = try parseJSONRecords(output)
        #expect(records.count == 1)
        #expect(records.first?["up"] as? String == "inf" && records.first?["down"] as? String == "-inf")
        #expect((records.first?["half"] as? NSNumber)?.doubleValue == 0.5 && (records.first?["small"] as? NSNumber)?.doubleValue == 1e-5)
        #expect(records.first?["none"] is NSNull)
    }

    @Test("a text is given whole, a NUL inside it included, and an empty text is not NULL")
    func wholeText() throws {
        let sandbox = try Fixture.sandbox()
        let sql = "SELECT 'a' || char(0) || 'b' AS s, '' AS empty, NULL AS none"
        #expect(try sandbox.succeed("query", sql, "--format", "json").stdout == "[\n  {\"s\": \"a\\u0000b\", \"empty\": \"\", \"none\": null}\n]\n")
        #expect(try sandbox.succeed("query", sql, "--format", "csv").stdout == "s,empty,none\na\u{0}b,,\n")
        #expect(try sandbox.succeed("query", sql).stdout.contains("a\u{2400}b"), "a table shows the NUL as its picture")
    }

    @Test("SQL from standard input, NULLs and views")
    func stdin() throws {
        let sandbox = try Fixture.sandbox()
        let result = try sandbox.runner("query", "-", "--format", "csv",
                                        stdin: "SELECT short_id, epochs_completed, NULL AS missing FROM run_summary WHERE group_name = 'solo'")
        #expect(result.status == 0, "\(result)")
        #expect(parseCSV(result.stdout) == [["short_id", "epochs_completed", "missing"], [try FixtureRuns(sandbox).solo[1], "5", ""]])
    }
}

@Suite("runner export")
struct ExportCommandTests {
    @Test("epochs as csv: one row per epoch, exact values")
    func epochs() throws {
        let sandbox = try Fixture.sandbox()
        let id = try FixtureRuns(sandbox).solo[0]
        let (headers, records) = try parseCSVRecords(try sandbox.succeed("export", String(id.prefix(8)), "--what", "epochs", "--format", "csv").stdout)
        #expect(headers == ["epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "elapsed_seconds"])
        let stored = try sandbox.sqlite("""
            SELECT epoch, printf('%!.17g', train_loss), printf('%!.17g', train_accuracy), printf('%!.17g', validation_loss),
                   printf('%!.17g', validation_accuracy) FROM epochs WHERE run_id = '\(id)' ORDER BY epoch
            """)
        #expect(records.count == 5 && stored.count == 5)
        for (record, row) in zip(records, stored) {
            #expect(record["epoch"] == row[0])
            for (column, index) in [("train_loss", 1), ("train_accuracy", 2), ("validation_loss", 3), ("validation_accuracy", 4)] {
                #expect(Double(record[column] ?? "x") == Double(row[index]), "\(column) of epoch \(row[0])")
            }
            #expect(Double(record["elapsed_seconds"] ?? "x").map { $0 >= 0 } == true)
        }
    }

    private struct Weight: Decodable {
        var tensor: String
        var row: Int
        var col: Int
        var value: Double
    }

    @Test("weights as json read back bit for bit")
    func weights() throws {
        let sandbox = try Fixture.sandbox()
        let id = try FixtureRuns(sandbox).solo[0]
        let output = try sandbox.succeed("export", id, "--what", "weights", "--format", "json").stdout
        let weights = try JSONDecoder().decode([Weight].self, from: Data(output.utf8))
        let stored = try sandbox.sqlite("SELECT tensor, row, col, bits FROM weights WHERE run_id = '\(id)'")
        #expect(weights.count == 17 && stored.count == 17)
        let bits = Dictionary(uniqueKeysWithValues: stored.map { ("\($0[0]) \($0[1]) \($0[2])", $0[3]) })
        for weight in weights {
            let expected = try #require(bits["\(weight.tensor) \(weight.row) \(weight.col)"].flatMap(double(bits:)), "\(weight)")
            #expect(weight.value.bitPattern == expected.bitPattern, "\(weight.tensor)[\(weight.row), \(weight.col)]")
        }
        let csv = try parseCSVRecords(try sandbox.succeed("export", id, "--what", "weights").stdout).records
        #expect(csv.map { Double($0["value"] ?? "x")?.bitPattern } == weights.map { $0.value.bitPattern })
    }

    @Test("the spec as json is the stored spec")
    func spec() throws {
        let sandbox = try Fixture.sandbox()
        let id = try FixtureRuns(sandbox).solo[0]
        let output = try sandbox.succeed("export", id, "--what", "spec", "--format", "json").stdout
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? NSDictionary)
        let stored = try JSONSerialization.jsonObject(with: Data(try sandbox.scalar("SELECT spec_json FROM runs WHERE id = '\(id)'").utf8)) as? NSDictionary
        #expect(exported == stored)
        #expect((exported["model"] as? [String: Any])?["hidden"] as? Int == 4)
    }
}

@Suite("runner plot and report")
struct FigureCommandTests {
    @Test("curves, boundary and sweep are well-formed SVG", arguments: ["curves", "boundary", "sweep"])
    func plot(kind: String) throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        let selection = switch kind {
        case "boundary": [runs.solo[1]]
        case "sweep": ["--group", "grid", "--x", "hidden"]
        default: Array(runs.shortIDs.prefix(3))
        }
        let result = try sandbox.succeed(["plot"] + selection + ["--kind", kind, "--out", "figure.svg"])
        #expect(result.stdout.isEmpty && result.stderr.contains("wrote figure.svg"))
        let root = try parseXML(sandbox.url.appendingPathComponent("figure.svg"))
        #expect(root.name == "svg")
        #expect((root.children?.count ?? 0) > 2)
        let text = String(decoding: sandbox.contents("figure.svg") ?? Data(), as: UTF8.self)
        #expect(text.contains("<path") || text.contains("<polyline") || text.contains("<circle") || text.contains("<rect"))
    }

    @Test("report: HTML with the run table and SVG figures")
    func report() throws {
        let sandbox = try Fixture.sandbox()
        let runs = try FixtureRuns(sandbox)
        try sandbox.succeed("report", "--group", "grid", "--out", "report.html")
        let html = String(decoding: try #require(sandbox.contents("report.html")), as: UTF8.self)
        #expect(html.contains("<table") && html.contains("<svg"))
        #expect(html.contains("runner report: grid"))
        for short in runs.grid.map({ $0[1] }) {
            #expect(html.contains(short))
        }
        #expect(!html.contains("<script"))
    }

    @Test("report and sweep plot of a sweep still running: finished runs only, validation error kept")
    func unfinishedRuns() throws {
        let sandbox = try Fixture.sandbox()
        let member = try FixtureRuns(sandbox).grid[0][0]
        // Two more runs of the grid group, still running: epochs but no final metrics yet.
        try sandbox.insertRunningCopy(of: member, as: "eeee0000-0000-4000-8000-000000000000", learningRate: 0.5, withEpochs: true)
        try sandbox.insertRunningCopy(of: member, as: "ffff0000-0000-4000-8000-000000000000", learningRate: 0.1, withEpochs: true)

        // Nothing finished: the report still has its table and curves.
        try sandbox.succeed("report", "eeee", "ffff", "--out", "running.html")
        let running = String(decoding: sandbox.contents("running.html") ?? Data(), as: UTF8.self)
        #expect(running.contains("eeee0000") && running.contains("<svg"))
        let plot = try sandbox.runner("plot", "eeee", "ffff", "--kind", "sweep", "--out", "sweep.svg")
        #expect(plot.status != 0 && plot.stderr.contains("eeee0000") && plot.stderr.contains("no epochs"), "\(plot)")

        // Finished runs with a validation set: the sweep shows validation error, not training error.
        try sandbox.succeed("report", "--group", "grid", "--out", "group.html")
        let group = String(decoding: sandbox.contents("group.html") ?? Data(), as: UTF8.self)
        #expect(group.contains("validation error") && !group.contains("training error"))
        try sandbox.succeed("plot", "--group", "grid", "--kind", "sweep", "--x", "hidden", "--out", "group.svg")
        let svg = String(decoding: sandbox.contents("group.svg") ?? Data(), as: UTF8.self)
        #expect(try parseXML(sandbox.url.appendingPathComponent("group.svg")).name == "svg")
        #expect(svg.contains("validation error") && !svg.contains("training error"))
    }
}

@Suite("runner gradcheck, help and version")
struct MiscCommandTests {
    @Test("gradcheck passes on a small spec and writes nothing")
    func gradcheck() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("tiny")
        let (headers, records) = try parseCSVRecords(try sandbox.succeed("gradcheck", spec, "--format", "csv").stdout)
        #expect(headers == ["weights", "Wi", "bi", "Wo", "bo", "points", "near_kinks", "verdict"])
        #expect(records.map { $0["weights"] } == ["start", "trained (5 epochs)"])
        #expect(records.allSatisfy { $0["verdict"] == "ok" }, "\(records)")
        for record in records {
            for tensor in ["Wi", "bi", "Wo", "bo"] {
                #expect(Double(record[tensor] ?? "x").map { $0 >= 0 && $0 < 1e-6 } == true, "\(tensor): \(record)")
            }
        }
        #expect(try sandbox.succeed("gradcheck", spec).stdout.contains("ok"))
        #expect(sandbox.contents("runner.db") == nil)
    }

    static let subcommands = [
        "run", "list", "show", "compare", "query", "export", "plot", "report", "gradcheck", "rerun", "tag", "note", "delete",
        "merge", "slurm", "migrate",
    ]

    @Test("every subcommand's help has an example, each line of it whole, to copy into a shell", arguments: subcommands)
    func help(subcommand: String) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.succeed(subcommand, "--help")
        #expect(result.stdout.contains("Example"), "\(result.stdout)")
        #expect(result.stdout.contains("runner \(subcommand)"))
        // In 80 columns, an example too long for one line would wrap to column 0.
        let examples = result.stdout.components(separatedBy: "\n\n").filter { $0.hasPrefix("Example") }
        for line in examples.flatMap({ $0.split(separator: "\n").dropFirst() }) {
            #expect(line.hasPrefix("  runner ") || line.hasPrefix("      "), "\(subcommand): \(line)")
        }
        #expect(sandbox.contents("runner.db") == nil)
    }

    @Test("--version and the top-level help")
    func version() throws {
        let sandbox = try Sandbox()
        let version = try sandbox.succeed("--version").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!version.isEmpty && version.first?.isNumber == true, "\(version)")
        let help = try sandbox.succeed("--help").stdout
        for subcommand in Self.subcommands {
            #expect(help.contains(subcommand))
        }
    }

    @Test("no escape codes with NO_COLOR or in a pipe")
    func noColor() throws {
        let sandbox = try Sandbox()
        for environment in [[:], ["NO_COLOR": "1"], ["TERM": "xterm-256color", "CLICOLOR_FORCE": "1"]] {
            let run = try sandbox.succeed("run", try sandbox.spec("tiny"), environment: environment)
            let list = try sandbox.succeed("list", environment: environment)
            let show = try sandbox.succeed("show", String(try sandbox.existingRunIDs()[0].prefix(8)), environment: environment)
            for text in [run.stdout, run.stderr, list.stdout, show.stdout] {
                #expect(!text.contains("\u{1B}"), "escape code in \(text)")
            }
        }
    }
}
