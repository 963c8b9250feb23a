import Foundation
import RunnerStore
import Testing
@testable import RunnerKit

@Suite("Tables at any size")
struct TableRenderingTests {
    @Test("a cell of 200,000 characters is padded exactly, with no trailing spaces")
    func hugeCells() throws {
        // The old renderer padded numbers one character at a time at the front and trimmed
        // with a regex: quadratic in a cell's width. This checks the text a linear one gives
        // (the time it takes is in scripts/benchmark-reads.sh).
        let wide = String(repeating: "x", count: 200_000)
        let digits = String(repeating: "7", count: 150_000)
        let table = Table(headers: ["name", "n"], rows: [[Cell(wide), Cell("1", isNumber: true)], [Cell("a"), Cell(digits, isNumber: true)]])
        let lines = table.rendered(as: .table).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[4].isEmpty)
        #expect(lines[0] == "name" + String(repeating: " ", count: 200_000 - 4) + " " + String(repeating: " ", count: 150_000 - 1) + "n")
        #expect(lines[1] == String(repeating: "-", count: 200_000) + " " + String(repeating: "-", count: 150_000))
        #expect(lines[2] == wide + " " + String(repeating: " ", count: 150_000 - 1) + "1")
        #expect(lines[3] == "a" + String(repeating: " ", count: 200_000 - 1) + " " + digits)
        let markdown = table.rendered(as: .markdown).split(separator: "\n")
        #expect(markdown[2] == "| " + wide + " | " + String(repeating: " ", count: 150_000 - 1) + "1 |")
    }

    @Test("text tables keep their layout: right-aligned numbers, no trailing spaces, Markdown rule")
    func layout() {
        let table = Table(headers: ["id", "lr", "note"], rows: [[Cell("a"), Cell("0.1", isNumber: true), Cell("")], [Cell("bb"), Cell("2", isNumber: true), Cell("ok")]])
        #expect(table.rendered(as: .table) == "id  lr note\n-- --- ----\na  0.1\nbb   2 ok\n")
        #expect(table.rendered(as: .markdown) == "| id |  lr | note |\n|:----|----:|:-----|\n| a  | 0.1 |      |\n| bb |   2 | ok   |\n")
    }

    @Test("widths and trailing spaces count characters, not bytes: accents, CRLF, emoji, a prefix mark")
    func characters() {
        // "e" + combining acute is one character, "\r\n" too (written as one space), and U+0600
        // (a prefix mark) takes the space after it into its character: that space stays, the
        // ones after it go.
        let rows: [[Cell]] = [
            [Cell("e\u{301}"), Cell("a\r\n"), Cell("👩‍👩‍👧")],
            [Cell("é "), Cell("b"), Cell("\u{600}  ")],
            [Cell("x"), Cell("c"), Cell("")],
        ]
        let table = Table(headers: ["h", "cr", "f"], rows: rows)
        #expect(table.rendered(as: .table) == "h  cr f\n-- -- --\ne\u{301}  a  👩‍👩‍👧\né  b  \u{600} \nx  c\n")
        #expect(table.rendered(as: .markdown).hasSuffix("| x  | c  |    |\n"))
    }

    @Test("fitted to a terminal: names are shortened, then left out; numbers never change")
    func fitted() {
        let name = "practical-sweep hidden=100 learning_rate=0.002 seed=3"
        let table = Table(headers: ["id", "name", "val_acc"], rows: [[Cell("1a2b3c4d"), Cell(name), Cell("0.9125", isNumber: true)]])
        #expect(table.fitted(toWidth: 200) == table)
        let shortened = table.fitted(toWidth: 40)
        #expect(shortened.rows[0][1].text == String(name.prefix(22)) + "…")
        #expect(shortened.rendered(as: .table).split(separator: "\n").allSatisfy { $0.count <= 40 })
        let narrow = table.fitted(toWidth: 20)
        #expect(narrow.headers == ["id", "val_acc"] && narrow.rows[0].map(\.text) == ["1a2b3c4d", "0.9125"])
    }
}

