// swift-tools-version:6.0
//
// `infra`: an infrastructure-as-code planner for AWS.
//
// One target per layer; each imports only the layers below it:
//
//   InfraCLI ──► InfraReports ──► InfraEngine
//      │  └────► InfraBackends ──► InfraEngine, InfraAWS
//      └───────► InfraProviders ─► InfraEngine, InfraAWS
//   InfraDSL ──► InfraEngine
//   Stacks (this repository's platform) ──► InfraDSL
//
import PackageDescription

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
            ]),
        .target(
            name: "InfraEngine",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "InfraBackends", dependencies: ["InfraEngine"]),
        .target(
            name: "InfraDSL",
            dependencies: ["InfraEngine", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "InfraCLI",
            dependencies: [
                "InfraAWS", "InfraEngine", "InfraDSL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "infra", dependencies: ["InfraCLI"]),
        .executableTarget(
            name: "infra-bench-engine", dependencies: ["InfraEngine"], path: "Benchmarks/EngineBenchmark"),

        // MARK: Test support and tests
        .target(name: "InfraTestSupport", dependencies: ["InfraAWS", "InfraEngine"]),
        .testTarget(name: "InfraAWSTests", dependencies: ["InfraAWS", "InfraTestSupport"]),
        .testTarget(name: "InfraEngineTests", dependencies: ["InfraEngine", "InfraTestSupport"]),
        .testTarget(name: "InfraBackendsTests", dependencies: ["InfraBackends", "InfraTestSupport"]),
        .testTarget(name: "InfraDSLTests", dependencies: ["InfraDSL", "InfraEngine"]),
        .testTarget(name: "InfraCLITests", dependencies: ["InfraCLI", "InfraTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
