import ArgumentParser
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never colour the output (also: the NO_COLOR environment variable).")
    var noColor = false

    var terminal: Terminal { Terminal.detect(noColorFlag: noColor) }
}

/// Options of the commands that read and lock a state.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("stack"), help: "Only this stack of the environment (repeatable).")
    var stacks: [String] = []

    @Option(name: .customLong("lock"), help: "Take the state lock (--lock=false to skip it, as for a read-only plan in CI).")
    var lock: Bool = true

    @Option(name: .customLong("lock-timeout"), help: "How long to wait for a held lock (e.g. 30s, 5m). 0s fails at once.")
    var lockTimeoutText: String = "0s"

    var lockTimeout: Duration {
        get throws {
            guard let duration = Duration.parse(lockTimeoutText) else {
                throw ValidationError("--lock-timeout '\(lockTimeoutText)' is not a duration such as 30s, 5m or 1h")
            }
            return duration
        }
    }
}
