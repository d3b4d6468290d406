import ArgumentParser
import Foundation
import InfraEngine

/// `infra output <env> [name] [--json]`.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output", abstract: "Show a stack's outputs (sensitive ones only by name, or with --json).")

    @OptionGroup var target: StateCommand.Target
    @Argument(help: "One output's name (prints its raw value).") var name: String?
    @Flag(name: .customLong("json"), help: "Print as JSON.") var json = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (_, state) = try await target.readState()
        if let name {
            guard let output = state.outputs[name] else {
                throw CLIError("no output named '\(name)'; outputs: \(state.outputs.keys.sorted().joined(separator: ", "))")
            }
            if json {
                FileHandle.standardOutput.write(try encodeStateValue(output.value))
                print("")
            } else {
                print(output.value.stringValue ?? OutputText.render(output.value))
            }
            return
        }
        if json {
            var all: [String: Value] = [:]
            for (key, output) in state.outputs {
                all[key] = .map(["value": output.value, "sensitive": .bool(output.sensitive)])
            }
            FileHandle.standardOutput.write(try encodeStateValue(.map(all)))
            print("")
        } else {
            OutputText.print(state.outputs, to: global.terminal)
        }
    }

    private func encodeStateValue(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
