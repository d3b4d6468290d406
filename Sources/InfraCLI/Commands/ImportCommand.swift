import ArgumentParser
import InfraEngine

/// `infra import <env> <address> <aws-id>`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring an existing AWS object under infra's management at an address the code declares.")

    @OptionGroup var target: StateCommand.Target
    @Argument(help: "The address in the code, e.g. aws_vpc.main.") var address: String
    @Argument(help: "The AWS id, e.g. vpc-0abc.") var id: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let parsed = try ResourceAddress(parsing: address)
        let workspace = Workspace.current()
        let (loaded, backend) = try target.backend()
        guard let configuration = loaded.configurations.first,
            let spec = configuration.resources.first(where: { $0.address == parsed })
        else {
            throw CLIError("\(parsed) is not declared in the code of \(target.environment): declare it first, then import")
        }
        let client = try workspace.client(region: loaded.header.region)
        try await workspace.checkAccount(loaded, client: client)
        let provider = workspace.provider(client: client)
        try await withStateLock(backend, operation: "OperationTypeImport", timeout: .seconds(0), terminal: global.terminal) {
            let stored = try await backend.read()
            if stored?.state.resources[parsed] != nil {
                throw CLIError("\(parsed) is already in the state; 'infra state rm' it first to import another object")
            }
            guard let object = try await provider.importResource(type: parsed.type, id: id) else {
                throw CLIError("no \(parsed.type) with id \(id) exists in \(loaded.header.region)")
            }
            var state = stored?.state ?? StateSnapshot(stack: configuration.stack, environment: loaded.name, toolVersion: ToolVersion.current)
            state.resources[parsed] = ResourceState(
                type: parsed.type, id: object.id, attributes: object.attributes, dependencies: spec.dependencies.sorted())
            state.serial += 1
            try await backend.write(state)
        }
        print("Imported \(id) as \(parsed). Run 'infra plan \(target.environment)' to see how it differs from the code.")
    }
}
