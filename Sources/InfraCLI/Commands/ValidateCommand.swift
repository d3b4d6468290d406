import ArgumentParser
import InfraDSL
import InfraEngine
import InfraReports

/// `infra validate <env>`: offline checks of everything the code declares.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an environment offline: settings types, references, cycles and policies.",
        discussion: "Makes no AWS call. Exits 3 when a policy gate fails, 1 on any other problem.")

    @Argument(help: "The environment (environments/<env>.yaml).") var environment: String
    @Option(name: .customLong("stack"), help: "Only this stack (repeatable).") var stacks: [String] = []
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let terminal = global.terminal
        let loaded = try Workspace.current().load(environment, stacks: stacks)
        var failed = false
        for configuration in loaded.configurations {
            let graph = try ResourceGraph(configuration)
            let views = configuration.resources.map {
                ResourceView(address: $0.address, before: nil, after: $0.attributes, annotations: $0.annotations)
            }
            let evaluation = PolicyEngine().evaluate(views, context: loaded.policyContext, threshold: try loaded.policyThreshold)
            terminal.line("\(configuration.stack): \(graph.count) resources, \(configuration.outputs.count) outputs; policies \(evaluation.verdict)")
            PolicyText.print(evaluation, to: terminal)
            failed = failed || !evaluation.passed
        }
        if failed { throw ExitCode.policyFailure }
        terminal.line(terminal.paint("Success!", .green) + " The configuration of \(environment) is valid.")
    }
}

/// Policy findings in the terminal, one line each, failing ones first.
enum PolicyText {
    static func print(_ evaluation: PolicyEvaluation, to terminal: Terminal) {
        let ordered = evaluation.findings.sorted { ($0.isWaived ? 1 : 0, -$0.severity.rank) < ($1.isWaived ? 1 : 0, -$1.severity.rank) }
        for finding in ordered {
            let failing = !finding.isWaived && finding.severity >= evaluation.threshold
            let mark = finding.isWaived ? "waived" : failing ? terminal.paint("FAIL", .red) : terminal.paint("warn", .yellow)
            terminal.line("  [\(mark)] \(finding.ruleID) (\(finding.severity.rawValue)) \(finding.address): \(finding.message)")
            if let waiver = finding.waiver {
                terminal.line("         waived: \(waiver)")
            } else if failing {
                terminal.line("         fix: \(finding.fix)")
            }
        }
    }
}
