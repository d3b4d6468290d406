import ArgumentParser
import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraReports

/// `infra apply tfplan` or `infra apply <env>`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a saved plan exactly, or plan an environment, confirm, and apply.",
        discussion: """
            'infra apply FILE' applies the plan saved by 'infra plan <env> -out FILE' and refuses it when the state \
            changed since (stale) or the file was altered. 'infra apply <env>' plans, shows the plan, asks for \
            'yes' (or --auto-approve), then applies. Ctrl-C stops starting new work, lets calls in flight \
            finish, saves the state and releases the lock.
            """)

    @Argument(help: "A plan file, or an environment name.") var target: String
    @Flag(name: .customLong("auto-approve"), help: "Apply without asking for confirmation.") var autoApprove = false
    @Option(name: .customLong("parallelism"), help: "At most this many operations at once.") var parallelism = 10
    @OptionGroup var state: StateOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let terminal = global.terminal
        if FileManager.default.fileExists(atPath: target) {
            let data = try Data(contentsOf: URL(fileURLWithPath: target))
            let plan = try PlanFile.decode(data, path: target)
            let session = try PlanSession(environment: plan.environment, stacks: [plan.stack])
            try await ApplyRunner(session: session, terminal: terminal, parallelism: parallelism, state: state).apply(plan)
            return
        }
        try await PlanAndApply(environment: target, destroy: false, autoApprove: autoApprove, parallelism: parallelism,
                               state: state, terminal: terminal).run()
    }
}

/// `infra destroy <env>`: plan the destruction of everything, confirm, apply.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy", abstract: "Destroy everything an environment's state holds (after confirmation).")

    @Argument(help: "The environment.") var environment: String
    @Flag(name: .customLong("auto-approve"), help: "Destroy without asking for confirmation.") var autoApprove = false
    @Option(name: .customLong("parallelism"), help: "At most this many operations at once.") var parallelism = 10
    @OptionGroup var state: StateOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await PlanAndApply(environment: environment, destroy: true, autoApprove: autoApprove, parallelism: parallelism,
                               state: state, terminal: global.terminal).run()
    }
}

/// Plan, show, confirm, apply: `apply <env>` and `destroy <env>`, each stack under one lock hold.
struct PlanAndApply {
    var environment: String
    var destroy: Bool
    var autoApprove: Bool
    var parallelism: Int
    var state: StateOptions
    var terminal: Terminal

    func run() async throws {
        let session = try PlanSession(environment: environment, stacks: state.stacks)
        let threshold = try session.loaded.policyThreshold
        let configurations = destroy ? session.loaded.configurations.reversed() : session.loaded.configurations
        for configuration in configurations {
            let backend = try session.workspace.backend(session.loaded, stack: configuration.stack)
            try await session.workspace.checkAccount(session.loaded, client: session.client)
            try await withStateLock(backend, operation: "OperationTypeApply", timeout: try state.lockTimeout, terminal: terminal) {
                let prior = try await backend.read()?.state
                let plan = try await Planner(provider: session.workspace.provider(client: session.client), refreshConcurrency: parallelism)
                    .plan(configuration, prior: prior, backendKey: backend.key, options: PlanOptions(destroy: destroy))
                terminal.line(PlanText(style: TextStyle(colors: terminal.colors)).render(plan))
                let evaluation = session.policies(plan, threshold: threshold)
                if !evaluation.findings.isEmpty {
                    terminal.line("")
                    terminal.line("Policies: \(evaluation.verdict)")
                    PolicyText.print(evaluation, to: terminal)
                }
                guard evaluation.passed || destroy else { throw ExitCode.policyFailure }
                guard plan.hasChanges else { return }
                try confirm(stack: configuration.stack)
                try await ApplyRunner(session: session, terminal: terminal, parallelism: parallelism, state: state)
                    .applyHoldingLock(plan, backend: backend)
            }
        }
    }

    private func confirm(stack: String) throws {
        guard !autoApprove else { return }
        guard terminal.interactive else {
            throw CLIError("refusing to \(destroy ? "destroy" : "apply") without confirmation: no terminal to ask on. "
                           + "Pass --auto-approve, or save a plan with 'infra plan \(environment) -out FILE' and apply it")
        }
        terminal.line("")
        terminal.line("Do you want to \(destroy ? "destroy all resources of" : "perform these actions in") \(environment)/\(stack)?")
        terminal.line("  Only 'yes' will be accepted to approve.")
        FileHandle.standardOutput.write(Data("\n  Enter a value: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CLIError("\(destroy ? "destroy" : "apply") cancelled: nothing was changed")
        }
    }
}

/// Runs an apply and renders its events, one line per resource as it starts and finishes.
struct ApplyRunner {
    var session: PlanSession
    var terminal: Terminal
    var parallelism: Int
    var state: StateOptions

