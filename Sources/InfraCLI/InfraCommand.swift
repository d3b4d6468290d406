import ArgumentParser
import Foundation
import InfraAWS
import InfraDSL

/// `infra`: plan and apply AWS infrastructure declared in typed Swift stacks.
public struct InfraCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "infra",
        abstract: "Plan and apply AWS infrastructure declared in typed Swift stacks.",
        discussion: """
            Environments live in environments/<env>.yaml; stacks are Swift types in stacks/.
            Use -chdir=DIR (or --chdir DIR) before the command to run in another project folder,
            e.g. infra -chdir=examples/FinanceHub plan dev.
            Exit codes: 0 ok / no changes, 1 error, 2 changes present (--detailed-exitcode), 3 policy failure.
            """,
        version: InfraVersion.current,
        subcommands: InfraCommand.subcommandTypes
    )

    public init() {}
}

/// The version recorded in plans and states.
public enum InfraVersion {
    public static let current = "0.1.0"
}

/// The process entry point used by the `infra` executable.
public enum InfraMain {
    /// Runs the command line with `stacks` as the stacks this binary knows. Handles a leading
    /// `-chdir=DIR` / `--chdir DIR` (Terraform's convention) first.
    public static func run(stacks: [any Stack.Type], arguments: [String] = Array(CommandLine.arguments.dropFirst())) async {
        RegisteredStacks.set(stacks)
        var arguments = arguments
        do {
            if let directory = try extractChdir(&arguments) {
                guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                    throw ValidationError("-chdir: cannot change to directory '\(directory)': it does not exist or is not a folder")
                }
            }
            var command = try InfraCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try? await HTTPTransport.shared.shutdown()
        } catch {
            try? await HTTPTransport.shared.shutdown()
            InfraCommand.exit(withError: error)
        }
    }

    static func extractChdir(_ arguments: inout [String]) throws -> String? {
        guard let first = arguments.first else { return nil }
        for prefix in ["-chdir=", "--chdir="] where first.hasPrefix(prefix) {
            arguments.removeFirst()
            return String(first.dropFirst(prefix.count))
        }
        if first == "--chdir" || first == "-chdir" {
            guard arguments.count >= 2 else { throw ValidationError("\(first) needs a directory") }
            let directory = arguments[1]
            arguments.removeFirst(2)
            return directory
        }
        return nil
    }
}
