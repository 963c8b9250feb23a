import Foundation
import Testing

@Suite("Reading in a terminal")
struct TerminalOutputTests {
    @Test("list says when it shows fewer runs than match, on stderr, -q or not, and not otherwise")
    func partialList() throws {
        let sandbox = try Fixture.sandbox()
        let limited = try sandbox.succeed("list", "--limit", "2", "--format", "csv")
        #expect(limited.stderr == "2 of 5 runs; --limit N shows more\n")
        #expect(try parseCSVRecords(limited.stdout).records.count == 2)
        #expect(try sandbox.succeed("list", "--group", "grid", "--limit", "2").stderr == "2 of 4 runs; --limit N shows more\n")
        // -q, whose ids go into other commands, says it too when the default 20 cut them,
        // not when they are as many as --limit asked for
        let asked = try sandbox.succeed("list", "--limit", "2", "-q")
        #expect(asked.stderr.isEmpty && asked.stdout.split(separator: "\n").count == 2, "\(asked)")
        let many = try Sandbox()
        try many.runSpec(try many.spec("many", Spec.small(name: "many", points: "20", epochs: "1", seed: "[" + (1...25).map(String.init).joined(separator: ", ") + "]")))
        let cut = try many.succeed("list", "-q")
        #expect(cut.stderr == "20 of 25 runs; --limit N shows more\n" && cut.stdout.split(separator: "\n").count == 20, "\(cut)")
        #expect(try sandbox.succeed("list", "--limit", "5").stderr.isEmpty)
        #expect(try sandbox.succeed("list").stderr.isEmpty)
    }

    @Test("list and compare fit COLUMNS: the name is shortened or left out, numbers stay whole")
    func narrowTerminal() throws {
        let sandbox = try Fixture.sandbox()
        let wide = try sandbox.succeed("list").stdout
        let wideWidth = wide.split(separator: "\n").map(\.count).max()!
        let narrow = try sandbox.succeed("list", environment: ["COLUMNS": String(wideWidth - 3)]).stdout
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= wideWidth - 3 })
        #expect(narrow.contains("…"))
        let tiny = try sandbox.succeed("list", environment: ["COLUMNS": "60"]).stdout
        let header = tiny.split(separator: "\n")[0].split(separator: " ")
        #expect(!header.contains("name") && !header.contains("group") && header.contains("val_acc"))
        // Every number of the wide table is still there, whole.
        let numbers = { (text: String) in text.split(whereSeparator: \.isWhitespace).filter { Double($0) != nil } }
        #expect(numbers(tiny) == numbers(wide))
        // CSV is data: never fitted.
        #expect(try sandbox.succeed("list", "--format", "csv", environment: ["COLUMNS": "60"]).stdout
            == (try sandbox.succeed("list", "--format", "csv").stdout))
        let compare = try sandbox.succeed("compare", "--group", "grid", environment: ["COLUMNS": "100"]).stdout
        #expect(!compare.split(separator: "\n")[0].split(separator: " ").contains("name"))
    }

    @Test("show summarises large weight tensors")
    func show() throws {
        let sandbox = try Sandbox()
        let spec = try sandbox.spec("wide", Spec.small(name: "wide", epochs: "6", hidden: "40", seed: "1"))
        let id = try #require(try sandbox.runSpec(spec).first)
        let text = try sandbox.succeed("show", id).stdout
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // h = 40: Wi has 80 values, bi and Wo 40 each; none is printed in full and no line is long.
        for tensor in ["Wi [2×40]: 80 values, min", "bi [40]: 40 values, min", "Wo [40]: 40 values, min"] {
            #expect(text.contains(tensor), "\(tensor) in \(text)")
        }
        #expect(text.contains("`runner export \(id.prefix(8)) --what weights` prints all"))
        #expect(lines.allSatisfy { $0.count <= 120 }, "\(lines.map(\.count).max()!)")
    }

    @Test("a run whose rows were edited by hand is named in the error, and a report leaves it out")
    func handEditedRun() throws {
        let sandbox = try Fixture.sandbox()
        let id = try sandbox.sqlite("SELECT short_id FROM runs WHERE group_name = 'grid' ORDER BY created_at LIMIT 1")[0][0]
        try sandbox.sqlite("DELETE FROM weights WHERE tensor = 'Wo' AND run_id = (SELECT id FROM runs WHERE short_id = '\(id)')")
        let boundary = try sandbox.runner("plot", id, "--kind", "boundary", "--out", "b.svg")
        #expect(boundary.status == 1 && boundary.stderr.hasPrefix("Error: the stored weights of run \(id) do not make a network (inconsistent weight shapes"), "\(boundary)")
        #expect(boundary.stderr.contains("`runner rerun \(id)` trains the run again"), "\(boundary)")
        try sandbox.succeed("report", "--group", "grid", "--out", "grid.html")
        let html = String(decoding: sandbox.contents("grid.html") ?? Data(), as: UTF8.self)
        #expect(html.contains("<figure class=\"thumb\">") && !html.contains(" · \(id)"), "the other runs' boundaries, not this one's")

        try sandbox.sqlite("DELETE FROM epochs WHERE run_id = (SELECT id FROM runs WHERE short_id = '\(id)')")
        let export = try sandbox.runner("export", id, "--what", "epochs")
        #expect(export.status == 1 && export.stderr == "Error: run \(id) has no epochs (status completed)\n", "\(export)")
    }

    @Test("a sweep summary over a setting the runs share is refused, naming what they differ in")
    func sweepRefusal() throws {
        let sandbox = try Fixture.sandbox()
        let result = try sandbox.runner("plot", "--group", "grid", "--kind", "sweep", "--x", "learning_rate", "--out", "s.svg")
        #expect(result.status != 0)
        #expect(result.stderr.contains("have the same learning rate") && result.stderr.contains("they differ in hidden; try --x hidden"))
        #expect(sandbox.contents("s.svg") == nil)
        // The table's name for the learning rate works too; --sort takes the spec's names.
        let lr = try sandbox.runner("plot", "--group", "grid", "--kind", "sweep", "--x", "lr", "--out", "s.svg")
        #expect(lr.stderr.contains("have the same learning rate"), "\(lr)")
        // --x with another kind, and an empty --title, are one-line refusals.
        let curves = try sandbox.runner("plot", "--group", "grid", "--x", "hidden", "--out", "c.svg")
        #expect(curves.status == 64 && curves.stderr == "Error: --x sets the x axis of --kind sweep; --kind curves plots against epochs, so leave --x out.\n", "\(curves)")
        let untitled = try sandbox.runner("report", "--group", "grid", "--title", " ", "--out", "r.html")
        #expect(untitled.status == 64 && untitled.stderr.hasPrefix("Error: --title is empty"), "\(untitled)")
        #expect(sandbox.contents("c.svg") == nil && sandbox.contents("r.html") == nil)
        let byPath = try sandbox.succeed("compare", "--group", "grid", "--sort", "model.hidden", "--descending", "--format", "csv").stdout
        #expect(byPath == (try sandbox.succeed("compare", "--group", "grid", "--sort", "hidden", "--descending", "--format", "csv").stdout))
    }
}
