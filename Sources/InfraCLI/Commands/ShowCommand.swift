import ArgumentParser
import Foundation
import InfraEngine
import InfraReports

/// `infra show tfplan [--json]`.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a saved plan as text, or as Terraform-compatible JSON (--json).")

    @Argument(help: "The plan file written by 'infra plan <env> -out FILE'.") var planFile: String
    @Flag(name: [.customLong("json"), .customLong("json", withSingleDash: true)],
          help: "Terraform's JSON plan format, which checkov, conftest and Infracost read.")
    var json = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let plan = try PlanFile.decode(try readFile(planFile), path: planFile)
        let terminal = global.terminal
        if json {
            FileHandle.standardOutput.write(TerraformPlanJSON.render(plan: plan))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
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
