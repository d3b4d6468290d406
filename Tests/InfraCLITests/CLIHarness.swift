import Foundation
import XCTest

/// Runs the built `infra` binary in a throwaway project folder, as a user would.
struct CLIHarness {
    let project: URL

    init() throws {
        project = FileManager.default.temporaryDirectory.appendingPathComponent("infra-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("environments"), withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: project) }

    /// The `infra` executable next to the test bundle (`.build/debug/infra`).
    static var binary: URL {
        get throws {
            // On Linux the test bundle is an executable in the products folder; on macOS a bundle in it.
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle(for: BundleMarker.self).bundleURL.deletingLastPathComponent(),
            ].map { $0.appendingPathComponent("infra") }
            if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
            throw CLIHarnessError("the infra executable was not built next to the tests; run `swift build --build-tests`")
        }
    }

    func write(_ relative: String, _ text: String) throws {
        let url = project.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ relative: String) throws -> Data { try Data(contentsOf: project.appendingPathComponent(relative)) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = try Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = project
        var environment = ProcessInfo.processInfo.environment
        // A test never reaches real AWS: no ambient credentials, no instance metadata.
        for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = project.appendingPathComponent("no-credentials").path
        environment["AWS_CONFIG_FILE"] = project.appendingPathComponent("no-config").path
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static let devEnvironment = """
        region: us-east-1
        backend:
          local: { path: state }
        stacks: [platform]
        platform:
          cidr: 10.10.0.0/16
          zones: 2
          nat_per_zone: false
          public_ingress: 0.0.0.0/0
        """
}

final class BundleMarker {}

struct CLIHarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
