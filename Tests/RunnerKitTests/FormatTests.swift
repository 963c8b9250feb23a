import Testing
@testable import RunnerKit

@Suite("Number formats")
struct FormatTests {
    @Test("counts group their thousands", arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (72_000, "72,000"), (2_000_000, "2,000,000"),
        (1_234_567_890, "1,234,567,890"), (-4_500, "-4,500"),
    ])
    func count(value: Int, text: String) {
        #expect(Format.count(value) == text)
    }
}
