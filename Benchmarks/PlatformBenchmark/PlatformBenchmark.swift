// infra-bench: `make bench`. The real `infra` binary (release) against moto through the fault
// proxy (latency added per request), then the engine and signing benchmarks, in one table.
//
//   swift build -c release && .build/release/infra-bench
//
// Run from the repository root: it reads environments/prod.yaml and environments/scale.yaml.
import Foundation
import InfraTestSupport

// MARK: Running the binary

struct Run {
    var status: Int32
    var output: String
    var seconds: Double
}

let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

func run(_ executable: URL, _ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
    environment["NO_COLOR"] = "1"
    environment["AWS_EC2_METADATA_DISABLED"] = "true"
    process.environment = environment.merging(extra) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    let start = ContinuousClock.now
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
               seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

func require(_ run: Run, _ what: String) throws -> Run {
    guard run.status == 0 else { throw BenchError(description: "\(what) failed (exit \(run.status)):\n\(run.output.suffix(3000))") }
    return run
}

// MARK: The table

struct Row {
    var measure: String
    var value: String
    var against: String
    var verdict: String
}

func seconds(_ value: Double) -> String {
    value < 1 ? String(format: "%.0f ms", value * 1000) : String(format: "%.2f s", value)
}

func verdict(_ ok: Bool) -> String { ok ? "met" : "MISSED" }

func printTable(_ rows: [Row]) {
    let widths = [
        max(7, rows.map(\.measure.count).max() ?? 0), max(5, rows.map(\.value.count).max() ?? 0),
        max(7, rows.map(\.against.count).max() ?? 0),
    ]
    func line(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        a.padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
            + String(repeating: " ", count: max(0, widths[1] - b.count)) + b + "  "
            + c.padding(toLength: widths[2], withPad: " ", startingAt: 0) + "  " + d
    }
    print(line("measure", "value", "against / target", "target"))
    print(String(repeating: "-", count: widths.reduce(12, +) + 6))
    for row in rows { print(line(row.measure, row.value, row.against, row.verdict)) }
}

// MARK: The project: prod and scale with S3 state, under names of their own

/// `environments/<name>.yaml` with its backend swapped for `backend`.
func environmentFile(_ name: String, backend: String) throws -> String {
    let text = try String(contentsOf: root.appendingPathComponent("environments/\(name).yaml"), encoding: .utf8)
    return EnvironmentFile.replacingBackend(in: text, with: backend)
}

/// The critical path of an apply: the longest chain of the dependency graph (`infra graph`),
/// each resource weighted by how long its operation took (`complete after` lines).
func criticalPath(applyOutput: String, graph: String) -> Double {
    var took: [String: Double] = [:]
    for line in applyOutput.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":"), let after = line.range(of: "complete after ") else { continue }
        let rest = line[after.upperBound...].prefix { $0 != " " }
        if rest.hasSuffix("s"), let value = Double(rest.dropLast()) { took[String(line[..<colon])] = value }
    }
    var dependencies: [String: [String]] = [:]
    for line in graph.split(separator: "\n") where line.contains("->") {
        let names = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        if names.count == 2 { dependencies[names[0], default: []].append(names[1]) }
    }
    var finish: [String: Double] = [:]
    func finishing(_ node: String, _ depth: Int) -> Double {
        if let known = finish[node] { return known }
        guard depth < 10_000 else { return 0 }
        let value = (took[node] ?? 0) + ((dependencies[node] ?? []).map { finishing($0, depth + 1) }.max() ?? 0)
        finish[node] = value
        return value
    }
    return took.keys.map { finishing($0, 0) }.max() ?? 0
}

@main
struct PlatformBenchmark {
    static func main() async {
        do {
            try await measure()
        } catch {
            print("infra-bench: \(error)")
            exit(1)
        }
    }

    static func measure() async throws {
        var rows: [Row] = []
        let infra = products.appendingPathComponent("infra")
        guard FileManager.default.isExecutableFile(atPath: infra.path) else {
            throw BenchError(description: "\(infra.path) is missing: run `swift build -c release` first")
        }
        print("infra-bench: starting moto (two servers: EKS needs signature checking off) and the latency proxy...")
        let moto = try await MotoServer.start()
        let eks = try await MotoServer.start()
        try await eks.setAuth(enabled: false)
        defer {
            moto.stop()
            eks.stop()
        }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint.absoluteString)
        let eksProxy = try await FaultProxy.start(upstream: eks.endpoint.absoluteString)
        func latency(_ ms: Int) {
            let mix = FaultMix(latency: .milliseconds(ms))
            proxy.setMix(mix)
            eksProxy.setMix(mix)
        }
        func calls() -> Int { proxy.requestCount + eksProxy.requestCount }
        func resetCalls() {
            proxy.resetCounts()
            eksProxy.resetCounts()
        }

