// swift-tools-version: 6.1
import PackageDescription

/// Architecture, from the bottom up:
/// - `RunnerCore`: the seed's network, its training and its data. No dependencies
///   but `CRunnerKernel`, its training loop in C compiled for AVX2.
/// - `RunnerStore`: the SQLite experiment store (GRDB), independent of the math;
///   `CSQLiteSwitches` gives it the one SQLite setting Swift cannot call (a C variadic).
/// - `RunnerPlots`: SVG charts and the HTML report, from plain values.
/// - `RunnerKit`: experiment specs, sweeps, and the work behind each command.
/// - `runner`: the thin command line over `RunnerKit`.
/// - `runner-benchmark`: the release-build speed measurement of the core.
let package = Package(
    name: "runner",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runner", targets: ["runner"]),
        .library(name: "RunnerCore", targets: ["RunnerCore"]),
        .library(name: "RunnerStore", targets: ["RunnerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .target(name: "CRunnerKernel"),
        .target(
            name: "RunnerCore",
            dependencies: ["CRunnerKernel"],
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(
            name: "RunnerStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API, for the one hot loop that binds values itself (epoch inserts).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The recorder's queue of epochs waiting for a commit.
                .product(name: "DequeModule", package: "swift-collections"),
                "CSQLiteSwitches",
            ]
        ),
        .target(name: "CSQLiteSwitches", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "RunnerPlots"),
        .target(
            name: "RunnerKit",
            dependencies: ["RunnerCore", "RunnerStore", "RunnerPlots"]
        ),
        .executableTarget(
            name: "runner",
            dependencies: [
                "RunnerCore", "RunnerKit", "RunnerStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "runner-benchmark", dependencies: ["RunnerCore"]),
        .testTarget(
            name: "RunnerCoreTests",
            dependencies: ["RunnerCore", "CRunnerKernel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RunnerStoreTests", dependencies: ["RunnerStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RunnerPlotsTests", dependencies: ["RunnerPlots"]),
        .testTarget(name: "RunnerKitTests", dependencies: ["RunnerKit"]),
        .testTarget(name: "RunnerCLITests", dependencies: ["runner"]),
    ],
    swiftLanguageModes: [.v6]
)
