import Foundation
import Testing
@testable import RunnerKit

@Suite struct SuggestionTests {
    @Test("a swap of neighbouring characters is one edit")
    func transpositions() {
        #expect(editDistance(Array("lsit"), Array("list")) == 1)
        #expect(editDistance(Array("abcd"), Array("badc")) == 2)
        #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(editDistance(Array(""), Array("run")) == 3)
        let commands = ["run", "list", "show", "compare", "query", "export", "plot", "report", "gradcheck", "rerun", "tag", "note", "delete"]
        #expect(closestMatch(to: "lsit", among: commands) == "list")
        #expect(closestMatch(to: "comapre", among: commands) == "compare")
        #expect(closestMatch(to: "frobnicate", among: commands) == nil)
    }

    @Test("overrides: a path and a JSON value, or text taken as a string")
    func overrides() throws {
        let spec = """
            {"name": "base", "model": {"hidden": 4}, "training": {"epochs": 2}}
            """
        let runs = try SpecFile.parse(Data(spec.utf8), path: "base.json", baseDirectory: "/", overrides: [
            try SpecOverride(parsing: "model.hidden=[2, 3]"),
            try SpecOverride(parsing: "$.data.generator=moons"),
            try SpecOverride(parsing: "training.epochs=7"),
            try SpecOverride(parsing: "training.epochs=9"),
        ])
        #expect(runs.map(\.runName) == ["base hidden=2", "base hidden=3"])
        #expect(runs.map(\.model.hiddenUnits) == [2, 3])
        #expect(runs.allSatisfy { $0.training.epochs == 9 }, "a later --set of the same path wins")
        #expect(runs.allSatisfy { if case .generator(.moons, _, _) = $0.data.source { true } else { false } })
        #expect(throws: SpecOverrideError(argument: "hidden", message: "expected path=value, e.g. --set training.learning_rate=0.1")) {
            try SpecOverride(parsing: "hidden")
        }
        #expect(throws: SpecOverrideError(argument: "model..hidden=3", message: "expected a path of keys joined by dots before '=', e.g. training.learning_rate")) {
            try SpecOverride(parsing: "model..hidden=3")
        }
    }
}