        let project = FileManager.default.temporaryDirectory.appendingPathComponent("infra-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("environments"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: project) }
        let backend = "backend:\n  s3: { bucket: infra-bench-state, lock_table: infra-bench-locks }"
        // Two copies of prod: physical names derive from the environment, and moto never lets
        // an ElastiCache id be reused, so each apply from empty gets its own.
        for name in ["prod", "prodlatency"] {
            try environmentFile("prod", backend: backend)
                .write(to: project.appendingPathComponent("environments/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let hasScale = FileManager.default.fileExists(atPath: root.appendingPathComponent("environments/scale.yaml").path)
        if hasScale {
            try environmentFile("scale", backend: backend)
                .write(to: project.appendingPathComponent("environments/scale.yaml"), atomically: true, encoding: .utf8)
        }
        let environment = [
            "AWS_ENDPOINT_URL": proxy.endpoint, "AWS_ENDPOINT_URL_EKS": eksProxy.endpoint, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "INFRA_EMULATOR": "moto",
        ]
        func infraRun(_ arguments: [String]) throws -> Run {
            try run(infra, arguments, in: project, environment: environment)
        }
        _ = try require(try infraRun(["init", "prod", "--bootstrap"]), "infra init prod --bootstrap")

        // Apply from empty, without and with latency: wall time against the critical path.
        for (env, ms) in [("prod", 0), ("prodlatency", 50)] {
            latency(ms)
            resetCalls()
            let apply = try require(try infraRun(["apply", env, "--auto-approve"]), "infra apply \(env)")
            let applyCalls = calls()
            let graph = try require(try infraRun(["graph", env]), "infra graph \(env)")
            let critical = criticalPath(applyOutput: apply.output, graph: graph.output)
            let ratio = apply.seconds / critical
            rows.append(Row(
                measure: "apply prod platform from empty, \(ms) ms/request", value: seconds(apply.seconds),
                against: "critical path \(seconds(critical)) → \(String(format: "%.2f", ratio))× (≤ 1.5×); \(applyCalls) calls",
                verdict: verdict(ratio <= 1.5)))
        }

        // No-change plans: median of three, API calls of the first.
        func noChangePlans(_ env: String, target: (Double, Int) -> (text: String, met: Bool)) throws {
            let count = try infraRun(["state", "list", env]).output.split(separator: "\n").count
            for ms in [0, 50] {
                latency(ms)
                var times: [Double] = []
                var planCalls = 0
                for attempt in 0..<3 {
                    resetCalls()
                    let plan = try infraRun(["plan", env, "--detailed-exitcode"])
                    guard plan.status == 0 else {
                        throw BenchError(description: "the \(env) plan is not empty:\n\(plan.output.suffix(3000))")
                    }
                    times.append(plan.seconds)
                    if attempt == 0 { planCalls = calls() }
                }
                let time = median(times)
                let goal = target(time, planCalls)
                rows.append(Row(
                    measure: "no-change plan, \(env) (\(count) resources), \(ms) ms/request", value: seconds(time),
                    against: "\(planCalls) API calls" + (ms == 50 ? "; \(goal.text)" : ""),
                    verdict: ms == 50 ? verdict(goal.met) : ""))
            }
        }
        try noChangePlans("prod") { time, _ in ("target < 1 s", time < 1) }
        if hasScale {
            latency(0)
            _ = try require(try infraRun(["apply", "scale", "--auto-approve", "--parallelism", "32"]), "infra apply scale")
            try noChangePlans("scale") { time, calls in ("targets < 2 s, < 60 calls", time < 2 && calls < 60) }
        } else {
            rows.append(Row(measure: "no-change plan, scale", value: "n/a", against: "environments/scale.yaml is missing",
                            verdict: "MISSED"))
        }

        // Process start.
        // What starting any process through Foundation's Process costs here (spawn, pipes,
        // wait) is measured with /bin/true and taken off: the figure is infra's own.
        var baseline: [Double] = []
        for _ in 0..<15 { baseline.append(try run(URL(fileURLWithPath: "/bin/true"), [], in: root).seconds) }
        var help: [Double] = []
        for _ in 0..<15 { help.append(try require(try run(infra, ["--help"], in: root), "infra --help").seconds) }
        let own = max(0, median(help) - median(baseline))
        rows.append(Row(measure: "process start: infra --help", value: seconds(own),
                        against: "median of 15, less /bin/true's \(seconds(median(baseline))); target < 20 ms",
                        verdict: verdict(own < 0.020)))
        var validate: [Double] = []
        for _ in 0..<5 {
            validate.append(try require(try run(infra, ["validate", "prod"], in: root), "infra validate prod").seconds)
        }
        rows.append(Row(measure: "process start: infra validate prod", value: seconds(max(0, median(validate) - median(baseline))),
                        against: "median of 5, offline, less /bin/true", verdict: ""))

        print("")
        printTable(rows)
        print("")
        print("Latency is added by the fault proxy in front of moto (moto itself answers in 3-4 ms, about")
        print("300 calls/s on 2 cores). Calls include the S3 state, its digest item and the DynamoDB lock.")

        // The engine alone and the signer, from their own benchmarks.
        for (name, arguments) in [("infra-bench-engine", ["10000", "100000"]), ("infra-bench-sign", [])] {
            print("")
            print("== \(name) \(arguments.joined(separator: " "))")
            let result = try run(products.appendingPathComponent(name), arguments, in: root)
            print(result.output, terminator: "")
        }
    }
}
