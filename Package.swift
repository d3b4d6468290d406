// swift-tools-version:6.0
//
// `infra`: an infrastructure-as-code planner for AWS.
//
// One target per layer; each imports only the layers below it:
//
//   InfraCLI ──► InfraReports ───► InfraEngine
//      ├───────► InfraProviders ─► InfraEngine, InfraAWS
//      ├───────► InfraBackends ──► InfraEngine, InfraAWS (S3 + DynamoDB)
//      └───────► InfraDSL ───────► InfraEngine
//   InfraAWS: credentials, signing, transport, protocols (knows no engine)
//
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

let package = Package(
    name: "infra",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "infra", targets: ["infra"]),
        .library(name: "InfraDSL", targets: ["InfraDSL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: Layers
        .target(
            name: "InfraAWS",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                // Deadlines, byte buffers, HTTP types and the connection errors the transport classifies.
            ] + nio),
        .target(name: "InfraEngine", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "InfraDSL", dependencies: ["InfraEngine", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "InfraProviders",
            // Crypto: salted hashes of secret values (the value itself never reaches state).
            dependencies: ["InfraEngine", "InfraAWS", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "InfraBackends",
            // Crypto: the MD5 digest item of the S3 backend.
            dependencies: ["InfraEngine", "InfraAWS", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "InfraReports", dependencies: ["InfraEngine"]),
        .target(
            name: "InfraCLI",
            dependencies: [
                "InfraAWS", "InfraEngine", "InfraDSL", "InfraProviders", "InfraBackends", "InfraReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "infra", dependencies: ["InfraCLI", "Stacks", "Examples"]),

        // MARK: This repository's own platform, and the reference systems of examples/
        .target(name: "Stacks", dependencies: ["InfraDSL"], path: "stacks"),
        .target(
            name: "Examples", dependencies: ["InfraDSL"], path: "examples",
            sources: [
                "ExampleStacks.swift", "FinanceHub/stacks", "SCISoliaInvest/stacks", "CantonDEX/stacks",
                "FinancialStronghold/stacks",
            ]),

        // MARK: Benchmarks (`make bench`)
        .executableTarget(name: "infra-bench-sign", dependencies: ["InfraAWS"], path: "Benchmarks/SignBenchmark"),
        .executableTarget(name: "infra-bench-engine", dependencies: ["InfraEngine"], path: "Benchmarks/EngineBenchmark"),
        .executableTarget(name: "infra-bench", dependencies: ["InfraTestSupport"], path: "Benchmarks/PlatformBenchmark"),

        // MARK: Test support and tests
        .target(
            name: "InfraTestSupport",
            // AsyncHTTPClient: the fault proxy forwards requests to the emulator byte for byte.
            dependencies: [
                "InfraAWS", "InfraEngine", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ] + nio),
        .testTarget(
            name: "InfraAWSTests", dependencies: ["InfraAWS", "InfraTestSupport"],
            resources: [.copy("Resources")]),
        .testTarget(name: "InfraEngineTests", dependencies: ["InfraEngine", "InfraTestSupport"]),
        .testTarget(name: "InfraBackendsTests", dependencies: ["InfraBackends", "InfraTestSupport"]),
        .testTarget(
            name: "InfraProvidersTests",
            dependencies: [
                "InfraProviders", "InfraDSL", "InfraEngine", "InfraBackends", "InfraReports", "InfraTestSupport",
            ]),
        .testTarget(name: "InfraDSLTests", dependencies: ["InfraDSL", "InfraEngine"]),
        .testTarget(
            name: "InfraReportsTests", dependencies: ["InfraReports", "InfraEngine", "InfraDSL", "InfraTestSupport"],
            resources: [.copy("Resources")]),
        .testTarget(
            name: "InfraCLITests",
            dependencies: [
                "InfraCLI", "InfraAWS", "InfraDSL", "InfraEngine", "InfraTestSupport", "Stacks", "Examples",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