@Suite("Settings read from a stored spec")
struct RunSettingsReadingTests {
    @Test("every leaf by its path, as tables show it: integers with all their digits, null as in names")
    func leaves() {
        let json = #"""
            {"name": "x", "group": "g", "swept": ["training.seed"], "description": {"a": 1},
             "data": {"train_csv": "/tmp/a \"b\"\u00e9\ud83d\ude00.csv", "points": 400, "noise": 0.15, "shuffle": true, "none": null},
             "model": {"hidden": 1e2, "sizes": [1, [2, {"c": 3}]], "init": "he"},
             "training": {"learning_rate": -0.002, "seed": -0, "flag": false, "empty": {}, "big": 18446744073709551615, "huge": 1e300}}
            """#
        #expect(RunSettings(specJSON: json).values == [
            "data.train_csv": "/tmp/a \"b\"é😀.csv", "data.points": "400", "data.noise": "0.15", "data.shuffle": "1", "data.none": "none",
            "model.hidden": "100", "model.sizes": "null", "model.init": "he",
            "training.learning_rate": "-0.002", "training.seed": "0", "training.flag": "0",
            "training.big": "18446744073709551615", "training.huge": "1e+300",
        ])
        for malformed in ["", "[1]", "{\"a\": }", "{\"a\": 1", "{\"a\": \"b}", "{\"a\": tru}"] {
            #expect(RunSettings(specJSON: malformed).values.isEmpty, "\(malformed)")
        }
    }
}

@Suite("Sparklines")
struct SparklineTests {
    @Test("sparklines drawn on one scale can be compared by their heights")
    func sharedScale() {
        #expect(Sparkline.draw([1, 2]) == "▁█")
        #expect(Sparkline.draw([1, 2], scale: 0...4) == "▃▅")
        #expect(Sparkline.draw([3, 4], scale: 0...4) == "▆█")
        #expect(Sparkline.draw([9], scale: 0...4) == "█")
    }
}

@Suite("Reading many runs")
struct ReadingManyRunsTests {
    /// A new store in a temporary folder holding the runs of `specs`, trained for real.
    func recorded(_ specs: String...) throws -> (TemporaryFolder, ExperimentStore) {
        let folder = try TemporaryFolder()
        let store = try ExperimentStore(path: folder.path + "/runner.db")
        for json in specs {
            for spec in try parseSpec(json) {
                try record(spec, in: store)
            }
        }
        return (folder, store)
    }

    @Test("a comparison read in blocks, each on every core, is the one read at once")
    func comparisonInBlocks() throws {
        let (folder, store) = try recorded(#"{"group": "g", "data": {"points": 20}, "model": {"hidden": [2, 3]}, "training": {"epochs": 1, "seed": [\#((1...300).map(String.init).joined(separator: ", "))]}}"#)
        defer { folder.remove() }
        let runs = try Array(store.runs(inGroup: "g").reversed())
        let whole = try Comparison(store: store, runs: runs)
        let blocks = try Comparison(store: store, runs: runs, block: 70)
        #expect(whole.entries.count == 600 && blocks.entries.map(\.summary.id) == runs.map(\.id))
        #expect(blocks.entries.map(\.settings) == whole.entries.map(\.settings) && blocks.differingSettings == ["model.hidden", "training.seed"])
        #expect(blocks.aggregatedTable().rendered(as: .csv) == whole.aggregatedTable().rendered(as: .csv))
        #expect(blocks.table().rendered(as: .csv) == whole.table().rendered(as: .csv))
        #expect(whole.entries[599].settings["model.hidden"] == "3" && whole.entries[599].settings.values["training.seed"] == "300")
        // The parallel map fills one buffer, chunk by chunk, in order.
        let numbers = Array(0..<10_000)
        #expect(numbers.concurrentMap(minimumChunk: 7) { "\($0 * 3)" } == numbers.map { "\($0 * 3)" })
    }

    @Test("labels name the settings that differ, compactly and in full")
    func labels() throws {
        let (folder, store) = try recorded(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": [5, 10]}, "training": {"epochs": 2, "learning_rate": [0.2, 0.002], "seed": [1, 3]}}"#)
        defer { folder.remove() }
        let comparison = try Comparison(store: store, runs: store.runs(inGroup: "g").reversed())
        #expect(comparison.labels().first == "h=5 lr=0.2 seed=1")
        #expect(comparison.labels().last == "h=10 lr=0.002 seed=3")
        #expect(Set(comparison.labels()).count == 8)
    }

    @Test("runs of two groups are never replicates: the aggregate keeps them apart and names the group")
    func groupsStayApart() throws {
        let (folder, store) = try recorded(#"{"group": "a", "data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 2, "seed": [1, 2]}}"#, #"{"group": "b", "data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 2, "seed": 3}}"#)
        defer { folder.remove() }
        let comparison = try Comparison(store: store, runs: store.runs().reversed())
        #expect(comparison.spansGroups)
        let aggregate = comparison.aggregatedTable()
        #expect(aggregate.headers.prefix(2) == ["group", "runs"])
        #expect(aggregate.rows.map { $0.prefix(2).map(\.text) } == [["a", "2"], ["b", "1"]])
        #expect(comparison.table().headers.prefix(3) == ["id", "name", "group"])
    }

    @Test("a report of a large group shows the best and worst runs and says so")
    func largeGroupReport() throws {
        let (folder, store) = try recorded(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": [2, 3, 4]}, "training": {"epochs": 3, "seed": [1, 2]}}"#)
        defer { folder.remove() }
        var limits = Figures.ReportLimits()
        (limits.tableRows, limits.curves, limits.boundaries) = (4, 2, 2)
        let html = try Figures(store: store).report(store.runs(inGroup: "g"), title: "t", generatedAt: "now", limits: limits)
        #expect(html.contains("The 2 best and 2 worst of 6 runs by final accuracy"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 1 + 4 + 1 + 3)  // runs: header + 4; mean ± std: header + 3
        #expect(html.contains("Learning curves of the 2 best of 6 runs"))
        #expect(html.contains("The 1 best and 1 worst of 3 settings by mean final accuracy."))
        #expect(html.components(separatedBy: "<figure class=\"thumb\">").count - 1 == 2)
    }

    @Test("learning curves stay readable: seeds alone make one mean curve, and too many runs to tell apart are refused")
    func boundedCurves() throws {
        let (folder, store) = try recorded(
            #"{"group": "seeds", "data": {"points": 20}, "model": {"hidden": 2}, "training": {"epochs": 2, "seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}}"#,
            #"{"group": "wide", "data": {"points": 20}, "model": {"hidden": [2, 3, 4]}, "training": {"epochs": [1, 2], "learning_rate": [0.1, 0.2, 0.3], "seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}}"#)
        defer { folder.remove() }
        let figures = Figures(store: store)
        let seeds = try figures.learningCurves(store.runs(inGroup: "seeds"))
        #expect(seeds.title == "Learning curves, mean over seeds" && seeds.runs.map(\.label) == ["12 seeds"])
        #expect(seeds.runs[0].bands.count == 4 && seeds.encoding == nil)
        let wide = try store.runs(inGroup: "wide")
        #expect(wide.count == 216)
        #expect(throws: FigureError.tooManyCurves(count: 216, why: "they differ in 3 settings besides the seed (hidden, lr, epochs)")) {
            try figures.learningCurves(wide)
        }
        #expect(try figures.learningCurves(Array(wide.prefix(Figures.curveLimit))).runs.count == Figures.curveLimit)
    }

    @Test("a report of a two-setting sweep lays boundaries out as the swept grid")
    func sweepGrid() throws {
        let (folder, store) = try recorded(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": [2, 3]}, "training": {"epochs": 2, "learning_rate": [0.5, 0.05], "seed": [1, 2]}}"#)
        defer { folder.remove() }
        let html = try Figures(store: store).report(store.runs(inGroup: "g"), title: "t", generatedAt: "now")
        #expect(html.contains("<div class=\"boundary-grid\" style=\"grid-template-columns: max-content repeat(2, minmax(90px, 170px))\">"))
        #expect(html.contains("<div class=\"corner\">hidden ↓ lr →</div>"))
        #expect(html.contains("<div class=\"column-label\">0.05</div>\n<div class=\"column-label\">0.5</div>"))
        #expect(html.contains("<h2>Mean ± std over seeds</h2>"))
        #expect(html.contains("h=2 lr=0.05 · ") && html.contains("(median of 2 runs)"))
    }

    @Test("runs with equal scores are chosen by their settings, not by when they were made")
    func tiesBySettings() throws {
        // Every run reaches a validation accuracy of 1: all tie on the report's score.
        let (folder, store) = try recorded(#"{"group": "g", "data": {"generator": "circles", "points": 100, "noise": 0.05}, "model": {"hidden": [16, 17]}, "training": {"epochs": 20, "learning_rate": 0.05, "seed": [1, 2, 3]}}"#)
        defer { folder.remove() }
        let runs = try store.runs(inGroup: "g")
        #expect(Set(runs.map(\.finalValidationAccuracy)) == [1])
        func shortID(_ name: String) -> String { runs.first { $0.name.hasSuffix(name) }?.shortID ?? "none" }

        for order in [runs, runs.reversed(), [runs[4], runs[0], runs[5], runs[2], runs[1], runs[3]]] {
            // The report draws each setting's median seed: seed 2 of three tied ones.
            let html = try Figures(store: store).report(order, title: "t", generatedAt: "now")
            #expect(html.contains("h=16 · \(shortID("hidden=16 seed=2")) (median of 3 runs)"), "\(order.map(\.name))")
            #expect(html.contains("h=17 · \(shortID("hidden=17 seed=2")) (median of 3 runs)"), "\(order.map(\.name))")
            // compare --sort breaks ties the same way.
            let comparison = try Comparison(store: store, runs: order)
            let sorted = try comparison.table().sorted(by: "val_acc", descending: true, tieRanks: comparison.settingsRanks)
            #expect(sorted.rows.map { $0[1].text } == runs.map(\.name).sorted(), "h 16 before 17, seeds 1 to 3: \(order.map(\.name))")
        }
    }

    @Test("a single-run report shows its settings, its curves once and its full-size boundary")
    func singleRun() throws {
        let (folder, store) = try recorded(#"{"name": "solo", "data": {"points": 40}, "model": {"hidden": 3}, "training": {"epochs": 2}}"#)
        defer { folder.remove() }
        let html = try Figures(store: store).report(store.runs(), title: "t", generatedAt: "now")
        #expect(html.contains("<h2>Settings</h2>") && html.contains("<td>hidden</td><td>3</td>"))
        #expect(html.components(separatedBy: "<h2>Learning curves</h2>").count == 2)
        #expect(html.contains("<figure class=\"chart boundary\">") && !html.contains("class=\"thumb\""))
        #expect(!html.contains("1 runs"))
    }

    @Test("a sweep summary over a setting the runs share is refused, naming what was swept")
    func sweepRefusal() throws {
        let (folder, store) = try recorded(#"{"group": "g", "data": {"points": 40}, "model": {"hidden": [2, 3]}, "training": {"epochs": 2}}"#)
        defer { folder.remove() }
        let error = #expect(throws: FigureError.self) { try Figures(store: store).sweepSummary(store.runs(), axis: .learningRate) }
        #expect(error?.description == "these runs all have the same learning rate, so a sweep summary over it would be a single point; they differ in hidden; try --x hidden")
        // Over a setting that is no axis, no --x to suggest, but what else shows them.
        let (otherFolder, other) = try recorded(#"{"group": "g", "data": {"points": 40, "noise": [0.1, 0.2]}, "model": {"hidden": 2}, "training": {"epochs": 2}}"#)
        defer { otherFolder.remove() }
        let noise = #expect(throws: FigureError.self) { try Figures(store: other).sweepSummary(other.runs(), axis: .hidden) }
        #expect(noise?.description == "these runs all have the same hidden units, so a sweep summary over it would be a single point; they differ in noise; "
            + "a sweep summary plots learning_rate or hidden only: compare these with `runner compare --aggregate`, or draw their curves without --kind sweep")
    }
}
