import ArgumentParser

extension InfraCommand {
    /// Every subcommand, in the order `infra --help` lists them.
    static let subcommandTypes: [any ParsableCommand.Type] = []
}
