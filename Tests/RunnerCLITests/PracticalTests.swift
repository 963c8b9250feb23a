import Foundation
import Testing

/// The practical's own specs (experiments/practical/), run as a process with a short epoch count.
@Suite("The practical, reproduced")
struct PracticalTests {
    /// The project's experiments/practical/ folder.
    static let folder = Project.root.appendingPathComponent("experiments/practical")

    /// A sandbox holding the practical's spec `name` with `epochs` instead of 30.
    private func sandbox(with names: [String], epochs: Int) throws -> Sandbox {
        let sandbox = try Sandbox()
        for name in names {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(text.contains(#""epochs": 30"#), "\(name) runs the practical's 30 passes")
            try sandbox.write(name, text.replacingOccurrences(of: #""epochs": 30"#, with: #""epochs": \#(epochs)"#))
        }
        return sandbox
    }

    @Test("every question's spec validates and runs on 1,000 + 1,000 practical moon points, U[0, 1) weights, sampling with replacement")
    func specsRun() throws {
        let specs = ["qc1-default.json", "qc2-initializations.json", "qc3-learning-rates.json", "qc4-hidden-sizes.json"]
        let sandbox = try sandbox(with: specs, epochs: 3)
        var counts: [Int] = []
        for spec in specs {
            counts.append(try sandbox.runSpec(spec).count)
        }
        #expect(counts == [1, 5, 12, 18])
        let settings = try sandbox.sqlite("SELECT DISTINCT dataset, train_size, validation_size, initialization, visit_order, epochs FROM runs")
        #expect(settings == [["practical_moon", "1000", "1000", "uniform", "replacement", "3"]])
        #expect(try sandbox.count("SELECT count(*) FROM runs WHERE status <> 'completed'") == 0)
        // Boundaries cover the practical's window [−4, 6] × [−5, 3], not just the points, with both
        // axes to one scale: y is widened about the window's centre to [−6, 4].
        let run = try sandbox.scalar("SELECT short_id FROM runs WHERE group_name = 'qc1-default'")
        try sandbox.succeed("plot", run, "--kind", "boundary", "--out", "boundary.svg")
        let svg = String(decoding: try #require(sandbox.contents("boundary.svg")), as: UTF8.self)
        let ticks = svg.split(separator: "<text").compactMap { $0.split(separator: ">").dropFirst().first?.split(separator: "<").first }.map(String.init)
        let axes = try #require(ticks.firstIndex(of: "x₁"))
        #expect(Array(ticks[(axes - 6)...(axes + 7)]) == ["-4", "-2", "0", "2", "4", "6", "x₁", "-6", "-4", "-2", "0", "2", "4", "x₂"], "\(ticks)")
        // The rings mark misclassified points of both sets, and the title counts both.
        let title = try #require(svg.firstMatch(of: /<title>[0-9a-f]{8} qc1-default: (\d+) of 1000 training and (\d+) of 1000 validation points misclassified<\/title>/))
        let rings = svg.matches(of: /class="misclassified"/).count
        #expect(rings == Int(title.1)! + Int(title.2)! && rings > 0)
    }

    @Test("converged_at_epoch is the first epoch from which every training point stays right, in compare and show")
    func convergedAt() throws {
        let sandbox = try sandbox(with: ["qc3-learning-rates.json"], epochs: 12)
        try sandbox.runSpec("qc3-learning-rates.json")
        // The stored value agrees with the epochs, recomputed here.
        let runs = try sandbox.sqlite("SELECT id, ifnull(converged_at_epoch, 'none'), ifnull(converged_at_step, 'none') FROM run_summary")
        var converged = 0
        for run in runs {
            let accuracies = try sandbox.sqlite("SELECT train_accuracy FROM epochs WHERE run_id = '\(run[0])' ORDER BY epoch").map { Double($0[0])! }
            let lastWrong = accuracies.lastIndex { $0 < 1 }.map { $0 + 1 } ?? 0
            let expected = lastWrong < accuracies.count ? String(lastWrong + 1) : "none"
            #expect(run[1] == expected, "run \(run[0]) with training accuracies \(accuracies)")
            #expect(run[2] == (Int(expected).map { String($0 * 1000) } ?? "none"), "1,000 steps per epoch")
            if expected != "none" { converged += 1 }
        }
        #expect(converged > 0 && converged < 12, "some of the learning rates reach zero training error in 12 passes, not all")
        // compare shows it per run and counts it per learning rate.
        let table = try parseCSVRecords(try sandbox.succeed("compare", "--group", "qc3-learning-rates", "--format", "csv").stdout)
        #expect(table.records.filter { !($0["converged"] ?? "").isEmpty }.count == converged)
        let aggregate = try parseCSVRecords(try sandbox.succeed("compare", "--group", "qc3-learning-rates", "--aggregate", "--format", "csv").stdout)
        #expect(aggregate.records.map { $0["lr"] } == ["0.002", "0.02", "0.2", "2"], "by value, not as the spec lists them")
        #expect(aggregate.records.compactMap { Int($0["converged"] ?? "") }.reduce(0, +) == converged)
        // show says it in words.
        let first = try sandbox.sqlite("SELECT short_id, converged_at_epoch FROM runs WHERE converged_at_epoch IS NOT NULL LIMIT 1")[0]
        #expect(try sandbox.succeed("show", first[0]).stdout.contains("converged   at epoch \(first[1]) (step \(Int(first[1])! * 1000)): zero training error from then on"))
        let never = try sandbox.sqlite("SELECT short_id FROM runs WHERE converged_at_epoch IS NULL LIMIT 1")[0][0]
        #expect(try sandbox.succeed("show", never).stdout.contains("converged   no: the last epoch misclassifies training points"))
    }

    @Test("gradcheck --example prints the practical's QB2: every component of Wi, bi, Wo, bo, analytic next to finite differences")
    func exampleGradientCheck() throws {
        let sandbox = try sandbox(with: ["qc1-default.json"], epochs: 1)
        let result = try sandbox.succeed("gradcheck", "qc1-default.json", "--example", "0", "--format", "csv")
        let (headers, records) = try parseCSVRecords(result.stdout)
        #expect(headers == ["tensor", "index", "analytic", "finite_difference", "difference"])
        #expect(records.map { $0["tensor"]! } == Array(repeating: "Wi", count: 14) + Array(repeating: "bi", count: 7) + Array(repeating: "Wo", count: 7) + ["bo"])
        #expect(records.prefix(2).map { $0["index"] } == ["[0,0]", "[0,1]"])
        for record in records {
            let (analytic, numeric) = (try #require(number(record["analytic"])), try #require(number(record["finite_difference"])))
            #expect(abs(analytic - numeric) <= 1e-7 * max(1, abs(analytic)), "\(record)")
        }
        #expect(try sandbox.succeed("gradcheck", "qc1-default.json", "--example", "999").stdout.contains("bo"))
        let bad = try sandbox.runner("gradcheck", "qc1-default.json", "--example", "1000")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--example 1000 is past the last training point: the spec has 1000, numbered from 0"))
        #expect(!bad.stderr.contains("Fatal error"))
    }
}
