import Foundation
import RunnerStore
import Testing
@testable import RunnerKit

/// RunnerKit's side of issue 12: strict data files, output files, streamed rows.
@Suite("Hardening of specs, data files and outputs")
struct KitHardeningTests {
    @Test("start weights files are read as strictly as specs, every error located", arguments: [
        (#"{"Wi": [[NaN]], "bi": [1], "Wo": [1], "bo": 0}"#, "w.json:1:10: unexpected 'N'"),
        (#"{"Wi": [[1, 1e999]], "bi": [1, 2], "Wo": [1, 2], "bo": 0}"#, "w.json:1:13: $.Wi[0][1]: expected a finite number, found 1e999"),
        ("{\"Wi\": [[1]],\n \"bi\": [1], \"Wo\": [1], \"bo\": 0, \"extra\": 1}", "w.json:2:33: $: unknown key \"extra\"; start weights have exactly the keys Wi, bi, Wo and bo"),
        (#"{"Wi": [[1]], "bi": [1], "Wo": [1], "bo": 0, "bo": 1}"#, "w.json:1:46: $.bo: duplicate key \"bo\"; give each tensor once"),
        (#"{"Wi": [[1]], "bi": [1], "Wo": [1]}"#, "w.json:1:1: $: the key \"bo\" is missing"),
        (#"{"Wi": [1], "bi": [1], "Wo": [1], "bo": 0}"#, "w.json:1:9: $.Wi[0]: expected an array of numbers (one per hidden unit), found 1"),
        (#"{"Wi": [[1]], "bi": [1], "Wo": [1], "bo": "0"}"#, "w.json:1:43: $.bo: expected a finite number, found \"0\" (a string)"),
    ])
    func strictStartWeights(text: String, message: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("w.json", text)
        let error = #expect(throws: ExperimentError.self) { try ExperimentSpec.readStartWeights(path) }
        #expect(error?.message.hasPrefix(folder.path + "/" + message) == true, "\(String(describing: error))")
    }

    @Test("a stored spec edited past reading says what is wrong and where, not how Swift decodes", arguments: [
        ("{}", "'name' is missing"),
        ("[1, 2]", "the top level is not a JSON object"),
        ("not json", "it is not a JSON object"),
    ])
    func unreadableStoredSpec(json: String, message: String) {
        let error = #expect(throws: ExperimentError.self) { try ExperimentSpec(canonicalJSON: json) }
        #expect(error?.message == message)
    }

    @Test("a stored spec with a wrong value names its place")
    func wrongStoredValue() throws {
        let spec = try #require(try parseSpec(#"{"model": {"hidden": 3}}"#).first)
        let edited = spec.canonicalJSON.replacingOccurrences(of: #""hidden":3"#, with: #""hidden":"seven""#)
        #expect(edited != spec.canonicalJSON)
        let error = #expect(throws: ExperimentError.self) { try ExperimentSpec(canonicalJSON: edited) }
        #expect(error?.message == "'model.hidden' is not a number")
    }

    @Test("control characters are shown as pictures; line feeds, CRLF, tabs and other text stay", arguments: [
        ("a\rb", "a\u{240D}b"), ("a\u{0B}b\u{0C}c", "a\u{240B}b\u{240C}c"), ("x\u{7F}", "x\u{2421}"), ("\u{9B}31m", "\u{FFFD}31m"),
        ("abc\u{202E}fed\u{2066}x", "abc\u{FFFD}fed\u{FFFD}x"), ("\u{05D0}\u{200F}", "\u{05D0}\u{200F}"),
        ("\u{1B}[2J", "\u{241B}[2J"), ("a\r\nb\tc\n", "a\r\nb\tc\n"), ("é e\u{301} ✓", "é e\u{301} ✓"),
    ])
    func controlPictures(text: String, shown: String) {
        #expect(Table.visibleControlCharacters(text) == shown)
    }

    @Test("a table cell's DEL and lone CR cannot reach the terminal")
    func tableControls() {
        let table = Table(headers: ["x"], rows: [[Cell("a\u{7F}b")], [Cell("c\rd")]]).rendered(as: .table)
        #expect(table.contains("a\u{2421}b\nc\u{240D}d\n") && !table.contains("\r") && !table.contains("\u{7F}"), "\(table.debugDescription)")
    }

    @Test("a spec string with invalid UTF-8 is refused at its byte")
    func invalidUTF8() {
        var bytes = Array(#"{"name": "ab"#.utf8)
        bytes += [0xC3, 0x28]  // a lead byte without its continuation
        bytes += Array("\"}".utf8)
        do {
            _ = try SpecFile.parse(Data(bytes), path: "bad.json", baseDirectory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map { "\($0.line ?? 0):\($0.column ?? 0): \($0.message)" }
                == ["1:13: invalid JSON: invalid UTF-8 byte 0xC3 inside a string; save the file as UTF-8"])
        }
    }

    @Test("a noise too large for finite points is refused with its location")
    func hugeNoise() {
        let errors = specErrors(#"{"data": {"generator": "moons", "noise": 1e308}}"#)
        #expect(errors.map(\.jsonPath) == ["$.data.noise"])
        #expect(errors.first?.line == 1 && errors.first?.column == 42)
        #expect(errors.first?.message == "expected a number in [0, 1000000], found 1e308")
    }

    @Test("an output file may not be the database or its WAL, SHM or journal, however named")
    func outputNeverTheDatabase() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try folder.write("runs.db", "the database")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.svg", withDestinationPath: "runs.db")
        try FileManager.default.linkItem(atPath: database, toPath: folder.path + "/hard.svg")
        for out in ["runs.db", "./runs.db", "link.svg", "hard.svg", "runs.db-wal", "runs.db-shm", "runs.db-journal"].map({ folder.path + "/" + $0 }) {
            #expect(throws: OutputFileError.self) { try OutputFile.write("<svg/>", to: out, database: database) }
        }
        #expect(try String(contentsOfFile: database, encoding: .utf8) == "the database")
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
    }

    @Test("an output file is replaced whole through a renamed temporary file")
    func outputReplacedWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = try folder.write("plot.svg", "old")
        var before = stat()
        stat(out, &before)
        try OutputFile.write("new", to: out, database: folder.path + "/runs.db")
        var after = stat()
        stat(out, &after)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "new")
        #expect(before.st_ino != after.st_ino)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["plot.svg"])
        let missing = #expect(throws: OutputFileError.self) { try OutputFile.write("x", to: folder.path + "/no/plot.svg", database: "runs.db") }
        #expect(missing?.description.contains("the folder \(folder.path)/no does not exist") == true)
    }

    @Test("rows streamed in any format read exactly as the whole table renders", arguments: OutputFormat.allCases)
    func streamedRowsMatchTable(format: OutputFormat) {
        let headers = ["name", "value"]
        let rows: [[Cell]] = [[Cell("a, \"quoted\""), Cell("1.5", isNumber: true)], [Cell(""), Cell("inf", isNumber: true)]]
        for count in [0, 1, 2] {
            var text = ""
            let stream = RowStream(headers: headers, format: format) { text += $0; return true }
            for row in rows.prefix(count) { #expect(stream.append(row)) }
            stream.finish()
            #expect(text == Table(headers: headers, rows: Array(rows.prefix(count))).rendered(as: format))
        }
    }

    @Test("a long table streams in blocks that line up with the first", arguments: [OutputFormat.table, .markdown])
    func longTableStreams(format: OutputFormat) {
        let headers = ["id", "loss", "note"]
        let rows = (0..<2_500).map { [Cell(String(format: "r%04d", $0)), Cell(String($0 % 7), isNumber: true), Cell($0 % 3 == 0 ? "" : "x")] }
        var text = ""
        let stream = RowStream(headers: headers, format: format) { text += $0; return true }
        for row in rows { #expect(stream.append(row)) }
        stream.finish()
        #expect(text == Table(headers: headers, rows: rows).rendered(as: format))
    }

    @Test("Markdown escapes | and line breaks, so that every row has the header's cells; a text table keeps | and writes line breaks as spaces", arguments: [false, true])
    func markdownEscaping(streamed: Bool) {
        let headers = ["name|group", "n"]
        let rows = [[Cell("a | b"), Cell("1", isNumber: true)], [Cell("two\nlines"), Cell("2", isNumber: true)]]
        var markdown = ""
        if streamed {
            let stream = RowStream(headers: headers, format: .markdown) { markdown += $0; return true }
            for row in rows { _ = stream.append(row) }
            stream.finish()
        } else {
            markdown = Table(headers: headers, rows: rows).rendered(as: .markdown)
        }
        #expect(markdown == """
            | name\\|group | n |
            |:------------|----:|
            | a \\| b      | 1 |
            | two lines   | 2 |

            """)
        #expect(Table(headers: headers, rows: rows).rendered(as: .table) == """
            name|group n
            ---------- -
            a | b      1
            two lines  2

            """)
        // A tab, a carriage return and a line separator take one column each too
        #expect(Table(headers: ["name"], rows: [[Cell("a\tb")], [Cell("c\r\nd")], [Cell("é\u{2028}f")]]).rendered(as: .table) == """
            name
            ----
            a b
            c d
            é f

            """)
    }

    @Test("a stream writes in blocks and reports a closed output so the query stops")
    func streamStopsWhenClosed() {
        var calls = 0
        let stream = RowStream(headers: ["x"], format: .csv) { _ in calls += 1; return false }
        let cell = Cell(String(repeating: "7", count: 1000), isNumber: true)
        var rows = 1
        while stream.append([cell]) { rows += 1 }
        #expect(calls == 1)
        #expect(rows == 66)  // the first block that reaches 64 kB: 66 lines of 1001 bytes after the header
    }
}
