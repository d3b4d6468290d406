import ArgumentParser

extension InfraCommand {
    /// Every subcommand, in the order `infra --help` lists them.
    static let subcommandTypes: [any ParsableCommand.Type] = [
        WhoamiCommand.self,
        ValidateCommand.self,
        PlanCommand.self,
        ApplyCommand.self,
        DestroyCommand.self,
        ShowCommand.self,
        OutputCommand.self,
        StateCommand.self,
        ImportCommand.self,
        ForceUnlockCommand.self,
        GraphCommand.self,
        InitCommand.self,
        CommentCommand.self,
    ]
}
