import ArgumentParser
import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraReports

/// `infra plan <env>`: what apply would change, per stack.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change in an environment, and optionally save the plan.",
        discussion: """
            Reads the state, refreshes it from AWS (one batched read per resource type), and compares it with \
            the code. With -out FILE the plan is saved for 'infra apply FILE', which applies exactly it.
            Exit codes: 0 no changes (or changes without --detailed-exitcode), 1 error, 2 changes present \
            (with --detailed-exitcode), 3 policy gate failed.
            """)

    @Argument(help: "The environment (environments/<env>.yaml).") var environment: String
    @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")], help: "Save the plan to this file.")
    var out: String?
    @Option(name: .customLong("target"), help: "Plan only this resource and what it depends on (repeatable).")
    var targets: [String] = []
    @Option(name: .customLong("replace"), help: "Replace this resource even if nothing changed (repeatable).")
    var replace: [String] = []
    @Option(name: .customLong("refresh"), help: "Read AWS before planning (--refresh=false uses the state as is).")
    var refresh: Bool = true
    @Flag(name: .customLong("refresh-only"), help: "Only update the state to match AWS; change nothing in AWS.")
    var refreshOnly = false
    @Flag(name: .customLong("destroy"), help: "Plan to destroy everything the state holds.")
    var destroy = false
    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when the plan has changes.")
    var detailedExitCode = false
    @Flag(name: .customLong("json"), help: "Print the plan as Terraform's JSON plan format instead of text.")
    var json = false
    @Option(name: .customLong("markdown"), help: "Also write the pull-request comment (Markdown) to this file.")
    var markdown: String?
    @Option(name: .customLong("parallelism"), help: "At most this many concurrent reads.") var parallelism = 10
    @OptionGroup var state: StateOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let terminal = global.terminal
        let options = try PlanOptions(
            targets: targets.map { try ResourceAddress(parsing: $0) }, replace: replace.map { try ResourceAddress(parsing: $0) },
            destroy: destroy, refresh: refresh, refreshOnly: refreshOnly)
        let session = try PlanSession(environment: environment, stacks: state.stacks)
        if out != nil, session.loaded.configurations.count > 1 {
            throw ValidationError(
                "\(session.loaded.file) deploys stacks \(session.loaded.configurations.map(\.stack).joined(separator: ", ")): "
                    + "a plan file holds one stack's plan, so add --stack NAME (CI runs one job per stack)")
        }
        let threshold = try session.loaded.policyThreshold
        var anyChanges = false
        var policyFailed = false
        for configuration in session.loaded.configurations {
            if session.loaded.configurations.count > 1 { terminal.line(terminal.paint("Stack \(configuration.stack):", .bold)) }
            let plan = try await session.plan(configuration, options: options, lock: state.lock, lockTimeout: try state.lockTimeout,
                                              parallelism: parallelism, terminal: terminal)
            let evaluation = session.policies(plan, threshold: threshold)
            if json {
                FileHandle.standardOutput.write(TerraformPlanJSON.render(plan: plan))
                FileHandle.standardOutput.write(Data("\n".utf8))
            } else {
                terminal.line(PlanText(style: TextStyle(colors: terminal.colors)).render(plan))
            }
            if let markdown {
                let text = try PlanReports(plan: plan, loaded: session.loaded).comment(planFileLocation: out ?? "infra plan \(environment)")
                try Data(text.utf8).write(to: URL(fileURLWithPath: markdown), options: .atomic)
            }
            if !evaluation.findings.isEmpty, !json {
                terminal.line("")
                terminal.line("Policies: \(evaluation.verdict)")
                PolicyText.print(evaluation, to: terminal)
            }
            anyChanges = anyChanges || plan.hasChanges
            policyFailed = policyFailed || !evaluation.passed
            if let out {
                try PlanFile.encode(plan).write(to: URL(fileURLWithPath: out), options: .atomic)
                guard !json else { continue }
                terminal.line("")
                terminal.line("Saved the plan to: \(out)")
                terminal.line("To perform exactly these actions, run: infra apply \(out)")
            }
        }
        if policyFailed { throw ExitCode.policyFailure }
        if detailedExitCode && anyChanges { throw ExitCode.changesPresent }
    }
}

/// One environment loaded for planning: its configurations, AWS client and provider.
struct PlanSession {
    let workspace: Workspace
    let loaded: LoadedEnvironment
    let client: AWSClient

    init(environment: String, stacks: [String]) throws {
        workspace = Workspace.current()
        loaded = try workspace.load(environment, stacks: stacks)
        client = try workspace.client(region: loaded.header.region)
    }

    func plan(_ configuration: Configuration, options: PlanOptions, lock: Bool, lockTimeout: Duration,
              parallelism: Int, terminal: Terminal) async throws -> Plan
    {
        if options.refresh || options.refreshOnly { try await workspace.checkAccount(loaded, client: client) }
        let backend = try workspace.backend(loaded, stack: configuration.stack)
        let provider = workspace.provider(client: client)
        return try await withStateLock(backend, operation: "OperationTypePlan", timeout: lockTimeout, enabled: lock, terminal: terminal) {
            let prior = try await backend.read()?.state
            return try await Planner(provider: provider, refreshConcurrency: parallelism)
                .plan(configuration, prior: prior, backendKey: backend.key, options: options)
        }
    }

    func policies(_ plan: Plan, threshold: Severity) -> PolicyEvaluation {
        PolicyEngine().evaluate(ResourceView.views(of: plan), context: loaded.policyContext, threshold: threshold)
    }
}
