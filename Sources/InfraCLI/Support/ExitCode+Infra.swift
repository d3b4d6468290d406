import ArgumentParser

/// The exit codes of DESIGN.md's contract.
extension ExitCode {
    /// Plan succeeded and there are changes (`--detailed-exitcode`).
    public static let changesPresent = ExitCode(2)
    /// A policy gate failed.
    public static let policyFailure = ExitCode(3)
}
