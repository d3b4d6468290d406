import ArgumentParser

/// `infra force-unlock <env> <lock-id>`.
struct ForceUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force-unlock",
        abstract: "Release a state lock left by a process that died (give the lock's ID, as the error printed it).")

    @OptionGroup var target: StateCommand.Target
    @Argument(help: "The lock ID.") var lockID: String

    func run() async throws {
        let (_, backend) = try target.backend()
        try await backend.forceUnlock(id: lockID)
        print("The state lock \(lockID) of \(backend.key) was released. Make sure the process that held it is gone.")
    }
}
