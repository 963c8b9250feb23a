import RunnerCore
import Testing

@Suite("Data: generators, CSV and splits")
struct DataTests {
    @Test("generators are balanced, seeded and reproducible", arguments: DataGenerator.allCases)
    func generators(generator: DataGenerator) {
        var first = RandomSource(seed: 9)
        var second = RandomSource(seed: 9)
        var other = RandomSource(seed: 10)
        let data = generator.generate(points: 101, noise: generator.defaultNoise, random: &first)

        #expect(data.count == 101)
        #expect(data.dimension == 2)
        #expect(data.labels.filter { $0 == -1 }.count == 50)
        #expect(data == generator.generate(points: 101, noise: generator.defaultNoise, random: &second))
        #expect(data != generator.generate(points: 101, noise: generator.defaultNoise, random: &other))
        #expect(data.labels.prefix(50).contains(1), "points are shuffled, not grouped by class")
    }

    @Test("noiseless geometry: circles of radius 1 and 0.5, moons on unit circles, xor quadrants")
    func geometry() {
        var random = RandomSource(seed: 1)
        let circles = DataGenerator.circles.generate(points: 40, noise: 0, random: &random)
        for i in 0..<circles.count {
            let p = circles.point(i)
            let radius = (p[p.startIndex] * p[p.startIndex] + p[p.startIndex + 1] * p[p.startIndex + 1]).squareRoot()
            #expect(abs(radius - (circles.labels[i] < 0 ? 1 : 0.5)) < 1e-15)
        }
        let moons = DataGenerator.moons.generate(points: 40, noise: 0, random: &random)
        for i in 0..<moons.count {
            var (x, y) = (moons.features[2 * i], moons.features[2 * i + 1])
            if moons.labels[i] > 0 { (x, y) = (1 - x, 0.5 - y) }
            #expect(abs(x * x + y * y - 1) < 1e-15)
        }
        let xor = DataGenerator.xor.generate(points: 200, noise: 0, random: &random)
        for i in 0..<xor.count {
            #expect((xor.features[2 * i] * xor.features[2 * i + 1] > 0) == (xor.labels[i] > 0))
        }
    }

    @Test("CSV: header, 0/1 labels, CRLF and blank lines")
    func csv() throws {
        let data = try Dataset(csv: "x1,x2,x3,label\r\n1,2,3,1\r\n\r\n-4.5,5e-1,6,0\r\n", path: "data.csv")
        #expect(data == Dataset(points: [[1, 2, 3], [-4.5, 0.5, 6]], labels: [1, -1]))
        let signed = try Dataset(csv: "0.5,-1\n0.25,1\n", path: "signed.csv")
        #expect(signed.labels == [-1, 1])
        #expect(signed.dimension == 1)
    }

    @Test("CSV errors name the file, the line and the problem", arguments: [
        ("", "data.csv: no data lines"),
        ("x,y,label\n", "data.csv: no data lines"),
        ("1,2,1\n3,4\n", "data.csv:2: expected 3 fields"),
        ("1,2,1\n3,4,1,5\n", "data.csv:2: expected 3 fields (2 features and a label) like the first data line, found 4"),
        ("1,2,1\n3,abc,1\n", "data.csv:2: field 2 is \"abc\", not a number"),
        ("1,2,1\n3,,1\n", "data.csv:2: field 2 is an empty field, not a number"),
        ("1,2,1\n1,nan,1\n", "data.csv:2: field 2 is nan; values must be finite"),
        ("1,2,1\n1,inf,-1\n", "data.csv:2: field 2 is inf; values must be finite"),
        ("1,2,1\n1,2,2\n", "data.csv:2: label 2.0 is not a class label"),
        ("1,2,0\n1,2,-1\n", "data.csv:2: label -1.0 mixes the conventions"),
        ("7\n", "data.csv:1: expected at least one feature and a label"),
    ])
    func csvErrors(text: String, message: String) {
        #expect {
            _ = try Dataset(csv: text, path: "data.csv")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("a validation split is a seeded partition of the points")
    func split() {
        var random = RandomSource(seed: 2)
        let data = DataGenerator.gaussians.generate(points: 50, noise: 0.5, random: &random)
        var first = RandomSource(seed: 3)
        var second = RandomSource(seed: 3)
        let (training, validation) = data.split(validationFraction: 0.2, using: &first)

        #expect(validation.count == 10)
        #expect(training.count == 40)
        let all = (0..<data.count).map { Array(data.point($0)) + [data.labels[$0]] }
        let parts = (0..<training.count).map { Array(training.point($0)) + [training.labels[$0]] }
            + (0..<validation.count).map { Array(validation.point($0)) + [validation.labels[$0]] }
        #expect(Set(all) == Set(parts))
        #expect(data.split(validationFraction: 0.2, using: &second) == (training, validation))
    }
}

@Suite("Strict CSV numbers")
struct StrictCSVTests {
    @Test("a field is a number only if all of it is a decimal number", arguments: [
        ("1,3\u{0}garbage,1\n", "data.csv:1: field 2 is \"3\\u0000garbage\", not a number"),
        ("1,\u{1B}[31mred,1\n", "data.csv:1: field 2 is \"\\u001B[31mred\", not a number"),
        ("1,0x10,1\n", "data.csv:1: field 2 is \"0x10\", not a number"),
        ("1,2,1\n1,1e,1\n", "data.csv:2: field 2 is \"1e\", not a number"),
        ("1,2,1\n1,.,1\n", "data.csv:2: field 2 is \".\", not a number"),
        ("1,2,1\n1,- 1,1\n", "data.csv:2: field 2 is \"- 1\", not a number"),
        ("1,2,1\n1,1e999,1\n", "data.csv:2: field 2 is 1e999; values must be finite numbers"),
        ("1,2,1\n1,-Infinity,1\n", "data.csv:2: field 2 is -Infinity; values must be finite numbers"),
        ("1,2,1\n1,1_000,1\n", "data.csv:2: field 2 is \"1_000\", not a number"),
        // A first line of text is a header; of quoted numbers, it would have been a point lost.
        ("\"1\",\"2\",\"1\"\n3,4,-1\n", "data.csv:1: the fields are numbers in quotes (\"1\",\"2\",\"1\"); runner reads numbers without quotes (and takes a first line of text for a header): remove the quotes"),
        ("\"x\",\"y\",\"label\"\n\"1\",2,1\n", "data.csv:2: field 1 is \"\"1\"\", not a number"),
    ])
    func refused(text: String, message: String) {
        let error = #expect(throws: DataFileError.self) { try Dataset(csv: text, path: "data.csv") }
        #expect(error?.description == message)
    }

    @Test("decimal numbers in every spelling read exactly, spaces and CR line ends aside")
    func accepted() throws {
        let data = try Dataset(csv: " +1.5 ,\t.25,1\r-2.,5E-1 ,0\r\n1e2,-0,1", path: "data.csv")
        #expect(data.features == [1.5, 0.25, -2.0, 0.5, 100, -0.0])
        #expect(data.labels == [1, -1, 1])
    }
}
