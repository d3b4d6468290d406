import ArgumentParser
import Foundation
import InfraDSL
import InfraEngine

/// `infra state list|show|rm|mv|pull`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Inspect and edit the state of an environment's stacks.",
        subcommands: [List.self, Show.self, Remove.self, Move.self, Pull.self])

    /// Picks the single stack a state command works on.
    struct Target: ParsableArguments {
        @Argument(help: "The environment.") var environment: String
        @Option(name: .customLong("stack"), help: "The stack (needed when the environment deploys several).") var stack: String?

        func backend() throws -> (LoadedEnvironment, any StateBackend) {
            let workspace = Workspace.current()
            let loaded = try workspace.load(environment, stacks: stack.map { [$0] } ?? [])
            guard loaded.configurations.count == 1, let configuration = loaded.configurations.first else {
                throw ValidationError("\(loaded.file) deploys stacks \(loaded.configurations.map(\.stack).joined(separator: ", ")): name one with --stack")
            }
            return (loaded, try workspace.backend(loaded, stack: configuration.stack))
        }

        func readState() async throws -> (any StateBackend, StateSnapshot) {
            let (_, backend) = try backend()
            guard let stored = try await backend.read() else {
                throw CLIError("\(backend.key) holds no state yet: nothing has been applied to \(environment)")
            }
            return (backend, stored.state)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the resources in the state.")
        @OptionGroup var target: Target
        func run() async throws {
            let (_, state) = try await target.readState()
            for address in state.resources.keys.sorted() {
                let status = state.resources[address]?.status == .tainted ? " (tainted)" : ""
                print("\(address)\(status)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one resource's recorded attributes.")
        @OptionGroup var target: Target
        @Argument(help: "The resource address, e.g. aws_vpc.main.") var address: String
        func run() async throws {
            let (_, state) = try await target.readState()
            let parsed = try ResourceAddress(parsing: address)
            guard let resource = state.resources[parsed] else {
                throw CLIError("\(address) is not in the state; 'infra state list \(target.environment)' lists what is")
            }
            print("# \(parsed)")
            print("id = \"\(resource.id)\"")
            for name in resource.attributes.keys.sorted() {
                print("\(name) = \(OutputText.render(resource.attributes[name] ?? .null))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Forget resources without deleting them in AWS.")
        @OptionGroup var target: Target
        @Argument(help: "Addresses to remove.") var addresses: [String]
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let parsed = try addresses.map { try ResourceAddress(parsing: $0) }
            try await editState(target, terminal: global.terminal, operation: "OperationTypeStateRm") { state in
                for address in parsed {
                    guard state.resources.removeValue(forKey: address) != nil else {
                        throw CLIError("\(address) is not in the state; nothing was changed")
                    }
                    print("Removed \(address) (it still exists in AWS; infra no longer manages it)")
                }
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mv", abstract: "Record a resource under a new address (after a rename in code).")
        @OptionGroup var target: Target
        @Argument(help: "Current address.") var from: String
        @Argument(help: "New address.") var to: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let source = try ResourceAddress(parsing: from)
            let destination = try ResourceAddress(parsing: to)
            guard source.type == destination.type else {
                throw ValidationError("cannot move \(source) to \(destination): the type differs")
            }
            try await editState(target, terminal: global.terminal, operation: "OperationTypeStateMv") { state in
                guard let resource = state.resources[source] else { throw CLIError("\(source) is not in the state") }
                guard state.resources[destination] == nil else { throw CLIError("\(destination) is already in the state") }
                state.resources[source] = nil
                state.resources[destination] = resource
                for (address, var other) in state.resources where other.dependencies.contains(source) {
                    other.dependencies = other.dependencies.map { $0 == source ? destination : $0 }
                    state.resources[address] = other
                }
                print("Moved \(source) to \(destination)")
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pull", abstract: "Print the state as JSON.")
        @OptionGroup var target: Target
        func run() async throws {
            let (_, state) = try await target.readState()
            FileHandle.standardOutput.write(try StateFileCodec.encode(state))
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }
}

/// Reads, changes and writes a state under its lock (serial + 1).
func editState(_ target: StateCommand.Target, terminal: Terminal, operation: String,
               _ change: @escaping (inout StateSnapshot) throws -> Void) async throws
{
    let (_, backend) = try target.backend()
    try await withStateLock(backend, operation: operation, timeout: .seconds(0), terminal: terminal) {
        guard var state = try await backend.read()?.state else {
            throw CLIError("\(backend.key) holds no state yet")
        }
        try change(&state)
        state.serial += 1
        try await backend.write(state)
    }
}
