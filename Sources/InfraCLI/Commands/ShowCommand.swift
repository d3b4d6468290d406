import ArgumentParser
import Foundation
import InfraEngine
import InfraReports

/// `infra show tfplan [--json]`.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a saved plan.")

    @Argument(help: "The plan file written by 'infra plan <env> -out FILE'.") var planFile: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let plan = try PlanFile.decode(try readFile(planFile), path: planFile)
        let terminal = global.terminal
        do {
            terminal.line("Plan for \(plan.environment)/\(plan.stack) (state \(plan.backendKey), serial \(plan.priorSerial.map(String.init) ?? "none")):")
            terminal.line("")
            terminal.line(PlanText(style: TextStyle(colors: terminal.colors)).render(plan))
        }
    }
}

func readFile(_ path: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw CLIError("cannot read \(path): \(error.localizedDescription)")
    }
}