    /// Applies a saved plan: takes the lock, checks staleness (the engine does), applies.
    func apply(_ plan: Plan) async throws {
        let backend = try session.workspace.backend(session.loaded, stack: plan.stack)
        guard backend.key == plan.backendKey else {
            throw CLIError("the plan was made for state \(plan.backendKey), but \(session.loaded.file) now names \(backend.key); run plan again")
        }
        try await session.workspace.checkAccount(session.loaded, client: session.client)
        try await withStateLock(backend, operation: "OperationTypeApply", timeout: try state.lockTimeout, terminal: terminal) {
            try await applyHoldingLock(plan, backend: backend)
        }
    }

    func applyHoldingLock(_ plan: Plan, backend: any StateBackend) async throws {
        let provider = session.workspace.provider(client: session.client)
        let terminal = self.terminal
        let applier = Applier(provider: provider, backend: backend, parallelism: parallelism) { event in
            ApplyEventText.render(event, plan: plan, terminal: terminal)
        }
        let result = try await Interruption().run(notice: { _ in
            terminal.error("\nInterrupt received: no new operations will start; waiting for those in flight, then saving the state...")
        }) {
            try await applier.apply(plan)
        }
        terminal.line("")
        let summary = ApplyEventText.summary(result)
        if result.succeeded {
            terminal.line(terminal.paint("Apply complete!", .green) + " \(summary)")
            if !plan.configuration.outputs.isEmpty {
                terminal.line("")
                terminal.line("Outputs:")
                terminal.line("")
                OutputText.print(result.state.outputs, to: terminal)
            }
            return
        }
        for failure in result.failures { terminal.error(terminal.paint("Error:", .red) + " \(failure)") }
        if let write = result.stateWriteError { terminal.error(terminal.paint("Error:", .red) + " saving the state: \(write)") }
        if !result.skipped.isEmpty { terminal.error("Not started because something they depend on failed: \(result.skipped.map { $0.address.description }.joined(separator: ", "))") }
        if result.wasCancelled { terminal.error("Interrupted: \(result.notStarted.count) operations not started. \(summary) The state holds everything that completed.") }
        throw ExitCode.failure
    }
}

/// How apply events read in the terminal (Terraform's wording).
enum ApplyEventText {
    static func render(_ event: ApplyEvent, plan: Plan, terminal: Terminal) {
        switch event {
        case .started(let op):
            let id = op.kind == .create ? "" : plan.changes[safe: op.change]?.priorID.map { " [id=\($0)]" } ?? ""
            terminal.line("\(op.address): \(verb(op.kind).ing)...\(id)")
        case .stillRunning(let op, let elapsed):
            terminal.line("\(op.address): Still \(verb(op.kind).ing.lowercased())... [\(elapsed.compact) elapsed]")
        case .progress(let op, let note):
            terminal.line("\(op.address): \(note)")
        case .finished(let op, let elapsed, let id):
            terminal.line("\(op.address): \(verb(op.kind).noun) complete after \(elapsed.fine)\(id.map { " [id=\($0)]" } ?? "")")
        case .failed(let op, let elapsed, let message):
            terminal.error("\(op.address): \(verb(op.kind).noun) failed after \(elapsed.compact): \(message)")
        case .skipped(let op, let cause):
            terminal.error("\(op.address): skipped, because \(cause.address) failed")
        case .cancelled, .stateSaved:
            break
        }
    }

    static func verb(_ kind: ApplyOperation.Kind) -> (ing: String, noun: String) {
        switch kind {
        case .create: ("Creating", "Creation")
        case .update: ("Modifying", "Modifications")
        case .delete, .deleteDeposed: ("Destroying", "Destruction")
        }
    }

    static func summary(_ result: ApplyResult) -> String {
        let added = result.completed.filter { $0.kind == .create }.count
        let changed = result.completed.filter { $0.kind == .update }.count
        let destroyed = result.completed.filter { $0.kind == .delete || $0.kind == .deleteDeposed }.count
        return "Resources: \(added) added, \(changed) changed, \(destroyed) destroyed."
    }
}

/// Outputs as `name = value`, sensitive ones hidden.
enum OutputText {
    static func print(_ outputs: [String: OutputState], to terminal: Terminal) {
        for name in outputs.keys.sorted() {
            guard let output = outputs[name] else { continue }
            terminal.line("\(name) = \(output.sensitive ? "<sensitive>" : render(output.value))")
        }
    }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .list(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .map(let map): return "{" + map.keys.sorted().map { "\($0) = \(render(map[$0] ?? .null))" }.joined(separator: ", ") + "}"
        case .sensitive: return "<sensitive>"
        default: return value.renderedScalar
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
